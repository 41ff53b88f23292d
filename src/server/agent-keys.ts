import type { RouteTokenFileWriter } from './route-token-files.js';

/** The agent's secret material, made once per start by the daemon and shared by both apps. */
export interface AgentKeys {
  /** HMAC key for the per-profile route tokens (see route-token.ts); new at every start. */
  agentKey: Buffer;
  /** The private folder holding the socket and the token files (route-token-files.ts). */
  runtimeDir: string;
  /** Writes the route-token files; default: each file written when asked. */
  tokenFiles?: RouteTokenFileWriter;
}
