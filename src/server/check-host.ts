/**
 * DNS-rebinding guard for the TCP port: a web page that rebinds its own name to 127.0.0.1 still
 * sends its own name in `Host`, so only loopback names and addresses with the agent's own port
 * are accepted. Everything else — other names, other ports, missing Host — is refused.
 */
let usual = { port: -1, host: '' };
const usualHost = (port: number): string => {
  if (usual.port !== port) usual = { port, host: `127.0.0.1:${port}` };
  return usual.host;
};

export function checkHost(host: string | undefined, port: number): boolean {
  if (host === undefined || host === '' || host.length > 64) return false;
  // What every SDK sends (the URL `sso-agent env` prints), settled without parsing.
  if (host === usualHost(port)) return true;
  const lower = host.toLowerCase();
  let name: string;
  let portText: string | undefined;
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    if (end < 0) return false;
    name = lower.slice(1, end);
    const rest = lower.slice(end + 1);
    if (rest === '') portText = undefined;
    else if (rest.startsWith(':')) portText = rest.slice(1);
    else return false;
    if (name !== '::1') return false;
  } else {
    const colon = lower.lastIndexOf(':');
    name = colon < 0 ? lower : lower.slice(0, colon);
    portText = colon < 0 ? undefined : lower.slice(colon + 1);
    if (name !== 'localhost' && !isLoopbackIPv4(name)) return false;
  }
  // A Host without a port means port 80; accept it only if that is really our port.
  if (portText === undefined) return port === 80;
  if (!/^\d{1,5}$/.test(portText)) return false;
  return Number(portText) === port;
}

function isLoopbackIPv4(name: string): boolean {
  const parts = name.split('.');
  if (parts.length !== 4 || parts[0] !== '127') return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/**
 * RFC 9112 §3.2: a request with more than one Host is answered 400. Node keeps only the first in
 * `req.headers`, so count the raw ones (name, value, name, value, …).
 */
export function hostHeaderCount(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') n++;
  }
  return n;
}

/** Headers only browsers send (fetch metadata, Referer): SDKs and CLIs send none of them. */
export const BROWSER_HEADERS = ['sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'referer'] as const;

export function browserHeader(headers: Record<string, unknown>): string | undefined {
  for (const h of BROWSER_HEADERS) if (headers[h] !== undefined) return h;
  return undefined;
}
