import type { Logger } from '../logger.js';
import type { SessionEvents } from '../sso/agent.js';
import type { AgentCore } from '../core/types.js';
import { desktopNotifier, type Notifier } from './notify/desktop-notifier.js';
import { LoginNotices, SCAN_EVERY_MS } from './notify/login-notices.js';
import { pickNotifier } from './notify/pick-notifier.js';
import { PromptState } from './prompt-state.js';

export interface NotifySettings {
  /** `serve --notify-command CMD`: run with the title and text as arguments instead of the platform's notifier. */
  command?: string;
  /** `serve --no-notify` (SSO_AGENT_NOTIFY=off does the same). */
  off?: boolean;
}

export interface SessionWatchOptions {
  runtimeDir: string;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  notify?: NotifySettings;
  /** Opens a URL in the person's browser (a click on a notice starts a login); from the CLI side. */
  openUrl?: (url: string) => void;
  /** Tests pass their own; default: the platform's notifier as pickNotifier decides. */
  notifier?: Notifier;
}

export interface SessionWatch {
  /** For the core's options: they reach the watchers once `attach` has run. */
  events: SessionEvents;
  /** The catalog changed: the prompt files follow. */
  profilesChanged(): void;
  attach(core: AgentCore): void;
  close(): Promise<void>;
}

/**
 * What the person sees outside a terminal, following the core's session events: desktop notices
 * (notify/) and the prompt's state files (prompt-state.ts), plus a minute timer for what changes
 * with the clock alone (an end drawing near).
 */
export function sessionWatch(opts: SessionWatchOptions): SessionWatch {
  const choice = pickNotifier({ platform: process.platform, env: opts.env, ...opts.notify });
  if (choice.kind === 'none') opts.logger.info({ why: choice.why }, 'desktop notifications off');
  const notifier = opts.notifier ?? desktopNotifier({ choice, env: opts.env, logger: opts.logger });
  let notices: LoginNotices | undefined;
  let prompt: PromptState | undefined;
  let timer: NodeJS.Timeout | undefined;
  // The core calls these from inside its token and credential paths: a fault here is logged, never thrown there.
  const safely = (what: string, fn: () => void): void => {
    try { fn(); } catch (err) { opts.logger.warn({ err: (err as Error).message }, `${what} failed`); }
  };
  return {
    events: {
      changed: (s) => safely('the session watch', () => { notices?.changed(s); prompt?.update(); }),
      loginNeeded: (s, reason, facts) => safely('the login notice', () => notices?.loginNeeded(s, reason, facts)),
      requestNeedsLogin: (s) => safely('the login notice', () => notices?.requestNeedsLogin(s)),
    },
    profilesChanged: () => prompt?.update(),
    attach(core) {
      notices = new LoginNotices({ core, notifier, logger: opts.logger, ...(opts.openUrl ? { openUrl: opts.openUrl } : {}) });
      prompt = new PromptState({ core, runtimeDir: opts.runtimeDir, logger: opts.logger });
      notices.scan();
      prompt.update();
      timer = setInterval(() => { notices?.scan(); prompt?.update(); }, SCAN_EVERY_MS);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      notifier.close?.();
      await prompt?.close();
    },
  };
}
