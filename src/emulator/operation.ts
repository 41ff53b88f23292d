import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ids } from './ids.js';
import { injectedErrorName, sendOidcError, sendPortalError, sendStsError, WireError } from './aws-errors.js';
import type { EmulatorState } from './state.js';

export type Family = 'oidc' | 'portal' | 'sts';

/** The body a content-type parser could not read as JSON: handlers answer InvalidRequestException. */
export const BAD_BODY = Symbol('bad body');

/** The request's own origin, so issued URLs point back at this emulator whatever port it got. */
export function baseUrl(req: FastifyRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

function sendError(reply: FastifyReply, family: Family, name: string, message: string, requestId: string, status?: number): FastifyReply {
  if (family === 'oidc') return sendOidcError(reply, name, message, status);
  if (family === 'portal') return sendPortalError(reply, name, message, status);
  return sendStsError(reply, name, message, requestId, status);
}

function injectedMessage(status: number): string {
  if (status === 429) return 'Rate exceeded';
  if (status === 503) return 'Service is temporarily unavailable';
  if (status >= 500) return 'An internal error occurred';
  return 'Injected failure';
}

/**
 * Runs one AWS operation the way the real front end would: a request id, the call counted, the
 * configured latency, injected failures (scripted, rate limit, random), then the handler, whose
 * WireErrors become the family's wire error.
 */
export async function runOperation(
  state: EmulatorState,
  family: Family,
  operation: string,
  reply: FastifyReply,
  handler: () => unknown | Promise<unknown>,
): Promise<FastifyReply> {
  const requestId = ids.requestId();
  reply.header('x-amzn-RequestId', requestId);
  state.count(operation);
  const { latencyMs } = state.faults.settings;
  if (latencyMs > 0) await sleep(latencyMs);
  const decision = state.faults.decide(operation, { rateLimited: family === 'portal', randomFailures: family !== 'sts' });
  if (decision.kind === 'fail') {
    const name = injectedErrorName(family, decision.status);
    return sendError(reply, family, name, injectedMessage(decision.status), requestId, decision.status);
  }
  try {
    const result = await handler();
    if (reply.sent) return reply;
    if (family === 'sts') return reply.code(200).header('content-type', 'text/xml').send(result as string);
    if (result === undefined) return reply.code(200).send();
    return reply.code(200).header('content-type', 'application/json').send(JSON.stringify(result));
  } catch (err) {
    if (err instanceof WireError) return sendError(reply, family, err.name, err.message, requestId, err.status);
    reply.log.error({ err }, 'emulator handler failed');
    const name = family === 'sts' ? 'InternalFailure' : 'InternalServerException';
    return sendError(reply, family, name, 'An internal error occurred', requestId, 500);
  }
}

/** Reads a JSON body as an object; anything else is the service's InvalidRequestException. */
export function jsonObject(body: unknown, invalid: (msg: string) => Error): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (body === BAD_BODY || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body is not a JSON object');
  return body as Record<string, unknown>;
}

export function optString(o: Record<string, unknown>, key: string, invalid: (msg: string) => Error): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${key} must be a string`);
  return v;
}

export function reqString(o: Record<string, unknown>, key: string, invalid: (msg: string) => Error): string {
  const v = optString(o, key, invalid);
  if (v === undefined || v === '') throw invalid(`${key} is required`);
  return v;
}

export function optStringList(o: Record<string, unknown>, key: string, invalid: (msg: string) => Error): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${key} must be a list of strings`);
  return v as string[];
}
