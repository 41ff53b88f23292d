/**
 * The rendered unit passes systemd's own checker, and the rendered plist is a property list
 * python's plistlib reads back with the expected keys and values.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderUnit } from '../../../src/cli/service/render-unit.js';
import { renderSocket } from '../../../src/cli/service/render-socket.js';
import { renderPlist } from '../../../src/cli/service/render-plist.js';
import { execStartArgv, parseUnit, unitEnvironment, unitValues } from '../../../src/cli/service/parse-unit.js';
import type { ServiceInputs } from '../../../src/cli/service/inputs.js';
import { packageRoot } from '../../../src/cli/service/locations.js';

import { tempDir } from '../../support/temp-dirs.js';

const root = packageRoot();
const unitTemplate = readFileSync(join(root, 'systemd', 'sso-agent.service'), 'utf8');
const socketTemplate = readFileSync(join(root, 'systemd', 'sso-agent.socket'), 'utf8');
const plistTemplate = readFileSync(join(root, 'launchd', 'sso-agent.plist'), 'utf8');

function inputs(over: Partial<ServiceInputs> = {}): ServiceInputs {
  return {
    node: process.execPath,
    cli: join(root, 'src', 'cli', 'main.ts'), // any existing file: verify checks only the executable
    port: 8732,
    settingsFile: '/home/u/.config/sso-agent/settings.json',
    awsConfigFile: '/home/u/.aws/config',
    runtimeDir: '/var/folders/xy/T/sso-agent-501',
    logFile: '/Users/u/Library/Logs/sso-agent.log',
    label: 'io.github.aws-sso-agent',
    ...over,
  };
}

/**
 * `systemd-analyze --user verify` is the check a user unit needs (it resolves %t and friends as a
 * user manager would). Without a running systemd it still works as long as XDG_RUNTIME_DIR names a
 * directory it can use. It exits 0 even for unknown keys or bad values, printing a warning, so
 * "passes" means exit 0 AND nothing printed.
 */
function verify(unitText: string, socketText = renderSocket(socketTemplate, inputs())): { status: number | null; output: string } {
  const dir = tempDir(join(tmpdir(), 'sso-agent-verify-'));
  const runtime = join(dir, 'runtime');
  mkdirSync(runtime, { mode: 0o700 });
  // Both units together, as install writes them: the service Requires= the socket.
  const file = join(dir, 'sso-agent.service');
  writeFileSync(file, unitText);
  const socketFile = join(dir, 'sso-agent.socket');
  writeFileSync(socketFile, socketText);
  const r = spawnSync('systemd-analyze', ['--user', 'verify', '--man=no', file, socketFile], {
    env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' },
    encoding: 'utf8',
  });
  if (r.error) throw r.error; // systemd-analyze missing: .ci/run installs it; this must fail, not skip
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

t.test('the rendered unit passes `systemd-analyze --user verify` with no warning', async (t) => {
  const unit = renderUnit(unitTemplate, inputs());
  const r = verify(unit);
  t.equal(r.output, '', 'no warnings');
  t.equal(r.status, 0);
});

t.test('the socket unit: 127.0.0.1 and the port only, one socket for one agent, verify-clean', async (t) => {
  const text = renderSocket(socketTemplate, inputs({ port: 9123 }));
  const u = parseUnit(text);
  t.same(unitValues(u, 'Socket', 'ListenStream'), ['127.0.0.1:9123']);
  t.same(unitValues(u, 'Socket', 'Accept'), ['no']);
  t.same(unitValues(u, 'Install', 'WantedBy'), ['sockets.target']);
  const svc = parseUnit(renderUnit(unitTemplate, inputs({ port: 9123 })));
  t.same(unitValues(svc, 'Unit', 'Requires'), ['sso-agent.socket'], 'the service never starts without the socket');
  t.same(unitValues(svc, 'Service', 'RuntimeDirectoryPreserve'), ['restart'], 'token files keep their paths across a restart');
  const r = verify(renderUnit(unitTemplate, inputs({ port: 9123 })), text);
  t.equal(r.output, '', 'no warnings');
  t.equal(r.status, 0);
  const bad = verify(renderUnit(unitTemplate, inputs()), text.replace('Accept=no', 'Accept=no\nListenSomething=1'));
  t.match(bad.output, /Unknown key .ListenSomething./, 'the socket file is checked too');
});

t.test('the checker really checks: a bad key, a bad value and a missing binary are all reported', async (t) => {
  const good = renderUnit(unitTemplate, inputs());
  const badKey = verify(good.replace('LimitCORE=0', 'LimitCORE=0\nHardenEverything=yes'));
  t.match(badKey.output, /Unknown key .HardenEverything./);
  const badValue = verify(good.replace('UMask=0077', 'UMask=private'));
  t.match(badValue.output, /UMask|private/);
  const missing = verify(renderUnit(unitTemplate, inputs({ node: '/nonexistent/bin/node' })));
  t.not(missing.status, 0);
  t.match(missing.output, /\/nonexistent\/bin\/node is not executable/);
});

t.test('hardening and service settings are as documented', async (t) => {
  const unit = parseUnit(renderUnit(unitTemplate, inputs()));
  const one = (key: string) => unitValues(unit, 'Service', key).join(' ');
  const want: Record<string, string> = {
    Restart: 'on-failure', NoNewPrivileges: 'yes', PrivateTmp: 'yes', PrivateUsers: 'yes', ProtectSystem: 'strict',
    ProtectHome: 'read-only', LimitCORE: '0', UMask: '0077', RestrictAddressFamilies: 'AF_UNIX AF_INET AF_INET6',
    LockPersonality: 'yes', SystemCallArchitectures: 'native', RuntimeDirectory: 'sso-agent', RuntimeDirectoryMode: '0700',
    StandardOutput: 'journal', StandardError: 'journal',
  };
  for (const [k, v] of Object.entries(want)) t.equal(one(k), v, k);
  t.equal(one('MemoryDenyWriteExecute'), '', 'MemoryDenyWriteExecute stays off: V8 needs to make JIT code executable');
  t.equal(one('ReadWritePaths'), '%t/sso-agent "-/home/u/.config/sso-agent"', 'writable: the runtime dir and the settings dir only');
  t.same(unitValues(unit, 'Install', 'WantedBy'), ['default.target'], 'a user unit starts with the user session');
});

t.test('awkward paths survive the round trip into ExecStart and Environment=', async (t) => {
  // A node under a directory with a space, a percent sign and a dollar: each needs its own escape.
  const dir = tempDir(join(tmpdir(), 'sso agent 100%$HOME-'));
  const node = join(dir, 'node bin');
  symlinkSync(process.execPath, node);
  const cli = join(dir, 'main $x%.js');
  writeFileSync(cli, '');
  const i = inputs({ node, cli, settingsFile: join(dir, 'cfg 50%', 'settings.json'), awsConfigFile: join(dir, 'a$b', 'config') });
  const text = renderUnit(unitTemplate, i);
  const r = verify(text);
  t.equal(r.output, '', 'verify finds the executable behind the escaped path');
  t.equal(r.status, 0);
  t.same(execStartArgv(text, {}), [node, cli, 'serve']);
  const env = unitEnvironment(text, { t: '/run/user/1000' });
  t.equal(env.SSO_AGENT_SETTINGS, i.settingsFile);
  t.equal(env.AWS_CONFIG_FILE, i.awsConfigFile);
  t.equal(env.SSO_AGENT_RUNTIME_DIR, '/run/user/1000/sso-agent');
  t.equal(env.SSO_AGENT_PORT, '8732');
});

t.test('the rendered plist parses with plistlib, with the expected keys and values', async (t) => {
  const i = inputs({ node: '/Users/a&b/.nvm/versions/node/v20.11.0/bin/node', cli: '/Users/a&b/My Apps/<sso>/dist/cli/main.js', port: 9123 });
  const dir = tempDir(join(tmpdir(), 'sso-agent-plist-'));
  const file = join(dir, 'agent.plist');
  writeFileSync(file, renderPlist(plistTemplate, i));
  const json = execFileSync('python3', ['-c', [
    'import json, plistlib, sys',
    'with open(sys.argv[1], "rb") as f: p = plistlib.load(f)',
    'print(json.dumps(p))',
  ].join('\n'), file], { encoding: 'utf8' });
  const p = JSON.parse(json) as Record<string, unknown>;
  t.same(p, {
    Label: 'io.github.aws-sso-agent',
    ProgramArguments: [i.node, i.cli, 'serve'],
    EnvironmentVariables: {
      SSO_AGENT_PORT: '9123',
      SSO_AGENT_RUNTIME_DIR: i.runtimeDir,
      SSO_AGENT_SETTINGS: i.settingsFile,
      AWS_CONFIG_FILE: i.awsConfigFile,
    },
    RunAtLoad: true,
    KeepAlive: { SuccessfulExit: false },
    ThrottleInterval: 10,
    StandardOutPath: '/Users/u/Library/Logs/sso-agent.log',
    StandardErrorPath: '/Users/u/Library/Logs/sso-agent.log',
    Umask: 0o077,
    SoftResourceLimits: { Core: 0 },
    HardResourceLimits: { Core: 0 },
  }, 'exactly these keys');
});

t.test('the systemd unit and the plist give the agent the same environment', async (t) => {
  const i = inputs();
  const unitEnv = unitEnvironment(renderUnit(unitTemplate, i), { t: '/run/user/1000' });
  const plistKeys = [...renderPlist(plistTemplate, i).matchAll(/<key>([A-Z_]+)<\/key>\s*<string>/g)].map((m) => m[1]).sort();
  t.same(Object.keys(unitEnv).sort(), plistKeys);
});

t.test('--persist keychain reaches `serve` in the unit and the plist, and nothing else changes', async (t) => {
  const plain = renderUnit(unitTemplate, inputs());
  const persisting = renderUnit(unitTemplate, inputs({ persist: 'keychain' }));
  t.same(execStartArgv(persisting, {}), [process.execPath, join(root, 'src', 'cli', 'main.ts'), 'serve', '--persist', 'keychain']);
  t.same(execStartArgv(plain, {}), [process.execPath, join(root, 'src', 'cli', 'main.ts'), 'serve'], 'without it, the plain serve');
  t.equal(persisting.replace(' --persist keychain', ''), plain, 'only ExecStart differs');
  const r = verify(persisting);
  t.equal(r.output, '', 'verify has nothing to say');

  const dir = tempDir(join(tmpdir(), 'sso-agent-plist-'));
  const file = join(dir, 'agent.plist');
  writeFileSync(file, renderPlist(plistTemplate, inputs({ persist: 'keychain' })));
  const args = execFileSync('python3', ['-c', 'import json, plistlib, sys\nwith open(sys.argv[1], "rb") as f: print(json.dumps(plistlib.load(f)["ProgramArguments"]))', file], { encoding: 'utf8' });
  t.same(JSON.parse(args), [process.execPath, join(root, 'src', 'cli', 'main.ts'), 'serve', '--persist', 'keychain']);
});
