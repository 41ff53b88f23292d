/**
 * The few facts `service status` needs from `launchctl print gui/<uid>/<label>`. That output is
 * meant for people and Apple changes it between releases, so only the long-stable top-level
 * `key = value` lines are read and anything missing is simply unknown.
 */
export interface LaunchdJobState {
  state?: string;
  pid?: number;
  lastExitCode?: string;
}

export function parseLaunchctlPrint(text: string): LaunchdJobState {
  const out: LaunchdJobState = {};
  for (const raw of text.split(/\r?\n/)) {
    // Top-level properties are indented by exactly one tab; nested blocks by more.
    const m = /^\t([a-z][a-z ]*?) = (.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    if (key === 'state' && out.state === undefined) out.state = value;
    else if (key === 'pid' && out.pid === undefined && /^\d+$/.test(value)) out.pid = Number(value);
    else if (key === 'last exit code' && out.lastExitCode === undefined) out.lastExitCode = value;
  }
  return out;
}
