/**
 * `sso-agent completion bash|zsh|fish` driven in the real shells (Debian's bash, zsh and fish),
 * against a running agent (fake core) whose profile and session names must show up. The shells
 * find `sso-agent` on PATH, as a user's would.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../src/logger.js';
import { startDaemon } from '../../src/daemon.js';
import { COMPLETION_SPEC } from '../../src/cli/completion/spec.js';
import { MAIN } from '../support/e2e-harness.js';
import { fakeCore } from '../support/fake-core.js';
import { tempDir } from '../support/temp-dirs.js';

const exec = promisify(execFile);
const home = tempDir(join(tmpdir(), 'sso-agent-completion-'));
const bin = join(home, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'sso-agent'), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`);
chmodSync(join(bin, 'sso-agent'), 0o755);
const socket = join(home, 'run', 'agent.sock');
const core = fakeCore();
const daemon = await startDaemon({ port: 0, socket, logger: createLogger({ level: 'silent' }), createCore: async () => core });
t.teardown(() => daemon.close());
const PROFILES = core.listProfiles().map((r) => r.profile).sort();
const env: NodeJS.ProcessEnv = {
  PATH: `${bin}:${process.env.PATH}`, HOME: home, SSO_AGENT_SOCK: socket,
  XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'),
};

async function shell(cmd: string, args: string[]): Promise<string[]> {
  const { stdout } = await exec(cmd, args, { env, cwd: home, timeout: 30_000 });
  return stdout.split('\n').map((l) => l.split('\t')[0] ?? '').filter(Boolean).sort();
}

/** The words before the cursor, and the one being completed (last). */
const bash = (words: string[]) => shell('bash', ['--norc', '--noprofile', '-c', [
  'source <(sso-agent completion bash)',
  `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
  '_sso_agent_complete; printf "%s\\n" "${COMPREPLY[@]}"',
].join('\n')]);

// zsh: the completion function runs with compadd replaced by a function printing what it is given
// that matches the word being completed (the real compadd's prefix matching).
const zsh = (words: string[]) => shell('zsh', ['-f', '-c', [
  'autoload -U compinit && compinit -u -D',
  'source <(sso-agent completion zsh)',
  'compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; local w; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && print -r -- $w; done; return 0; }',
  `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
  '_sso_agent',
].join('\n')]);

const fish = (words: string[]) => shell('fish', ['--no-config', '-c', `sso-agent completion fish | source; complete -C '${words.join(' ')}'`]);

const SHELLS = { bash, zsh, fish };

for (const [name, complete] of Object.entries(SHELLS)) {
  t.test(`${name}: subcommands, flags, values, sessions and profiles from the agent`, async (t) => {
    const commands = await complete(['sso-agent', '']);
    for (const c of ['serve', 'login', 'ls', 'env', 'exec', 'completion']) t.ok(commands.includes(c), `offers ${c}`);
    t.notOk(commands.includes('__complete'), 'hidden helpers stay hidden');
    t.same(await complete(['sso-agent', 'lo']), ['login', 'logout'], 'a prefix narrows');
    t.same(await complete(['sso-agent', 'env', '']), PROFILES, 'env: the agent\'s profiles');
    t.same(await complete(['sso-agent', 'credential-process', 'prod-']), PROFILES.filter((p) => p.startsWith('prod-')));
    t.same(await complete(['sso-agent', 'login', '--session', '']), ['play', 'work'], 'sessions from the agent');
    t.same(await complete(['sso-agent', 'env', '--format', '']), ['compose', 'devcontainer', 'env-file', 'fish', 'json', 'sh']);
    t.same(await complete(['sso-agent', 'service', '']), ['install', 'status', 'uninstall']);
    const lsFlags = await complete(['sso-agent', 'ls', '--']);
    for (const f of ['--json', '--session', '--account', '--role', '--help']) t.ok(lsFlags.includes(f), `ls offers ${f}`);
  });
}

t.test('bash: after `exec PROFILE --` the words are a command', async (t) => {
  t.ok((await bash(['sso-agent', 'exec', 'prod-admin', '--', 'ech'])).includes('echo'));
});

t.test('no agent running: completion offers nothing and prints no error', async (t) => {
  const { stdout, stderr } = await exec('bash', ['--norc', '-c', 'source <(sso-agent completion bash); COMP_WORDS=(sso-agent env ""); COMP_CWORD=2; _sso_agent_complete; echo "${#COMPREPLY[@]}"'], { env: { ...env, SSO_AGENT_SOCK: join(home, 'none.sock') } });
  t.equal(stdout.trim(), '0');
  t.equal(stderr, '');
});

t.test('the completion spec matches the commands and their --help', async (t) => {
  const usage = (await exec(process.execPath, [MAIN, '--help'], { env })).stdout;
  const listed = [...usage.matchAll(/^ {2}([a-z][a-z-]+) {2,}/gm)].map((m) => m[1]);
  t.same(Object.keys(COMPLETION_SPEC).filter((c) => c !== 'help').sort(), listed.sort(), 'every command, no other');
  for (const [cmd, spec] of Object.entries(COMPLETION_SPEC)) {
    if (cmd === 'help') continue;
    const help = (await exec(process.execPath, [MAIN, cmd, '--help'], { env })).stdout;
    for (const flag of Object.keys(spec.flags)) t.match(help, `--${flag}`, `${cmd} --help mentions --${flag}`);
    const documented = new Set([...(help.split('\n')[0] ?? '').matchAll(/--([a-z][a-z-]*)/g), ...help.matchAll(/^ {2,4}--([a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''));
    for (const flag of documented) if (flag !== 'help') t.ok(flag in spec.flags, `${cmd}: --${flag} is in the completion spec`);
  }
});
