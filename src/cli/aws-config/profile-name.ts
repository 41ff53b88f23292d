import { BadUsageError } from '../../errors.js';
import type { CatalogRole } from '../../core/types.js';

/**
 * Profile names written to ~/.aws/config. They must survive three readers: botocore (any text in
 * `[profile NAME]`), the JS SDK (only `[\w\-@+.%:/]` — other names are silently ignored) and the
 * credential_process command line (no quoting needed). The intersection kept here is letters,
 * digits, `.`, `_` and `-`; anything else becomes `-`.
 */

export const PLACEHOLDERS = ['session', 'account_name', 'account_id', 'role_name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME = 128;

/** True for a name that needs no change. */
export function isSafeProfileName(name: string): boolean {
  return name.length <= MAX_NAME && SAFE_NAME.test(name);
}

/** Replaces unsafe runs with `-`, trims separators at the ends. May return '' (caller skips). */
export function sanitizeProfileName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // drop accents left over by NFKD: "Prodüktion" → "Produktion"
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/[._-]+$/, '');
  return cleaned;
}

/** Checks a --template: only known placeholders, balanced braces, and at least one placeholder. */
export function parseTemplate(template: string): string {
  const re = /\{([^{}]*)\}/g;
  let found = 0;
  for (const m of template.matchAll(re)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new BadUsageError(`--template: unknown placeholder {${name}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
    }
    found++;
  }
  if (/[{}]/.test(template.replace(re, ''))) throw new BadUsageError(`--template: unbalanced brace in ${JSON.stringify(template)}`);
  if (found === 0) throw new BadUsageError(`--template ${JSON.stringify(template)} has no placeholder, so every role would get the same name; use e.g. "{account_name}-{role_name}"`);
  return template;
}

function valueOf(p: Placeholder, role: CatalogRole): string {
  switch (p) {
    case 'session': return role.session;
    case 'account_name': return role.accountName;
    case 'account_id': return role.accountId;
    case 'role_name': return role.roleName;
  }
}

/**
 * The section name for a role: the template's result, or the catalog's own profile name, made
 * safe either way. '' when nothing usable is left.
 */
export function profileNameFor(role: CatalogRole, template?: string): string {
  const raw = template === undefined
    ? role.profile
    : template.replace(/\{([a-z_]+)\}/g, (_, p: string) => valueOf(p as Placeholder, role));
  return isSafeProfileName(raw) ? raw : sanitizeProfileName(raw);
}
