import type { Logger } from 'pino';

/**
 * Node prints process warnings as raw text on stderr, which breaks journald's and launchd's line
 * parsing of a daemon whose log is JSON. The AWS SDK uses them (NodeVersionSupportWarning on Node
 * older than it likes). This swaps Node's printing listener for the logger: each distinct warning
 * becomes one JSON line, once, whatever number of times it is emitted.
 */
export function routeWarningsToLog(logger: Logger, proc: NodeJS.Process = process): () => void {
  const printers = proc.listeners('warning');
  for (const p of printers) proc.off('warning', p);
  const seen = new Set<string>();
  const onWarning = (w: Error) => {
    // The SDK puts its own name at the front of the message; the first line says what it is about.
    const firstLine = (w.message.split('\n')[0] ?? '').trim();
    const key = `${w.name}\u0000${firstLine}`;
    if (seen.has(key)) return;
    seen.add(key);
    logger.warn({ warning: w.name, detail: w.message.replace(/\s*\n\s*/g, ' ').trim() }, firstLine || w.name);
  };
  proc.on('warning', onWarning);
  return () => {
    proc.off('warning', onWarning);
    for (const p of printers) proc.on('warning', p as (w: Error) => void);
  };
}
