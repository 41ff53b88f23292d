import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import {
  AgentError, InternalError, InvalidInputError, MethodNotAllowedError, PayloadTooLargeError, NotFoundError,
  UnsupportedMediaTypeError, UriTooLongError, isAgentError, toErrorBody,
} from '../errors.js';

/**
 * The error body on the wire. `Code`/`Message` are what JS `fromHttp` reads and shows; the
 * lower-case twins are what Go and Rust document (protocol-detail §5.1).
 */
export interface WireError { Code: string; Message: string; code: string; message: string }

export function wireError(err: AgentError): WireError {
  const b = toErrorBody(err);
  return { ...b, code: b.Code, message: b.Message };
}

/** Anything thrown becomes an AgentError; Fastify's own 4xx (bad JSON, body too large) keep their status. */
export function toAgentError(err: unknown): AgentError {
  if (isAgentError(err)) return err;
  const fe = err as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') return new UriTooLongError('the profile name in the URL is too long');
  if (fe.code === 'FST_ERR_BAD_URL') return new InvalidInputError('the URL is not valid (bad percent-encoding?)');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const message = `bad request: ${String(fe.message ?? 'invalid input').split('\n')[0]}`;
    if (fe.statusCode === 413) return new PayloadTooLargeError(message);
    if (fe.statusCode === 415) return new UnsupportedMediaTypeError(message);
    return new InvalidInputError(message);
  }
  return new InternalError('internal error in the agent; its log has the details');
}

export function sendError(reply: FastifyReply, err: AgentError): FastifyReply {
  // Exactly `application/json`: Go parses an error body as JSON only for that header value.
  // A Buffer, because Fastify appends `; charset=utf-8` to the header when the payload is a string.
  return reply.code(err.status).header('content-type', 'application/json').header('cache-control', 'no-store')
    .send(Buffer.from(JSON.stringify(wireError(err))));
}

/** Fastify's `frameworkErrors` option: router-level failures (over-long parameter, bad URL) in the same shape. */
export function frameworkErrors(err: FastifyError, _req: unknown, reply: FastifyReply): void {
  void sendError(reply, toAgentError(err));
}

/**
 * The one place errors become HTTP for an app: AgentErrors with their status, Fastify's client
 * errors with theirs, everything else a bare 500 that leaks nothing (the log keeps the cause).
 * Unknown routes are 404, or 405 when the path exists for another method.
 */
export function installErrorHandling(app: FastifyInstance, logger: Logger, knownPaths: (path: string) => boolean): void {
  app.setErrorHandler((err, req, reply) => {
    const agentErr = toAgentError(err);
    if (agentErr.status >= 500) {
      const e = err as Error;
      logger.error({ path: req.url.split('?')[0], errorCode: agentErr.code, err: { type: e?.name, message: e?.message, stack: e?.stack } }, 'request failed');
    } else {
      logger.debug({ path: req.url.split('?')[0], errorCode: agentErr.code }, 'request refused');
    }
    return sendError(reply, agentErr);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const err = knownPaths(path)
      ? new MethodNotAllowedError(`${req.method} is not allowed on ${path}`)
      : new NotFoundError(`no route ${req.method} ${path}: see \`sso-agent --help\``);
    return sendError(reply, err);
  });
}
