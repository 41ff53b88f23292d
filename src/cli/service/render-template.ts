import { InternalError } from '../../errors.js';

/**
 * Replaces every `@NAME@` in a template with values[NAME] (already escaped by the caller for
 * where it lands). A placeholder without a value, or a value without a placeholder, means the
 * template and the code drifted apart: that is a bug to fail on, not a file to write.
 */
export function renderTemplate(template: string, values: Record<string, string>, what: string): string {
  const used = new Set<string>();
  const out = template.replace(/@([A-Z][A-Z_]*)@/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new InternalError(`the ${what} template has a placeholder @${name}@ the installer does not fill`);
    used.add(name);
    return v;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new InternalError(`the ${what} template lacks placeholder(s) ${unused.map((k) => `@${k}@`).join(', ')}`);
  return out;
}
