import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigFileError } from '../../errors.js';
import { packageInfo } from '../../package-root.js';

/**
 * The `credential_process` line must mean the same thing to botocore, which splits it with
 * `shlex.split` and runs it without a shell, and to the JS and Go SDKs, which run it with `sh -c`
 * (protocol-detail §6.2). The JS SDK's ini parser also cuts a value at whitespace followed by `#`
 * or `;` (its inline-comment rule), so such a sequence must never appear in the line.
 */

/** Characters that are literal both unquoted in `sh` and in a `shlex.split` word. */
const BARE_SAFE = /^[A-Za-z0-9_\-./+,:@%=]+$/;
/**
 * Inside double quotes `sh` still expands `$` and `` ` `` and treats `\` as an escape; shlex treats
 * `\` as an escape too. None of these can be written so both read it the same, so they are refused.
 */
const UNQUOTABLE = /["$`\\\n\r\0]/;
/** The JS SDK's config parser strips from here to the end of the line. */
const JS_INLINE_COMMENT = /\s[#;]/;

/** One word of the command, quoted only when it has to be. Throws ConfigFileError naming the word. */
export function quoteWord(word: string, what: string): string {
  if (word === '') throw new ConfigFileError(`${what} is empty; cannot build the credential_process command`);
  if (BARE_SAFE.test(word)) return word;
  if (UNQUOTABLE.test(word)) {
    throw new ConfigFileError(
      `${what} ${JSON.stringify(word)} contains a character (" $ \` \\ or a line break) that credential_process cannot quote the same way for every SDK: install or run sso-agent from a path without it`,
    );
  }
  if (JS_INLINE_COMMENT.test(word)) {
    throw new ConfigFileError(
      `${what} ${JSON.stringify(word)} contains a space followed by # or ;, which the JS SDK reads as a comment: install or run sso-agent from a path without it`,
    );
  }
  return `"${word}"`;
}

export interface SelfCommandParts {
  /** Absolute path of the node binary (process.execPath). */
  execPath: string;
  /** Absolute path of the built CLI entry, dist/cli/main.js. */
  mainScript: string;
  /**
   * Absolute path of bin/sso-agent-credential-process.sh, where curl exists: the line becomes
   * `/bin/sh <it> <node> <main.js>`, which asks the socket with curl and runs `<node> <main.js>`
   * for anything else (so every other subcommand still works through it).
   */
  shellClient?: string;
}

/**
 * The absolute, quoted invocation of this CLI: `<node> <dist/cli/main.js>`. Absolute paths so it
 * works from any working directory and without PATH (services and IDEs often have a bare PATH).
 */
export function selfCommand(parts: SelfCommandParts): string {
  const paths: Array<[string, string]> = [['the node binary', parts.execPath], ['the sso-agent script', parts.mainScript]];
  if (parts.shellClient !== undefined) paths.push(['the credential_process shell client', parts.shellClient]);
  for (const [what, p] of paths) {
    if (!p.startsWith('/')) throw new ConfigFileError(`${what} path ${JSON.stringify(p)} is not absolute; cannot build the credential_process command`);
  }
  const node = `${quoteWord(parts.execPath, 'the node binary path')} ${quoteWord(parts.mainScript, 'the sso-agent script path')}`;
  return parts.shellClient === undefined ? node : `/bin/sh ${quoteWord(parts.shellClient, 'the shell client path')} ${node}`;
}

/** bin/sso-agent-credential-process.sh of this install (the package root is two folders above dist/cli). */
export function defaultShellClient(mainScript: string): string {
  return join(mainScript, '..', '..', '..', 'bin', 'sso-agent-credential-process.sh');
}

/** Whether `name` is an executable file on PATH (the shell client needs curl, and /bin/sh). */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/**
 * Where the built entry is: <package root>/dist/cli/main.js, from sources (tests) as from the
 * build, since that is what a user runs. realpath: a global npm install reaches us through a bin
 * symlink, and the link's target is the stable path.
 */
export function defaultMainScript(root: string = packageInfo().root): string {
  const path = join(root, 'dist', 'cli', 'main.js');
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function defaultSelfCommand(env: NodeJS.ProcessEnv = process.env): string {
  const mainScript = defaultMainScript();
  const shellClient = defaultShellClient(mainScript);
  const useShell = onPath('curl', env) && existsSync('/bin/sh') && existsSync(shellClient);
  return selfCommand({ execPath: process.execPath, mainScript, ...(useShell ? { shellClient } : {}) });
}
