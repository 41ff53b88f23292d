import t from 'tap';
import { renderTemplate } from '../../../src/cli/service/render-template.js';

t.test('renderTemplate fails loudly when template and code drift', async (t) => {
  t.equal(renderTemplate('a=@A@ b=@B@ a=@A@', { A: '1', B: '2' }, 'x'), 'a=1 b=2 a=1');
  t.throws(() => renderTemplate('@A@ @C@', { A: '1' }, 'x'), /placeholder @C@ the installer does not fill/);
  t.throws(() => renderTemplate('@A@', { A: '1', B: '2' }, 'x'), /lacks placeholder\(s\) @B@/);
  t.equal(renderTemplate('user@example.com @ 2', {}, 'x'), 'user@example.com @ 2', 'a lone @ is not a placeholder');
});
