import { InvalidInputError } from '../../errors.js';

/**
 * Escapes text for a plist `<string>`. XML 1.0 cannot carry most control characters at all, even
 * escaped, and a path never needs one, so they are refused.
 */
export function xmlEscape(value: string): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\n\r\t]/.test(value)) {
    throw new InvalidInputError(`${JSON.stringify(value)} contains a control character and cannot go into a property list: use a path without one`);
  }
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
