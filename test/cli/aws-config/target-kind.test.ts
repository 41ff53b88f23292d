/** `config` refuses a target that is not a regular file (or a link to one), before opening it. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite, checkConfigTarget } from '../../../src/cli/aws-config/atomic-write.js';
import { runConfig, type ConfigDeps } from '../../../src/cli/commands/config.js';
import { tempDir } from '../../support/temp-dirs.js';

function deps(file: string): { deps: ConfigDeps; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    deps: {
      env: { HOME: tmpdir(), AWS_CONFIG_FILE: file }, out: (s) => out.push(s), err: (s) => err.push(s),
      agent: {
        profiles: async () => [{ session: 'work', accountId: '111111111111', accountName: 'Prod', roleName: 'Admin', profile: 'prod-admin', roleArn: 'arn:aws:iam::111111111111:role/Admin', stale: false }],
        sessions: async () => [{ name: 'work', startUrl: 'https://w.awsapps.com/start', region: 'eu-west-1', state: 'active', refreshable: true, accounts: 1, roles: 1, staleAccounts: 0 }],
      },
      selfCommand: () => '/usr/bin/node /opt/sso/dist/cli/main.js',
    },
  };
}

t.test('a FIFO, a folder, a dangling link, a link to a folder: refused, named, nothing touched, no hang', async (t) => {
  const d = tempDir(join(tmpdir(), 'sso-agent-kind-'));
  const fifo = join(d, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const folder = join(d, 'folder');
  mkdirSync(folder);
  const dangling = join(d, 'dangling');
  symlinkSync(join(d, 'nowhere'), dangling);
  const toFolder = join(d, 'to-folder');
  symlinkSync(folder, toFolder);
  const cases: Array<[string, RegExp]> = [
    [fifo, /is a FIFO \(named pipe\), not a config file; nothing was written/],
    [folder, /is a folder, not a config file/],
    [dangling, /is a symlink to .*nowhere, which does not exist; nothing was written/],
    [toFolder, /is a symlink to a folder, not a config file/],
  ];
  for (const [file, message] of cases) {
    for (const argv of [['--write'], []]) {
      const io = deps(file);
      await t.rejects(runConfig(argv, io.deps), { code: 'ConfigFileError', message }, `${file} ${argv.join(' ') || '(dry run)'}`);
    }
    await t.rejects(atomicWrite(file, 'x'), { code: 'ConfigFileError', message });
  }
  t.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
  t.equal(readlinkSync(dangling), join(d, 'nowhere'), 'the dangling link is still the same link');
  t.same(readdirSync(folder), [], 'nothing written into the folder');
  t.same(readdirSync(d).sort(), ['dangling', 'fifo', 'folder', 'to-folder'], 'no temp or backup files');
});

t.test('a device: refused without being opened or replaced', async (t) => {
  await t.rejects(checkConfigTarget('/dev/null'), { code: 'ConfigFileError', message: /\/dev\/null is a character device, not a config file/ });
  const d = tempDir(join(tmpdir(), 'sso-agent-kind-'));
  const link = join(d, 'config');
  symlinkSync('/dev/null', link);
  await t.rejects(checkConfigTarget(link), { message: /is a symlink to a character device/ });
  if (process.getuid?.() !== 0) {
    t.comment('not root: the write through a real device node of our own is checked only when the tests run as root');
    return;
  }
  // Our own device node (same numbers as /dev/null): a broken check could only damage this one.
  const dev = join(d, 'null');
  execFileSync('mknod', [dev, 'c', '1', '3']);
  const io = deps(dev);
  await t.rejects(runConfig(['--write'], io.deps), { code: 'ConfigFileError', message: /is a character device/ });
  t.ok(lstatSync(dev).isCharacterDevice(), 'still a device, not replaced by a regular file');
});

t.test('a regular file and a link to one are fine; a missing file is created', async (t) => {
  const d = tempDir(join(tmpdir(), 'sso-agent-kind-'));
  const real = join(d, 'real');
  writeFileSync(real, '[default]\n');
  const link = join(d, 'link');
  symlinkSync(real, link);
  await checkConfigTarget(real);
  await checkConfigTarget(link);
  await checkConfigTarget(join(d, 'missing'));
  const io = deps(link);
  t.equal(await runConfig(['--write'], io.deps), 0);
  t.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
});
