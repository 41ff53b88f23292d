/**
 * The fake organisation: deterministic from the account and role counts, so a test can predict it,
 * and deliberately awkward — names with spaces, mixed case and punctuation, an account id with a
 * leading zero, role names using every character IAM allows in a permission-set name — so that
 * profile naming and id handling meet what real organisations contain.
 */
export interface OrgAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  roles: string[];
}

const ACCOUNT_NAMES = [
  'Payments (Prod)',
  'data-lake & ML',
  'Sandbox',
  'Shared Services',
  'Security/Audit',
  'dev: Team Ünicorn',
  'LOG-ARCHIVE',
  "Marketing's Site",
  'Network Hub #1',
  'staging.api',
];

// Permission-set names: letters, digits and + = , . @ _ - (IAM's allowed set), up to 32 characters.
const ROLE_NAMES = [
  'AdministratorAccess',
  'ReadOnly+Billing',
  'Dev.Ops@Team_1',
  'Billing=Finance,Audit',
  'data-scientist',
  'PowerUserAccess',
  'ViewOnlyAccess',
  'Network_Admin-2',
  'SecurityAudit',
  'SupportUser',
];

/** 12 digits, deterministic; the second account's id starts with 0 (real ids can), so ids stay strings. */
export function accountIdFor(index: number): string {
  if (index === 1) return '012345678901';
  // A fixed multiplicative scramble keeps ids distinct and real-looking without randomness.
  const n = (100_000_000_000 + ((index + 1) * 7_919_111_111) % 899_999_999_999) % 1_000_000_000_000;
  return String(n).padStart(12, '0');
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function buildOrg(accounts: number, rolesPerAccount: number): OrgAccount[] {
  const out: OrgAccount[] = [];
  const seen = new Set<string>();
  for (let a = 0; a < accounts; a++) {
    let accountId = accountIdFor(a);
    while (seen.has(accountId)) accountId = String((Number(accountId) + 1) % 1e12).padStart(12, '0');
    seen.add(accountId);
    const base = ACCOUNT_NAMES[a % ACCOUNT_NAMES.length] ?? 'Account';
    const accountName = a < ACCOUNT_NAMES.length ? base : `${base} ${Math.floor(a / ACCOUNT_NAMES.length) + 1}`;
    const roles: string[] = [];
    for (let r = 0; r < rolesPerAccount; r++) {
      const name = ROLE_NAMES[(a + r) % ROLE_NAMES.length] ?? 'Role';
      roles.push(r < ROLE_NAMES.length ? name : `${name.slice(0, 28)}_${Math.floor(r / ROLE_NAMES.length)}`);
    }
    out.push({ accountId, accountName, emailAddress: `aws+${slug(accountName) || 'account'}-${accountId}@example.com`, roles });
  }
  return out;
}
