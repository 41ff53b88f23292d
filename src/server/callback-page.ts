/** The small page the browser shows after the PKCE redirect. Pure; everything interpolated is escaped. */
export type CallbackOutcome = { ok: true; session: string } | { ok: false; message: string };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function callbackPage(outcome: CallbackOutcome): string {
  const title = outcome.ok ? 'Logged in' : 'Login failed';
  const body = outcome.ok
    ? `<p>sso-agent is logged in to session <b>${escapeHtml(outcome.session)}</b>.</p><p>You can close this tab and return to the terminal.</p>`
    : `<p>${escapeHtml(outcome.message)}</p><p>Close this tab and start again from the terminal.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sso-agent: ${title}</title>`
    + '<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style></head>'
    + `<body><h1>${title}</h1>${body}</body></html>\n`;
}
