/** atomicWrite: a failure at any step leaves the original file untouched and no temp file behind. */
import t from 'tap';
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite, realFs, type WriteFs } from '../../../src/cli/aws-config/atomic-write.js';
import { tempDir } from '../../support/temp-dirs.js';

function dir(): string {
  return tempDir(join(tmpdir(), 'sso-agent-aw-'));
}

t.test('writes, keeps the mode, leaves one backup', async (t) => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, 'old\n');
  chmodSync(f, 0o640);
  const r = await atomicWrite(f, 'new\n');
  t.equal(readFileSync(f, 'utf8'), 'new\n');
  t.equal(statSync(f).mode & 0o777, 0o640, 'mode kept');
  t.equal(r.backup, `${f}.bak`);
  t.equal(readFileSync(`${f}.bak`, 'utf8'), 'old\n', 'backup holds the previous content');
  t.equal(statSync(`${f}.bak`).mode & 0o777, 0o640, 'backup is as private as the original');
  await atomicWrite(f, 'newer\n');
  t.equal(readFileSync(`${f}.bak`, 'utf8'), 'new\n', 'one backup, replaced each time');
  t.same(readdirSync(d).sort(), ['config', 'config.bak'], 'no temp files left');
});

t.test('a new file is created 0600, its folder too, and no backup', async (t) => {
  const d = dir();
  const f = join(d, '.aws', 'config');
  const r = await atomicWrite(f, 'x\n');
  t.equal(r.backup, undefined);
  t.equal(statSync(f).mode & 0o777, 0o600);
  t.equal(statSync(join(d, '.aws')).mode & 0o777, 0o700);
  t.notOk(existsSync(`${f}.bak`));
});

t.test('a symlinked config is written through; the link stays', async (t) => {
  const d = dir();
  const target = join(d, 'dotfiles-config');
  writeFileSync(target, 'old\n');
  const link = join(d, 'config');
  symlinkSync(target, link);
  await atomicWrite(link, 'new\n');
  t.equal(readlinkSync(link), target, 'still a symlink');
  t.equal(readFileSync(target, 'utf8'), 'new\n');
});

t.test('refuses when the file changed since it was read', async (t) => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, 'edited by someone else\n');
  await t.rejects(atomicWrite(f, 'new\n', { expected: Buffer.from('what we read\n') }), { code: 'ConfigFileError', message: /changed while/ });
  t.equal(readFileSync(f, 'utf8'), 'edited by someone else\n');
  await t.rejects(atomicWrite(f, 'new\n', { expected: null }), { code: 'ConfigFileError' }, 'we read "no file" but one appeared');
});

const failures: Array<[string, (fs: WriteFs) => WriteFs]> = [
  ['rename of the new file fails', (fs) => ({ ...fs, rename: async (a, b) => { if (String(b).endsWith('config')) throw Object.assign(new Error('boom'), { code: 'EXDEV' }); return fs.rename(a, b); } })],
  ['fsync of the temp file fails', (fs) => ({
    ...fs,
    open: (async (...args: Parameters<typeof fs.open>) => {
      const fh = await fs.open(...args);
      if (String(args[0]).endsWith('.tmp')) fh.sync = async () => { throw Object.assign(new Error('disk'), { code: 'EIO' }); };
      return fh;
    }) as WriteFs['open'],
  })],
  ['the disk is full while writing', (fs) => ({
    ...fs,
    open: (async (...args: Parameters<typeof fs.open>) => {
      const fh = await fs.open(...args);
      if (String(args[0]).endsWith('.tmp')) fh.writeFile = async () => { throw Object.assign(new Error('full'), { code: 'ENOSPC' }); };
      return fh;
    }) as WriteFs['open'],
  })],
  ['the backup cannot be renamed', (fs) => ({ ...fs, rename: async (a, b) => { if (String(b).endsWith('.bak')) throw Object.assign(new Error('no'), { code: 'EACCES' }); return fs.rename(a, b); } })],
];

for (const [what, broken] of failures) {
  t.test(`${what}: original untouched, no temp file`, async (t) => {
    const d = dir();
    const f = join(d, 'config');
    writeFileSync(f, 'original\n');
    chmodSync(f, 0o644);
    await t.rejects(atomicWrite(f, 'new\n', { fs: broken(realFs) }), { code: 'ConfigFileError', message: /left unchanged/ });
    t.equal(readFileSync(f, 'utf8'), 'original\n');
    t.equal(statSync(f).mode & 0o777, 0o644);
    t.same(readdirSync(d).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
  });
}
