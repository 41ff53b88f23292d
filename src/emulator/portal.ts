import type { FastifyInstance, FastifyRequest } from 'fastify';
import { portalError } from './aws-errors.js';
import { ids } from './ids.js';
import { runOperation } from './operation.js';
import type { AccessToken, EmulatorState } from './state.js';

/** SSO portal: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout. */

// Server page size when max_result is absent (AWS's is undocumented; small enough that paging is exercised).
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const BEARER_HEADER = 'x-amz-sso_bearer_token';

const invalid = (msg: string): Error => portalError('InvalidRequestException', msg);

function query(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query as Record<string, string | string[] | undefined>;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

function requireToken(state: EmulatorState, req: FastifyRequest): AccessToken {
  const raw = req.headers[BEARER_HEADER];
  const token = state.validAccessToken(Array.isArray(raw) ? raw[0] : raw);
  if (!token) throw portalError('UnauthorizedException', 'Session token not found or invalid');
  return token;
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) throw invalid(`max_result must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

/** Opaque to clients; binds the offset to the listing it came from so a token cannot cross listings. */
function encodeNext(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, o: offset })).toString('base64url');
}

function decodeNext(listing: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { l?: unknown; o?: unknown };
    if (v.l === listing && typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    // fall through to the error below
  }
  throw invalid('Invalid next token');
}

function paginate<T>(items: T[], listing: string, q: Record<string, string | undefined>): { page: T[]; nextToken?: string } {
  const size = pageSize(q.max_result);
  const offset = decodeNext(listing, q.next_token);
  const page = items.slice(offset, offset + size);
  return offset + size < items.length ? { page, nextToken: encodeNext(listing, offset + size) } : { page };
}

function accountIdParam(q: Record<string, string | undefined>): string {
  const id = q.account_id;
  if (!id) throw invalid('account_id is required');
  if (!/^\d{12}$/.test(id)) throw invalid(`Invalid account id ${id}`);
  return id;
}

export function registerPortalRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/assignment/accounts', (req, reply) =>
    runOperation(state, 'portal', 'ListAccounts', reply, () => {
      requireToken(state, req);
      const { page, nextToken } = paginate(state.org, 'accounts', query(req));
      return {
        ...(nextToken ? { nextToken } : {}),
        accountList: page.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress })),
      };
    }),
  );

  app.get('/assignment/roles', (req, reply) =>
    runOperation(state, 'portal', 'ListAccountRoles', reply, () => {
      requireToken(state, req);
      const q = query(req);
      const accountId = accountIdParam(q);
      const account = state.findAccount(accountId);
      if (!account) throw portalError('ResourceNotFoundException', `Account ${accountId} not found`);
      const { page, nextToken } = paginate(account.roles, `roles:${accountId}`, q);
      return { ...(nextToken ? { nextToken } : {}), roleList: page.map((roleName) => ({ roleName, accountId })) };
    }),
  );

  app.get('/federation/credentials', (req, reply) =>
    runOperation(state, 'portal', 'GetRoleCredentials', reply, () => {
      requireToken(state, req);
      const q = query(req);
      const roleName = q.role_name;
      if (!roleName) throw invalid('role_name is required');
      const accountId = accountIdParam(q);
      const account = state.findAccount(accountId);
      // Not in the model: AWS's answer for a role the user is not assigned.
      if (!account || !account.roles.includes(roleName)) throw portalError('ForbiddenException', 'No access');
      const creds = {
        accessKeyId: ids.accessKeyId(),
        secretAccessKey: ids.secretAccessKey(),
        sessionToken: ids.sessionToken(),
        expiration: state.now() + state.config.credentialsTtl * 1000,
      };
      state.credentials.set(creds.accessKeyId, {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        accountId,
        roleName,
        expiresAt: creds.expiration,
      });
      state.remember(creds.secretAccessKey, creds.sessionToken);
      return { roleCredentials: creds };
    }),
  );

  app.post('/logout', (req, reply) =>
    runOperation(state, 'portal', 'Logout', reply, () => {
      const token = requireToken(state, req);
      // Ends the sign-in session behind the token: its access and refresh tokens stop working;
      // role credentials already issued keep running until they expire, as on AWS.
      const session = state.sessions.get(token.sessionId);
      if (session) session.ended = true;
      return undefined;
    }),
  );
}
