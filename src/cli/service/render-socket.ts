import { checkInputs, type ServiceInputs } from './inputs.js';
import { renderTemplate } from './render-template.js';

/** The socket unit from `systemd/sso-agent.socket`: systemd holds 127.0.0.1:PORT for the agent. */
export function renderSocket(template: string, inputs: ServiceInputs): string {
  const i = checkInputs(inputs);
  return renderTemplate(template, { PORT: String(i.port) }, 'systemd socket');
}
