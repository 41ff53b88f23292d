import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { HttpProxyAgent } from 'http-proxy-agent';
import type { HttpsProxyAgent } from 'https-proxy-agent';
import { requireCjs } from '../require-cjs.js';
import { UpstreamUnreachableError } from '../errors.js';

/**
 * Proxy settings read the way the AWS CLI reads them, so one environment means the same to both.
 * botocore asks urllib: `getproxies()` takes `<scheme>_proxy` with the lowercase name winning over
 * the uppercase one, the proxy is picked by the request's scheme only (no ALL_PROXY), and
 * `proxy_bypass_environment` matches NO_PROXY entries against the host (with or without its port)
 * exactly or as a domain suffix, a leading dot ignored, `*` meaning every host. Loopback is not
 * bypassed unless NO_PROXY says so. proxy-from-env differs on the suffix rule (`example.com` there
 * does not cover `oidc.example.com`) and reads only process.env, hence these few lines.
 */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const lower = env[name.toLowerCase()];
  if (lower !== undefined) return lower || undefined;
  return env[name.toUpperCase()] || undefined;
}

/** True when NO_PROXY says `url` goes direct. `netloc` is host[:port] as urllib sees it. */
export function bypassesProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const noProxy = envValue(env, 'no_proxy');
  if (!noProxy) return false;
  if (noProxy.trim() === '*') return true;
  const hostOnly = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const netloc = url.host.toLowerCase();
  for (const raw of noProxy.split(',')) {
    const name = raw.trim().replace(/^\.+/, '').toLowerCase();
    if (!name) continue;
    if (hostOnly === name || netloc === name) return true;
    if (hostOnly.endsWith('.' + name) || netloc.endsWith('.' + name)) return true;
  }
  return false;
}

/** The proxy URL for a request to `url`, or undefined to go direct. */
export function proxyForUrl(url: string | URL, env: NodeJS.ProcessEnv): string | undefined {
  const u = typeof url === 'string' ? new URL(url) : url;
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const proxy = envValue(env, `${scheme}_proxy`);
  if (!proxy || bypassesProxy(u, env)) return undefined;
  // botocore (like curl) takes "host:port" to mean an http:// proxy.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** A proxy URL for messages: never its user:password. */
export function redactProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    if (u.username || u.password) { u.username = '***'; u.password = ''; }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable proxy setting)';
  }
}

export interface ProxyRoute {
  /** The endpoint's host (host:port when a port is given). */
  host: string;
  /** The proxy, credentials removed; undefined when the request goes direct. */
  proxy?: string;
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

/** The agents NodeHttpHandler needs to send requests for `endpoint` the way the AWS CLI would. */
export function proxyRoute(endpoint: string, env: NodeJS.ProcessEnv): ProxyRoute {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    // A malformed region makes a malformed default endpoint; the SDK's call names the problem.
    return { host: endpoint };
  }
  const proxy = proxyForUrl(u, env);
  if (!proxy) return { host: u.host };
  let agent: { httpAgent: HttpAgent } | { httpsAgent: HttpsAgent };
  try {
    agent = u.protocol === 'https:'
      // Loaded only when a proxy is in use: most agents never need them.
      ? { httpsAgent: new (requireCjs('https-proxy-agent') as { HttpsProxyAgent: typeof HttpsProxyAgent }).HttpsProxyAgent(proxy, { keepAlive: true }) }
      : { httpAgent: new (requireCjs('http-proxy-agent') as { HttpProxyAgent: typeof HttpProxyAgent }).HttpProxyAgent(proxy, { keepAlive: true }) };
  } catch (err) {
    throw new UpstreamUnreachableError(`the proxy setting ${redactProxy(proxy)} for ${u.host} is not a usable URL (${(err as Error).message}): fix HTTPS_PROXY / HTTP_PROXY`, { cause: err });
  }
  return { host: u.host, proxy: redactProxy(proxy), ...agent };
}
