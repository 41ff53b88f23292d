/**
 * The two browser pages a person meets during login: the device-code verification page and the
 * PKCE consent page. Plain HTML forms, no script, so `curl` and a real browser both work.
 */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)} - IAM Identity Center emulator</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}code{font-size:1.4rem}button{font-size:1rem;margin-right:.5rem}</style>
</head><body><h1>${htmlEscape(title)}</h1>
${body}
</body></html>
`;
}

export function devicePage(userCode: string | undefined, startUrl: string): string {
  if (!userCode) {
    return page(
      'Authorize request',
      `<form method="post" action="/device"><label>Code <input name="user_code" autofocus></label>
<button name="decision" value="allow">Allow</button></form>`,
    );
  }
  return page(
    'Authorize request',
    `<p>Sign-in to <b>${htmlEscape(startUrl)}</b> is requested with the code</p><p><code>${htmlEscape(userCode)}</code></p>
<form method="post" action="/device"><input type="hidden" name="user_code" value="${htmlEscape(userCode)}">
<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
  );
}

export function consentPage(requestId: string, clientName: string, scopes: string[]): string {
  return page(
    'Allow access?',
    `<p><b>${htmlEscape(clientName)}</b> asks for access${scopes.length ? ` to <code>${htmlEscape(scopes.join(' '))}</code>` : ''}.</p>
<form method="post" action="/authorize"><input type="hidden" name="request" value="${htmlEscape(requestId)}">
<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${htmlEscape(message)}</p>`);
}
