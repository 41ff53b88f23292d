import t from 'tap';
import { callbackPage, escapeHtml } from '../../src/server/callback-page.js';

t.test('callback page escapes everything', async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.match(callbackPage({ ok: true, session: 'work' }), /Logged in.*work.*close this tab/s);
  const bad = callbackPage({ ok: false, message: '<img src=x onerror=alert(1)>' });
  t.notMatch(bad, /<img/);
  t.match(bad, /Login failed/);
});
