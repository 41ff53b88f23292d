/**
 * The AWS config file's sections as botocore reads them, keyed as the JS SDK's loader keys them
 * (`default`, the profile name, `sso-session.NAME`, `services.NAME`), so the agent sees the
 * profiles `aws` sees: `[profile  x ]` is profile `x` (the JS loader drops it), keys are
 * case-insensitive. Pure. A file botocore would refuse yields the problem with its line instead.
 */
import { profileNameOf, ssoSessionNameOf, validateIni } from './validate-ini.js';

export type ConfigSections = Record<string, Record<string, string>>;

export type ConfigRead = { ok: true; sections: ConfigSections } | { ok: false; problem: string; line: number };

export function awsConfigSections(text: string): ConfigRead {
  const check = validateIni(text);
  if (!check.ok) return check;
  const sections: ConfigSections = {};
  for (const s of check.sections) {
    const profile = profileNameOf(s.header);
    const session = ssoSessionNameOf(s.header);
    const services = /^services\s+(.+)$/.exec(s.header.trim())?.[1]?.trim();
    const key = profile ?? (session !== undefined ? `sso-session.${session}` : services !== undefined ? `services.${services}` : undefined);
    // Other section names mean nothing to the SDKs in the config file.
    if (key === undefined || key === '__proto__') continue;
    // `[profile default]` and `[default]` both define default; botocore lets the later one win.
    const into = (sections[key] ??= Object.create(null) as Record<string, string>);
    for (const o of s.options) into[o.key] = o.value.trim();
  }
  return { ok: true, sections };
}
