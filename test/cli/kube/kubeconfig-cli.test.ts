/**
 * `sso-agent kubeconfig` as a user runs it (the built CLI, no agent needed): bad usage is exit 2
 * naming the flag, a target that is not a regular file is refused before anything opens it,
 * --dry-run writes nothing, and a new file is private to its owner.
 */
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, run } from '../../support/e2e-harness.js';

const dir = t.testdir({ 'ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
const env = { PATH: process.env.PATH, HOME: dir };
const base = ['kubeconfig', '--cluster-name', 'demo', '--endpoint', 'https://abc.gr7.eu-west-1.eks.amazonaws.com', '--ca-file', join(dir, 'ca.pem')];
const cli = (args: string[]) => run(process.execPath, [MAIN, ...args], env);

t.test('bad usage: exit 2, the flag named', async (t) => {
  for (const [args, re] of [
    [['kubeconfig', '--cluster-name', 'demo', 'p'], /--endpoint URL/],
    [['kubeconfig', '--endpoint', 'https://x', '--ca-file', 'f', 'p'], /--cluster-name NAME/],
    [['kubeconfig', '--cluster-name', 'demo', '--endpoint', 'http://x', '--ca-file', join(dir, 'ca.pem'), 'p'], /--endpoint must be an https:\/\/ URL/],
    [['kubeconfig', '--cluster-name', 'demo', '--endpoint', 'https://x', 'p'], /--ca-file PEM_FILE or --ca-data BASE64/],
    [[...base, '--region', 'mars', 'p'], /--region takes an AWS region/],
    [[...base], /exactly one PROFILE/],
  ] as const) {
    const r = await cli([...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, re);
  }
});

t.test('a folder or a device as the kubeconfig: refused, naming --kubeconfig', async (t) => {
  mkdirSync(join(dir, 'folder'));
  for (const target of [join(dir, 'folder'), '/dev/null']) {
    const r = await cli([...base, '--kubeconfig', target, 'p']);
    t.equal(r.code, 1);
    t.match(r.stderr, /nothing was written: pass --kubeconfig PATH to a regular file/);
  }
});

t.test('--dry-run prints and writes nothing; a new file is 0600, its folder made', async (t) => {
  const file = join(dir, 'new', '.kube', 'config');
  const dry = await cli([...base, '--kubeconfig', file, '--dry-run', 'p']);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^apiVersion: v1\n/);
  t.match(dry.stdout, /- --region\n\s+- eu-west-1\n/, 'the region read from the EKS endpoint');
  t.notOk(existsSync(file));
  const r = await run(process.execPath, [MAIN, ...base, 'p'], { ...env, KUBECONFIG: file });
  t.equal(r.code, 0, r.stderr);
  t.equal(readFileSync(file, 'utf8'), dry.stdout, 'KUBECONFIG honoured; the dry run showed what was written');
  t.equal(statSync(file).mode & 0o777, 0o600);
  writeFileSync(join(dir, 'broken'), 'clusters: [unclosed\n');
  const broken = await cli([...base, '--kubeconfig', join(dir, 'broken'), 'p']);
  t.equal(broken.code, 1);
  t.match(broken.stderr, /broken: it is not valid YAML .*; nothing was written/);
  t.equal(readFileSync(join(dir, 'broken'), 'utf8'), 'clusters: [unclosed\n');
});
