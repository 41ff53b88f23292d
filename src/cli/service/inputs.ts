import { isAbsolute } from 'node:path';
import { InvalidInputError } from '../../errors.js';

/** Everything a rendered unit or plist depends on; all paths absolute, resolved at install time. */
export interface ServiceInputs {
  /** process.execPath: the node that runs the agent (a service has no PATH to find one). */
  node: string;
  /** The absolute path of dist/cli/main.js. */
  cli: string;
  port: number;
  settingsFile: string;
  awsConfigFile: string;
  /** launchd only: systemd uses its own %t/sso-agent. */
  runtimeDir: string;
  /** launchd only: where stdout/stderr go. */
  logFile: string;
  /** launchd only: the job label, also the plist's file name. */
  label: string;
  /** `serve --persist keychain`: sessions outlive restarts in the OS keychain. */
  persist?: 'keychain';
  /** `serve --container-address ADDR`: the agent also serves container grants on ADDR. */
  containerAddresses?: string[];
}

/** The arguments after `serve` in the unit's ExecStart and the plist's ProgramArguments. */
export function serveArgs(inputs: Pick<ServiceInputs, 'persist' | 'containerAddresses'>): string[] {
  return [
    ...(inputs.persist ? ['--persist', inputs.persist] : []),
    ...(inputs.containerAddresses ?? []).flatMap((a) => ['--container-address', a]),
  ];
}

export function checkInputs(inputs: ServiceInputs): ServiceInputs {
  for (const key of ['node', 'cli', 'settingsFile', 'awsConfigFile', 'runtimeDir', 'logFile'] as const) {
    if (!isAbsolute(inputs[key])) {
      throw new InvalidInputError(`the service needs an absolute path for ${key}, not ${JSON.stringify(inputs[key])}`);
    }
  }
  if (!Number.isInteger(inputs.port) || inputs.port < 1 || inputs.port > 65535) {
    throw new InvalidInputError(`the service needs a fixed port from 1 to 65535, not ${inputs.port}: pass --port N`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(inputs.label)) {
    throw new InvalidInputError(`${JSON.stringify(inputs.label)} is not a usable launchd label: use letters, digits, dots and dashes`);
  }
  return inputs;
}
