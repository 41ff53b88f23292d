import { dirname } from 'node:path';
import { checkInputs, serveArgs, type ServiceInputs } from './inputs.js';
import { renderTemplate } from './render-template.js';
import { systemdQuote } from './systemd-quote.js';

/** The systemd user unit from `systemd/sso-agent.service` with this machine's paths filled in. */
export function renderUnit(template: string, inputs: ServiceInputs): string {
  const i = checkInputs(inputs);
  return renderTemplate(template, {
    NODE: systemdQuote(i.node, 'exec-path'),
    CLI: systemdQuote(i.cli, 'exec-arg'),
    PORT: String(i.port),
    SERVE_ARGS: serveArgs(i).map((a) => ' ' + systemdQuote(a, 'exec-arg')).join(''),
    SETTINGS_FILE: systemdQuote(i.settingsFile, 'value'),
    SETTINGS_DIR: systemdQuote(dirname(i.settingsFile), 'value'),
    AWS_CONFIG_FILE: systemdQuote(i.awsConfigFile, 'value'),
  }, 'systemd unit');
}
