/**
 * A request to the agent's TCP port the way SDKs make it: node:http, no fetch metadata. Node's own
 * fetch() adds `Sec-Fetch-Mode: cors`, which the agent refuses as browser traffic.
 */
import { request } from 'node:http';

export interface AgentReply { status: number; body: string; json<T = unknown>(): T }

export function agentGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<AgentReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: <T>() => JSON.parse(body) as T }));
    });
    req.on('error', reject);
    req.end();
  });
}
