// `sso-agent emulator` as a user meets it: --help, clear one-line usage errors (exit 2), a busy
// port, and options reaching the running emulator. Runs dist/ (`npm test` builds first).
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  t.fail('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  process.exit();
}

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args]);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

t.test('--help lists the options and exits 0', async (t) => {
  const r = await run(['emulator', '--help']);
  t.equal(r.code, 0);
  for (const flag of ['--port', '--accounts', '--roles-per-account', '--auto-approve', '--token-ttl', '--refresh-token-ttl', '--credentials-ttl', '--device-interval', '--latency-ms', '--rate-limit', '--fail-rate', '--start-url', '--region']) {
    t.match(r.out, flag);
  }
});

t.test('bad input: one line naming the problem, exit 2, no stack', async (t) => {
  for (const [args, pattern] of [
    [['--accounts', 'many'], /--accounts takes a whole number/],
    [['--fail-rate', '2'], /--fail-rate takes a number from 0 to 1/],
    [['--token-ttl', 'soon'], /--token-ttl takes a duration/],
    [['--device-interval', '1500ms'], /whole seconds/],
    [['--region', 'Mars'], /--region takes a region name/],
    [['--start-url', 'nope'], /--start-url takes a URL/],
    [['--bogus'], /unknown option --bogus; emulator accepts --port PORT, .*--help/],
  ] as const) {
    const r = await run(['emulator', ...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.err, pattern);
    t.equal(r.err.trim().split('\n').length, 1, 'one line');
    t.notMatch(r.err, /\bat .*\.js:\d+/, 'no stack trace');
  }
});

t.test('a busy port is a clear error', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as AddressInfo).port;
  const r = await run(['emulator', '--port', String(port)]);
  t.equal(r.code, 2);
  t.match(r.err, new RegExp(`port ${port} is in use`));
});

t.test('options reach the running emulator; SIGINT exits 0', async (t) => {
  const p = spawn(process.execPath, [
    main, 'emulator', '--accounts', '4', '--roles-per-account', '3', '--auto-approve',
    '--credentials-ttl', '15m', '--start-url', 'https://d-1111111111.awsapps.com/start', '--region', 'eu-west-1',
  ]);
  const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
  const line = await new Promise<string>((r) => createInterface({ input: p.stdout }).once('line', r));
  const ready = JSON.parse(line) as { url: string; startUrl: string; region: string };
  t.equal(ready.startUrl, 'https://d-1111111111.awsapps.com/start');
  t.equal(ready.region, 'eu-west-1');
  const org = (await (await fetch(`${ready.url}/_emulator/org`)).json()) as { accounts: { roles: string[] }[] };
  t.equal(org.accounts.length, 4);
  t.ok(org.accounts.every((a) => a.roles.length === 3));
  // --auto-approve: the first poll already gets the token.
  const post = async (path: string, body: unknown) =>
    (await fetch(`${ready.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const reg = await post('/client/register', { clientName: 'cli', clientType: 'public' });
  const dev = await post('/device_authorization', { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: ready.startUrl });
  const tok = await post('/token', { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: dev.deviceCode });
  t.type(tok.accessToken, 'string', 'auto-approved');
  p.kill('SIGINT');
  t.equal(await exited, 0);
});
