import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { closeNow } from './listener-server.js';

/**
 * How often the container address is looked for. Coarse on purpose: a Docker network created or a
 * Docker restart is picked up within seconds, and each look is one bind attempt, not a netlink
 * subscription (the service unit allows no AF_NETLINK).
 */
export const ADDRESS_POLL_MS = 2_000;

/** Is `address` assigned to an interface of this machine now? A bind to port 0 says so. */
export function addressPresent(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRNOTAVAIL'));
    probe.listen({ host: address, port: 0, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export interface ContainerListenerOptions {
  address: string;
  /** Binds the listener (listener-server.ts `listenExtra`); rejects with EADDRNOTAVAIL while the address is absent. */
  open: () => Promise<Server>;
  logger: Logger;
  pollMs?: number;
  present?: (address: string) => Promise<boolean>;
}

export interface ContainerListener {
  /** Settles after the first attempt to bind. */
  ready: Promise<void>;
  /** True while the listener is bound. */
  listening(): boolean;
  close(): Promise<void>;
}

/**
 * Keeps a listener on the container address whenever the address exists: binds when it appears
 * (also after the agent started), closes when it goes (a Docker network removed, Docker stopped)
 * and binds again when it comes back. Each change is logged once.
 */
export function watchContainerAddress(opts: ContainerListenerOptions): ContainerListener {
  const { address, open, logger } = opts;
  const pollMs = opts.pollMs ?? ADDRESS_POLL_MS;
  const present = opts.present ?? addressPresent;
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastNote = '';
  const note = (level: 'info' | 'warn', msg: string, extra: Record<string, unknown> = {}): void => {
    if (msg === lastNote) return;
    lastNote = msg;
    logger[level]({ address, ...extra }, msg);
  };

  const tick = async (): Promise<void> => {
    if (server === undefined) {
      try {
        const s = await open();
        if (stopped) { await closeNow(s); return; }
        server = s;
        note('info', 'container listener up');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRNOTAVAIL') note('info', 'waiting for the container address to appear');
        else note('warn', 'cannot listen on the container address; trying again', { code });
      }
    } else if (!(await present(address))) {
      const s = server;
      server = undefined;
      await closeNow(s);
      note('info', 'container address gone; listening again when it returns');
    }
  };
  const loop = (): Promise<void> => tick().finally(() => {
    if (!stopped) timer = setTimeout(() => void loop(), pollMs).unref();
  });
  const ready = loop();

  return {
    ready,
    listening: () => server !== undefined,
    async close() {
      stopped = true;
      clearTimeout(timer);
      if (server) await closeNow(server);
      server = undefined;
    },
  };
}
