/**
 * `sso-agent prompt --init bash|zsh|fish`: the function it defines, run in the real shells
 * against a real agent. It prints the profile, "login needed" after a logout, the time left on a
 * sign-in with a known end, follows $SSO_AGENT_PROMPT_FORMAT, and prints nothing at once when the
 * agent is dead or the profile unknown. No Node is started (PATH holds no node while it runs).
 */
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, ROOT, isolatedWorld, loginPkce, run, runCli, spawnAgent } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';

// No refresh token (the login asks only for openid) and a 50-minute token: the sign-in's end is known.
const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, tokenTtl: 3000 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

const which = (cmd: string): string => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
const has = (cmd: string): boolean => which(cmd) !== '';
const SHELLS = (['bash', 'zsh', 'fish'] as const).filter(has);

// The prompt runs with a PATH of the shell's usual tools only: no node on it.
const bin = join(world.home, 'bin');
mkdirSync(bin);
for (const tool of ['date', 'cat']) symlinkSync(which(tool), join(bin, tool));

const inits: Record<string, string> = {};
let role: CatalogRole;

t.before(async () => {
  const login = await loginPkce(world, ['--session', 'pr', '--start-url', em.startUrl, '--region', em.region, '--scopes', 'openid']);
  if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
  role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0] as CatalogRole;
  for (const sh of SHELLS) {
    const r = await runCli(world, ['prompt', '--init', sh]);
    if (r.code !== 0) throw new Error(`prompt --init ${sh}: ${r.stderr}`);
    inits[sh] = r.stdout;
  }
});

async function segment(sh: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const script = `${inits[sh]}\nsso_agent_prompt`;
  const args = sh === 'bash' ? ['--norc', '--noprofile', '-c', script] : sh === 'zsh' ? ['-f', '-c', script] : ['--no-config', '-c', script];
  const r = await run(which(sh), args, { ...world.env, PATH: bin, SSO_AGENT_PROFILE: role.profile, ...env });
  if (r.code !== 0 || r.stderr) throw new Error(`${sh}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

for (const sh of SHELLS) {
  t.test(`${sh}: the segment`, async (t) => {
    t.match(await segment(sh), new RegExp(`^aws:${role.profile} (49|50)m left$`), 'profile and the time left on the sign-in');
    t.equal(await segment(sh, { SSO_AGENT_PROMPT_FORMAT: '<{profile}|{session}|{state}> ' }), `<${role.profile}|pr|ok>`, 'the format is the person\'s; trailing spaces go');
    t.equal(await segment(sh, { SSO_AGENT_PROFILE: '' }), '', 'no profile: nothing');
    t.equal(await segment(sh, { SSO_AGENT_PROFILE: 'no-such-profile' }), '', 'an unknown profile: nothing');
    t.equal(await segment(sh, { SSO_AGENT_PROFILE: `../prompt/${role.profile}` }), '', 'a path is not a profile name');
  });
}

for (const sh of ['bash', 'zsh', 'fish'].filter((x) => !has(x))) t.test(`${sh}: the segment`, { skip: `${sh} is not installed` }, () => {});

t.test('status says when the sign-in ends and how that is known', async (t) => {
  const text = (await runCli(world, ['status'])).stdout;
  t.match(text, /^pr: signed in \d+[sm] ago; the sign-in ends in (49|50)m \(\S+Z\), with its access token \(no refresh token was issued, so nothing can renew it\)$/m);
  const json = JSON.parse((await runCli(world, ['status', '--json'])).stdout) as { sessions: { signIn?: { endsBy: string; endsAt: string; signedInAt?: string } }[] };
  const end = json.sessions[0]?.signIn;
  t.equal(end?.endsBy, 'access-token');
  t.ok(Math.abs(Date.parse(end?.endsAt ?? '') - Date.parse(end?.signedInAt ?? '') - 3000_000) < 5000, 'the end is the token\'s lifetime after the login');
});

t.test('the README\'s snippets work as printed: bash PS1 and the starship custom module', { skip: has('bash') ? false : 'bash is not installed' }, async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  // PS1: the two bash lines, with `sso-agent` on PATH as after an install.
  const sh = join(world.home, 'sso-agent-bin');
  mkdirSync(sh, { recursive: true });
  writeFileSync(join(sh, 'sso-agent'), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`, { mode: 0o755 });
  const lines = readme.split('\n').filter((l) => /^(eval "\$\(sso-agent prompt --init bash\)"|PS1=)/.test(l)).map((l) => l.replace(/\s+#.*$/, ''));
  t.equal(lines.length, 2, 'the README has the eval and PS1 lines');
  const ps1 = await run(which('bash'), ['--norc', '--noprofile', '-c', `PS1='$ '; ${lines.join('; ')}; printf '%s' "\${PS1@P}"`], { ...world.env, PATH: `${sh}:${bin}`, SSO_AGENT_PROFILE: role.profile });
  t.equal(ps1.code, 0, ps1.stderr);
  t.match(ps1.stdout, new RegExp(`^aws:${role.profile} (49|50)m left \\$ $`), 'the prompt shows the segment');
  // Starship hands `command` to `shell` on stdin, after `when` succeeds; the init file lives where the README says.
  const block = /\[custom\.sso_agent\]\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
  const command = /^command = "(.*)"$/m.exec(block)?.[1];
  const when = /^when = '(.*)'$/m.exec(block)?.[1];
  t.ok(command && when, 'the README has the starship module');
  mkdirSync(join(world.env.HOME as string, '.config', 'sso-agent'), { recursive: true });
  writeFileSync(join(world.env.HOME as string, '.config', 'sso-agent', 'prompt.bash'), inits.bash ?? '');
  const env = { ...world.env, PATH: bin, SSO_AGENT_PROFILE: role.profile };
  t.equal((await run(which('bash'), ['--noprofile', '--norc', '-c', when ?? 'false'], env)).code, 0, '`when` holds with a profile set');
  const out = spawnSync(which('bash'), ['--noprofile', '--norc'], { input: command, env, encoding: 'utf8' });
  t.match(out.stdout, new RegExp(`^aws:${role.profile} (49|50)m left$`), 'the module prints the segment');
});

t.test('a file of the wrong shape is ignored, never evaluated', async (t) => {
  const dir = join(dirname(world.socket), 'prompt');
  const pwned = join(world.home, 'pwned');
  for (const [name, line] of [
    ['forged-end', `${agent.proc.pid} ok a[$(touch ${pwned})] pr`],
    ['forged-state', `${agent.proc.pid} $(touch${'${IFS}'}${pwned}) 0 pr`],
    ['forged-session', `${agent.proc.pid} ok 0 \x1b]0;title\x07`],
  ]) {
    writeFileSync(join(dir, name as string), `${line}\n`, { mode: 0o600 });
    for (const sh of SHELLS) t.equal(await segment(sh, { SSO_AGENT_PROFILE: name as string, SSO_AGENT_PROMPT_FORMAT: '{profile} {state} {session}' }), '', `${sh}: ${name}`);
  }
  t.notOk(existsSync(pwned), 'nothing in the file ran');
});

t.test('after a logout every shell says "login needed"', async (t) => {
  t.equal((await runCli(world, ['logout', '--session', 'pr'])).code, 0);
  await waitUntil(async () => (await segment(SHELLS[0] as string)).endsWith('login needed'), 'the state file follows the logout', 5000);
  for (const sh of SHELLS) t.equal(await segment(sh), `aws:${role.profile} login needed`, sh);
});

t.test('a dead agent: empty at once', async (t) => {
  await agent.stop('SIGKILL');
  for (const sh of SHELLS) {
    const t0 = performance.now();
    t.equal(await segment(sh), '', `${sh}: nothing (the state file's PID is gone)`);
    t.ok(performance.now() - t0 < 2000, `${sh}: no wait`);
  }
});

t.test('prompt needs --init SHELL', async (t) => {
  const r = await runCli(world, ['prompt']);
  t.equal(r.code, 2);
  t.match(r.stderr, /prompt needs --init bash\|zsh\|fish/);
  const bad = await runCli(world, ['prompt', '--init', 'tcsh']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--init takes bash, zsh, fish, not "tcsh"/);
});
