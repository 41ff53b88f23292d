/**
 * The two browser pages a person meets during login: the device-code verification page and the
 * PKCE consent page. Plain HTML forms, no script, no external resource, so `curl` and a real
 * browser both work and nothing leaves the machine.
 */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = [
  ':root{color-scheme:light dark}',
  'body{font:1.05rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:34rem;margin:3rem auto;padding:0 1.25rem}',
  'header{font-size:.85rem;letter-spacing:.04em;text-transform:uppercase;opacity:.7;margin-bottom:1.5rem}',
  'h1{font-size:1.6rem;margin:0 0 1rem}',
  '.code{font:600 1.6rem ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.08em}',
  'code{font:.95em ui-monospace,SFMono-Regular,Menlo,monospace;background:rgba(127,127,127,.15);padding:.1em .35em;border-radius:.25em;overflow-wrap:anywhere}',
  '.actions{display:flex;gap:.75rem;margin:1.5rem 0}',
  'button{font:inherit;padding:.55rem 1.4rem;border-radius:.4rem;border:1px solid rgba(127,127,127,.6);background:transparent;color:inherit;cursor:pointer}',
  'button.primary{background:#0b5cad;border-color:#0b5cad;color:#fff}',
  'input{font:inherit;padding:.4rem .6rem}',
  '.hint{font-size:.92rem;opacity:.8}',
].join('');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${htmlEscape(title)} - IAM Identity Center emulator</title>
<style>${STYLE}</style>
</head><body><header>IAM Identity Center emulator</header><h1>${htmlEscape(title)}</h1>
${body}
</body></html>
`;
}

function buttons(): string {
  return '<div class="actions"><button class="primary" name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></div>';
}

export function devicePage(userCode: string | undefined, startUrl: string): string {
  if (!userCode) {
    return page(
      'Authorize request',
      `<p>Enter the code your terminal shows to sign in to <code>${htmlEscape(startUrl)}</code>.</p>
<form method="post" action="/device"><p><label>Code <input name="user_code" autofocus autocomplete="off"></label></p>
<div class="actions"><button class="primary" name="decision" value="allow">Allow</button></div></form>`,
    );
  }
  return page(
    'Authorize request',
    `<p>A device asks to sign in to <code>${htmlEscape(startUrl)}</code> with this code:</p><p class="code">${htmlEscape(userCode)}</p>
<p>Allow it only if your terminal shows the same code.</p>
<form method="post" action="/device"><input type="hidden" name="user_code" value="${htmlEscape(userCode)}">
${buttons()}</form>`,
  );
}

export function consentPage(requestId: string, clientName: string, scopes: string[], startUrl: string): string {
  const what = scopes.includes('sso:account:access')
    ? 'It will be able to list your AWS accounts and roles and get their credentials, and stay signed in until the session ends.'
    : 'It will be able to use this sign-in for the scopes below.';
  return page(
    'Allow access?',
    `<p><b>${htmlEscape(clientName)}</b> asks to sign in to <code>${htmlEscape(startUrl)}</code> as you.</p>
<p>${what}</p>${scopes.length ? `<p class="hint">Scopes: <code>${htmlEscape(scopes.join(' '))}</code></p>` : ''}
<form method="post" action="/authorize"><input type="hidden" name="request" value="${htmlEscape(requestId)}">
${buttons()}</form>
<p class="hint">Either way, the browser then returns to the application, which tells you whether the sign-in worked.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${htmlEscape(message)}</p>`);
}
