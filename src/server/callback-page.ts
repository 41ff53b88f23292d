/**
 * The small page the browser shows after the PKCE redirect. Pure; everything interpolated is
 * escaped. Self-contained (inline style, no script, no font, no image) because the route's CSP
 * allows nothing else and a login page must not call out to the network.
 */
export type CallbackOutcome = { ok: true; session: string } | { ok: false; message: string };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Error messages quote commands in backticks (`sso-agent login --session x`): show them as code. */
function withCode(message: string): string {
  return escapeHtml(message).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

const STYLE = [
  ':root{color-scheme:light dark}',
  'body{font:1.05rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:36rem;margin:4rem auto;padding:0 1.25rem}',
  'h1{font-size:1.6rem;margin:0 0 1rem;display:flex;align-items:center;gap:.6rem}',
  '.mark{display:inline-flex;width:2rem;height:2rem;border-radius:50%;color:#fff;align-items:center;justify-content:center;font-size:1.2rem;flex:none}',
  '.ok .mark{background:#1a7f37}.fail .mark{background:#b42318}',
  'code{font:.95em ui-monospace,SFMono-Regular,Menlo,monospace;background:rgba(127,127,127,.15);padding:.1em .35em;border-radius:.25em;white-space:nowrap}',
  '.next{border-left:.25rem solid rgba(127,127,127,.4);padding:.2rem 0 .2rem .9rem;margin-top:1.5rem}',
  'footer{margin-top:2.5rem;font-size:.85rem;opacity:.7}',
].join('');

export function callbackPage(outcome: CallbackOutcome): string {
  const title = outcome.ok ? 'Logged in' : 'Login failed';
  const body = outcome.ok
    ? `<h1><span class="mark" aria-hidden="true">&#10003;</span>Logged in</h1>`
      + `<p>sso-agent is now logged in to the SSO session <b>${escapeHtml(outcome.session)}</b>. `
      + 'The <code>sso-agent login</code> command in your terminal finishes on its own.</p>'
      + '<p class="next">You can close this tab. Run <code>sso-agent ls</code> to see your roles.</p>'
    : `<h1><span class="mark" aria-hidden="true">&#10005;</span>Login failed</h1>`
      + `<p>${withCode(sentence(outcome.message))}</p>`
      + '<p class="next">Close this tab and start the login again from the terminal.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>sso-agent: ${title}</title><style>${STYLE}</style></head>`
    + `<body class="${outcome.ok ? 'ok' : 'fail'}">${body}<footer>sso-agent, on this computer (127.0.0.1)</footer></body></html>\n`;
}
