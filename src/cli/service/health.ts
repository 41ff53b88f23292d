import { request } from 'node:http';

export interface HealthResult {
  ok: boolean;
  /** The `status` field of the /health reply, when there was one. */
  status?: string;
  error?: string;
}

/** /health answers from memory; 2 s without a reply means the agent is wedged, not slow. */
const HEALTH_TIMEOUT_MS = 2000;

/** GET http://127.0.0.1:<port>/health, never throwing: status reports what it finds. */
export function fetchHealth(port: number, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthResult> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', method: 'GET', headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let status: string | undefined;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: unknown };
          if (typeof body.status === 'string') status = body.status;
        } catch {
          // Not JSON: whatever answers on this port is not the agent.
        }
        if (res.statusCode === 200 && status !== undefined) resolve({ ok: true, status });
        else resolve({ ok: false, ...(status !== undefined ? { status } : {}), error: `HTTP ${res.statusCode}${status === undefined ? ', not the agent\'s /health reply' : ''}` });
      });
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code === 'ECONNREFUSED' ? 'connection refused' : err.message }));
    req.end();
  });
}
