/**
 * DNS-rebinding guard for the TCP port: a web page that rebinds its own name to 127.0.0.1 still
 * sends its own name in `Host`, so only loopback names and addresses with the agent's own port
 * are accepted. Everything else — other names, other ports, missing Host — is refused.
 */
export function checkHost(host: string | undefined, port: number): boolean {
  if (host === undefined || host === '' || host.length > 64) return false;
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
