import type { FastifyInstance, FastifyReply } from 'fastify';
import { jsonObject } from './operation.js';
import { decideDevice } from './oidc.js';
import type { FailNextSpec, FaultSettings } from './faults.js';
import type { EmulatorState } from './state.js';

/** `/_emulator/*`: the test and benchmark hooks named in the contract. Not AWS; plain JSON. */

class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function obj(body: unknown): Record<string, unknown> {
  return jsonObject(body, (msg) => new ControlError(msg));
}

function num(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ControlError(`${key} must be a number from ${min} to ${max}`);
  return v;
}

function str(o: Record<string, unknown>, key: string, required: true): string;
function str(o: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(o: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '') throw new ControlError(`${key} must be a non-empty string`);
  return v;
}

const EXPIRABLE = ['accessTokens', 'credentials', 'refreshTokens', 'registrations', 'deviceCodes', 'authCodes', 'signinTokens'];

function orgView(state: EmulatorState): Record<string, unknown> {
  return {
    startUrl: state.config.startUrl,
    region: state.config.region,
    accounts: state.org.map((a) => ({ ...a, roles: [...a.roles] })),
  };
}

async function handle(reply: FastifyReply, fn: () => unknown): Promise<FastifyReply> {
  try {
    return reply.code(200).send(fn() ?? { ok: true });
  } catch (err) {
    if (err instanceof ControlError) return reply.code(err.status).send({ message: err.message });
    throw err;
  }
}

function decide(state: EmulatorState, body: unknown, allow: boolean): unknown {
  const userCode = str(obj(body), 'userCode', true);
  const result = decideDevice(state, userCode, allow);
  if (result === 'unknown') throw new ControlError(`no device authorization with user code ${userCode}`, 404);
  if (result === 'expired') throw new ControlError(`device authorization ${userCode} has expired`, 409);
  if (result === 'already') throw new ControlError(`device authorization ${userCode} was already decided`, 409);
  return { ok: true };
}

function faults(state: EmulatorState, body: unknown): unknown {
  const o = obj(body);
  const patch: Partial<FaultSettings> & { failNext?: Record<string, FailNextSpec> } = {};
  const latencyMs = num(o, 'latencyMs', 0, 600_000);
  const rateLimit = num(o, 'rateLimit', 0, 1_000_000);
  const failRate = num(o, 'failRate', 0, 1);
  if (latencyMs !== undefined) patch.latencyMs = latencyMs;
  if (rateLimit !== undefined) patch.rateLimit = rateLimit;
  if (failRate !== undefined) patch.failRate = failRate;
  if (o.failNext !== undefined) {
    if (typeof o.failNext !== 'object' || o.failNext === null || Array.isArray(o.failNext)) {
      throw new ControlError('failNext must be an object {"<Operation>": {"count": n, "status": code}}');
    }
    patch.failNext = {};
    for (const [op, raw] of Object.entries(o.failNext as Record<string, unknown>)) {
      const spec = obj(raw);
      const count = num(spec, 'count', 0, 1_000_000);
      const status = num(spec, 'status', 400, 599) ?? 500;
      if (count === undefined || !Number.isInteger(count) || !Number.isInteger(status)) {
        throw new ControlError(`failNext.${op} needs an integer count and status`);
      }
      patch.failNext[op] = { count, status };
    }
  }
  state.faults.update(patch);
  return { ...state.faults.settings, failNext: state.faults.pendingFailNext() };
}

function assignments(state: EmulatorState, body: unknown): unknown {
  const o = obj(body);
  const list = (key: string): Record<string, unknown>[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ControlError(`${key} must be a list`);
    return v.map(obj);
  };
  const add = list('add');
  const remove = list('remove');
  for (const a of add) {
    const accountId = str(a, 'accountId', true);
    if (!/^\d{12}$/.test(accountId)) throw new ControlError(`accountId must be 12 digits, not ${accountId}`);
    const roleName = str(a, 'roleName', true);
    if (!/^[\w+=,.@-]{1,32}$/.test(roleName)) throw new ControlError(`roleName ${roleName} is not a valid permission-set name`);
    let account = state.findAccount(accountId);
    if (!account) {
      const accountName = str(a, 'accountName') ?? `Account ${accountId}`;
      account = { accountId, accountName, emailAddress: `aws+${accountId}@example.com`, roles: [] };
      state.org.push(account);
    }
    if (!account.roles.includes(roleName)) account.roles.push(roleName);
  }
  for (const r of remove) {
    const accountId = str(r, 'accountId', true);
    const roleName = str(r, 'roleName');
    const account = state.findAccount(accountId);
    if (!account) continue;
    account.roles = roleName === undefined ? [] : account.roles.filter((n) => n !== roleName);
  }
  // An account where the user holds no role no longer shows in the portal.
  state.org = state.org.filter((a) => a.roles.length > 0);
  return orgView(state);
}

export function registerControlRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/_emulator/approve', (req, reply) => handle(reply, () => decide(state, req.body, true)));
  app.post('/_emulator/deny', (req, reply) => handle(reply, () => decide(state, req.body, false)));
  app.post('/_emulator/faults', (req, reply) => handle(reply, () => faults(state, req.body)));
  app.get('/_emulator/faults', (_req, reply) =>
    handle(reply, () => ({ ...state.faults.settings, failNext: state.faults.pendingFailNext() })),
  );
  app.post('/_emulator/expire', (req, reply) =>
    handle(reply, () => {
      const what = str(obj(req.body), 'what', true);
      if (!EXPIRABLE.includes(what)) throw new ControlError(`what must be one of ${EXPIRABLE.join(', ')}`);
      return { expired: state.expire(what) };
    }),
  );
  app.post('/_emulator/assignments', (req, reply) => handle(reply, () => assignments(state, req.body)));
  app.get('/_emulator/stats', (_req, reply) => handle(reply, () => ({ calls: Object.fromEntries(state.calls) })));
  app.post('/_emulator/stats/reset', (_req, reply) =>
    handle(reply, () => {
      state.calls.clear();
      return { ok: true };
    }),
  );
  app.get('/_emulator/secrets', (_req, reply) => handle(reply, () => ({ secrets: [...state.secrets] })));
  app.get('/_emulator/org', (_req, reply) => handle(reply, () => orgView(state)));
}
