import { request } from 'node:http';
import { AgentNotRunningError, BadReplyError, RemoteError, TimeoutError, type ErrorBody } from '../errors.js';
import { socketPath } from '../paths.js';
import { assertOwnSocket } from './check-socket.js';

/**
 * Talks to the agent's admin API over its unix socket. Deliberately node:http only: this is on
 * the `credential-process` path, which must start fast.
 */
export interface AdminRequestOptions {
  socket?: string;
  /** Long polls (login wait) pass a larger value; 0 means none. */
  timeoutMs?: number;
  /** Ends a long poll from this side (the request is destroyed; the promise rejects). */
  signal?: AbortSignal;
}

export function adminRequest<T>(method: 'GET' | 'POST', path: string, body?: unknown, opts: AdminRequestOptions = {}): Promise<T> {
  const socket = opts.socket ?? socketPath();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    // Before any byte goes out: a socket in another user's hands gets neither the profile name nor a request.
    assertOwnSocket(socket);
    const req = request(
      {
        socketPath: socket,
        ...(opts.signal ? { signal: opts.signal } : {}),
        method,
        path,
        headers: payload === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            reject(new BadReplyError(`the agent sent a reply that is not JSON (status ${res.statusCode}): is another program listening on ${socket}?`));
            return;
          }
          const status = res.statusCode ?? 500;
          if (status >= 200 && status < 300) resolve(parsed as T);
          else {
            const b = (parsed ?? {}) as Partial<ErrorBody>;
            if (typeof b.Code !== 'string') reject(new BadReplyError(`the agent answered ${status} without an error code: is another program listening on ${socket}?`));
            else reject(new RemoteError({ Code: b.Code, Message: b.Message ?? `the agent answered ${status}` }, status));
          }
        });
        res.on('error', reject);
      },
    );
    if (opts.timeoutMs) {
      req.setTimeout(opts.timeoutMs, () => req.destroy(new TimeoutError(`the agent did not answer within ${opts.timeoutMs} ms; check it with \`sso-agent status\`, or restart it`)));
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK') reject(new AgentNotRunningError(socket));
      else reject(err);
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The routes live with their reply types in src/core/admin-api.ts, shared with the server. */
export { ADMIN_ROUTES, EKS_TOKEN_ENV } from '../core/admin-api.js';
