import { checkInputs, serveArgs, type ServiceInputs } from './inputs.js';
import { renderTemplate } from './render-template.js';
import { xmlEscape } from './xml-escape.js';

/** The LaunchAgent property list from `launchd/sso-agent.plist` with this machine's paths filled in. */
export function renderPlist(template: string, inputs: ServiceInputs): string {
  const i = checkInputs(inputs);
  return renderTemplate(template, {
    LABEL: xmlEscape(i.label),
    NODE: xmlEscape(i.node),
    CLI: xmlEscape(i.cli),
    PORT: String(i.port),
    SERVE_ARGS: serveArgs(i).map((a) => `\n    <string>${xmlEscape(a)}</string>`).join(''),
    RUNTIME_DIR: xmlEscape(i.runtimeDir),
    SETTINGS_FILE: xmlEscape(i.settingsFile),
    AWS_CONFIG_FILE: xmlEscape(i.awsConfigFile),
    LOG_FILE: xmlEscape(i.logFile),
  }, 'launchd plist');
}
