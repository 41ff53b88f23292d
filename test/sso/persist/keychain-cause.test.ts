import t from 'tap';
import { keychainCause } from '../../../src/sso/persist/keychain-cause.js';

t.test('the keychain failures, in words a person can act on', async (t) => {
  const cases: [string, RegExp][] = [
    ['Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead', /no D-Bus session bus/],
    ['Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory', /no D-Bus session bus/],
    ['zbus error: Failed to connect to address `unix:path=/x`: No such file or directory (os error 2)', /no D-Bus session bus/],
    ['Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service on the session bus/],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", /keychain is locked/],
    ['zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object', /keychain is locked/],
    ["Couldn't access platform storage: Secret Service: no result found", /no default keyring/],
    ['something new', /refused the request/],
  ];
  for (const [message, cause] of cases) {
    const said = keychainCause(message);
    t.match(said, cause, message);
    t.ok(said.endsWith(`(${message})`), 'the raw text follows, for a search');
  }
  t.ok(keychainCause('x'.repeat(1000)).length < 300, 'shortened');
});
