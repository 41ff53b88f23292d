/**
 * C0 and C1 control characters, DEL, and the Unicode bidi overrides and isolates: what lets text
 * move the cursor, retitle or clear a terminal (ESC ] 0 ; … BEL, ESC [ 2 J), or reorder what a
 * person reads. Newlines and tabs go too: every string this is applied to is one field on one line.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The one sanitizer for text someone else controls (an account name a member account's owner
 * chose, a callback's `error_description`, an AWS error message) before it reaches a terminal or
 * a log: the control characters are removed, everything printable is kept.
 */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}
