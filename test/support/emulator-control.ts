/** A call to the emulator's control routes (`/_emulator/…`): what tests and benches steer it with. */
export type EmulatorControl = (path: string, body?: unknown) => Promise<any>;

/**
 * `control(path)` GETs, `control(path, body)` POSTs JSON; both return the parsed answer (`{}` for
 * an empty one) and throw, naming the route, when the emulator refuses.
 */
export function emulatorControl(url: string): EmulatorControl {
  return async (path, body) => {
    const res = await fetch(`${url}/_emulator/${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
}
