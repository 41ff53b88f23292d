/**
 * The one process that touches the OS keychain, started by keychain-vault.ts as `node -e
 * HELPER_SOURCE -- KEYRING_PATH SERVICE`. The binding's calls can block in native code (a D-Bus
 * peer that never answers holds even its constructor), which no timer in the agent could cut
 * short; in a child, the agent stops waiting and kills it. Plain JavaScript in a string, so it
 * runs the same from the build and from the sources, with no loader to start.
 *
 * Messages in: {id, op, account?, secret?}; out: {ready} once, then {id, ok, value} or
 * {id, ok: false, error} per request. Linux: pinned to the Secret Service. The binding's fallback,
 * the kernel keyring, is gone at reboot, which is what the person asked to survive: better a
 * clear warning than a quiet half-measure.
 */
export const HELPER_SOURCE = String.raw`'use strict';
const [, keyringPath, service] = process.argv;
const send = (m) => { if (process.connected) process.send(m); };
let keyring;
try {
  keyring = require(keyringPath);
} catch (err) {
  send({ ready: false, error: 'the keychain module could not be loaded: ' + err.message });
  process.exit(0);
}
send({ ready: true });
const options = { linux: { store: 'secret-service' } };
async function handle(req) {
  if (req.op === 'list') return (await keyring.findCredentialsAsync(service)).map((c) => c.account);
  const entry = new keyring.AsyncEntry(service, req.account, options);
  if (req.op === 'get') return entry.getPassword();
  if (req.op === 'set') return entry.setPassword(req.secret);
  return entry.deletePassword();
}
process.on('message', (req) => {
  handle(req).then(
    (value) => send({ id: req.id, ok: true, value: value === undefined ? null : value }),
    (err) => {
      let error = err instanceof Error ? err.message : String(err);
      if (req.secret) error = error.split(req.secret).join('[secret]');
      send({ id: req.id, ok: false, error });
    },
  );
});
process.on('disconnect', () => process.exit(0));
`;
