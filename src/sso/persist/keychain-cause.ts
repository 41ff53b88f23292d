/**
 * Why the keychain cannot keep the sign-in, in words a person can act on, from the binding's
 * error text (it has no stable codes). The raw text follows in brackets, shortened: it never holds
 * a secret (the binding reports what failed, not what it was given).
 */
export function keychainCause(message: string): string {
  const raw = message.replace(/\s+/g, ' ').trim().slice(0, 200);
  const said = (cause: string) => `${cause} (${raw})`;
  if (/DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|autolaunch|Connection refused|No such file or directory/i.test(message)) {
    return said('no D-Bus session bus to reach a Secret Service (DBUS_SESSION_BUS_ADDRESS unset or pointing nowhere; common on headless Linux)');
  }
  if (/was not provided by any \.service files|ServiceUnknown|org\.freedesktop\.secrets/i.test(message)) {
    return said('no Secret Service on the session bus (install and start gnome-keyring or KeePassXC with its Secret Service integration)');
  }
  if (/prompt was dismissed|locked|user interaction is not allowed|user canceled/i.test(message)) {
    return said('the keychain is locked and was not unlocked');
  }
  if (/no result found|no such collection|default collection/i.test(message)) {
    return said('the Secret Service has no default keyring to keep items in (create one, e.g. with seahorse)');
  }
  return said('the keychain refused the request');
}
