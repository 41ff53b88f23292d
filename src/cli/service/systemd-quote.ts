import { InvalidInputError } from '../../errors.js';

/**
 * Escapes a value for use between the double quotes the unit template puts around each
 * placeholder. systemd expands specifiers everywhere (so `%` becomes `%%`) and `$VAR` in ExecStart
 * arguments but not in the executable's path nor in Environment=/ReadWritePaths= (so `$` becomes
 * `$$` only where it would be expanded; doubling it elsewhere would change the value).
 *
 * Refused rather than escaped: control characters (a newline would smuggle a directive into the
 * unit), and `"` and `\`, because Environment= unescapes backslashes inside quotes while
 * ReadWritePaths= keeps them, so no one spelling means the same path in both.
 */
export type SystemdQuoteContext = 'exec-path' | 'exec-arg' | 'value';

export function systemdQuote(value: string, context: SystemdQuoteContext): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidInputError(`${JSON.stringify(value)} contains a control character and cannot go into a systemd unit: use a path without one`);
  }
  if (/["\\]/.test(value)) {
    throw new InvalidInputError(`${JSON.stringify(value)} contains a double quote or backslash, which a systemd unit cannot carry unambiguously: use a path without them`);
  }
  const out = value.replace(/%/g, '%%');
  return context === 'exec-arg' ? out.replace(/\$/g, '$$$$') : out;
}
