/**
 * The shell client (bin/sso-agent-credential-process.sh) finds the agent's socket by its own copy
 * of the rule in src/paths.ts. Both run here as a second unix user, over the same cases, and must
 * agree — including the case where /run/user/$UID exists and XDG_RUNTIME_DIR is unset, which both
 * must prefer over the shared temp dir. Needs root (to create the user) and `npm run build`.
 */
import t from 'tap';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/e2e-harness.js';
import { createOtherUser, runAs } from './support/other-user.js';

const SHELL_CLIENT = join(ROOT, 'bin/sso-agent-credential-process.sh');
const PATHS_JS = join(ROOT, 'dist/paths.js');
const NODE_RULE = `import(process.argv[1]).then((m) => console.log(m.socketPath()))`;

const user = createOtherUser(t, 'ssoa20p');
if (!user) {
  t.skip('creating a second unix user needs root (CI runs as root)', () => {});
} else {
  const runUser = `/run/user/${user.uid}`;
  const cases: Array<{ name: string; env: Record<string, string>; runUser: boolean; expect: string }> = [
    { name: 'XDG_RUNTIME_DIR set', env: { XDG_RUNTIME_DIR: '/xdg/run', TMPDIR: '/var/tmp' }, runUser: true, expect: '/xdg/run/sso-agent/agent.sock' },
    { name: 'XDG_RUNTIME_DIR with a trailing slash', env: { XDG_RUNTIME_DIR: '/xdg/run/' }, runUser: false, expect: '/xdg/run/sso-agent/agent.sock' },
    { name: 'SSO_AGENT_SOCK wins', env: { SSO_AGENT_SOCK: '/s/agent.sock', XDG_RUNTIME_DIR: '/xdg/run' }, runUser: true, expect: '/s/agent.sock' },
    { name: 'SSO_AGENT_RUNTIME_DIR', env: { SSO_AGENT_RUNTIME_DIR: '/rt', XDG_RUNTIME_DIR: '/xdg/run' }, runUser: false, expect: '/rt/agent.sock' },
    { name: 'XDG unset, /run/user/$UID present', env: { TMPDIR: '/var/tmp' }, runUser: true, expect: `${runUser}/sso-agent/agent.sock` },
    { name: 'XDG unset, no /run/user/$UID, TMPDIR set', env: { TMPDIR: '/var/tmp/' }, runUser: false, expect: `/var/tmp/sso-agent-${user.uid}/agent.sock` },
    { name: 'XDG unset, no /run/user/$UID, TMPDIR unset', env: {}, runUser: false, expect: `/tmp/sso-agent-${user.uid}/agent.sock` },
  ];
  t.teardown(() => rmSync(runUser, { recursive: true, force: true }));
  for (const c of cases) {
    t.test(c.name, async (t) => {
      if (c.runUser) {
        mkdirSync(runUser, { recursive: true, mode: 0o700 });
        chownSync(runUser, user.uid, user.uid);
      } else {
        rmSync(runUser, { recursive: true, force: true });
      }
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env };
      const shell = runAs(user.name, '/bin/sh', [SHELL_CLIENT, '--socket-path'], env);
      const node = runAs(user.name, process.execPath, ['-e', NODE_RULE, PATHS_JS], env);
      t.equal(await shell.exited, 0, shell.err());
      t.equal(await node.exited, 0, node.err());
      t.equal(node.lines[0], c.expect, 'src/paths.ts');
      t.equal(shell.lines[0], node.lines[0], 'the shell client agrees');
    });
  }
}
