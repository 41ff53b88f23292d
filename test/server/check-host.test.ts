import t from 'tap';
import { checkHost } from '../../src/server/check-host.js';

t.test('checkHost', async (t) => {
  const accepted: [string, number][] = [
    ['127.0.0.1:8732', 8732], ['localhost:8732', 8732], ['LocalHost:8732', 8732], ['[::1]:8732', 8732],
    ['127.0.0.2:1', 1], ['127.255.255.255:65535', 65535], ['127.0.0.1', 80], ['localhost', 80], ['[::1]', 80],
  ];
  const rejected: [string | undefined, number][] = [
    [undefined, 8732], ['', 8732], ['127.0.0.1:8733', 8732], ['127.0.0.1', 8732], ['localhost', 8732],
    ['example.com:8732', 8732], ['evil.localhost:8732', 8732], ['localhost.:8732', 8732], ['127.0.0.1.nip.io:8732', 8732],
    ['128.0.0.1:8732', 8732], ['127.0.0.256:8732', 8732], ['127.0.0:8732', 8732], ['127.0.0.01:8732', 8732],
    ['0.0.0.0:8732', 8732], ['[::2]:8732', 8732], ['[::1:8732', 8732], ['[::1]x:8732', 8732], ['::1:8732', 8732],
    ['127.0.0.1:08732x', 8732], ['127.0.0.1:', 8732], ['127.0.0.1:-1', 8732], ['localhost:8732:8732', 8732],
    ['a'.repeat(100) + ':8732', 8732], ['192.168.1.10:8732', 8732], ['[::ffff:127.0.0.1]:8732', 8732],
  ];
  for (const [h, p] of accepted) t.ok(checkHost(h, p), `accepts ${h} for port ${p}`);
  for (const [h, p] of rejected) t.notOk(checkHost(h, p), `rejects ${JSON.stringify(h)} for port ${p}`);
});
