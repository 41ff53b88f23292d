import t from 'tap';
import { ids, roleId, roleSuffix } from '../../src/emulator/ids.js';

t.test('issued ids look like AWS and do not repeat', async (t) => {
  const keys = new Set<string>();
  const codes = new Set<string>();
  const malformed: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const k = ids.accessKeyId();
    if (!/^ASIA[A-Z0-9]{16}$/.test(k)) malformed.push(k);
    keys.add(k);
    codes.add(ids.userCode());
  }
  t.same(malformed, [], 'access keys are ASIA + 16 upper-case letters and digits');
  t.equal(keys.size, 2000, 'access keys are unique');
  t.ok(codes.size > 1990, 'user codes rarely collide (collisions are re-drawn when issued)');
  t.match(ids.userCode(), /^[A-Z]{4}-[A-Z]{4}$/);
  t.equal(ids.secretAccessKey().length, 40);
  t.not(ids.accessToken(), ids.accessToken());
  t.equal(roleSuffix('111111111111', 'Admin'), roleSuffix('111111111111', 'Admin'), 'stable per role');
  t.match(roleSuffix('111111111111', 'Admin'), /^[0-9a-f]{16}$/);
  t.not(roleSuffix('111111111111', 'Admin'), roleSuffix('111111111112', 'Admin'));
  t.match(roleId('111111111111', 'Admin'), /^AROA[A-Z0-9]{17}$/);
});
