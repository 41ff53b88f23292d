import { Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { ExecStanza } from './exec-stanza.js';

/**
 * The kubeconfig after adding (or updating) one cluster, one user and one context, and pointing
 * current-context at it. Pure: text in, text out. The yaml library edits the parsed document in
 * place, so every other entry, comment and key keeps its text; only the three entries named here
 * are replaced or appended. Entries named `sso-agent/…` are this command's own; a context of
 * another name is replaced only when it already points at one of them.
 */

export const ENTRY_PREFIX = 'sso-agent/';

export interface KubeEntry {
  /** The cluster and user entries' name: `sso-agent/<profile>/<cluster>`. */
  name: string;
  /** The context's name (the same as `name` unless the user chose one). */
  context: string;
  server: string;
  /** Base64 of the cluster's CA bundle (PEM), as kubeconfig's certificate-authority-data holds it. */
  caData: string;
  exec: ExecStanza;
}

export class KubeconfigPlanError extends Error {}

export function entryName(profile: string, cluster: string): string {
  return `${ENTRY_PREFIX}${profile}/${cluster}`;
}

/** `aws eks update-kubeconfig` writes these for a file that did not exist. */
function emptyConfig(): Document {
  return new Document({ apiVersion: 'v1', clusters: [], contexts: [], 'current-context': '', kind: 'Config', preferences: {}, users: [] });
}

function nameOf(item: unknown): unknown {
  return isMap(item) ? item.get('name') : undefined;
}

/** Replaces the item named `name` in the list `key`, or appends it. */
function upsert(doc: Document, key: string, name: string, value: object, mayReplace: (old: YAMLMap) => boolean): void {
  let seq = doc.get(key, true);
  if (seq === undefined || seq === null || (isScalar(seq) && (seq.value === null || seq.value === ''))) {
    doc.set(key, doc.createNode([]));
    seq = doc.get(key, true);
  }
  if (!isSeq(seq)) throw new KubeconfigPlanError(`its "${key}" is not a list`);
  const node = doc.createNode(value);
  const at = seq.items.findIndex((item) => nameOf(item) === name);
  if (at < 0) {
    seq.items.push(node);
    return;
  }
  if (!mayReplace(seq.items[at] as YAMLMap)) {
    throw new KubeconfigPlanError(`its ${key.replace(/s$/, '')} "${name}" is not one sso-agent wrote; pass --context with another name`);
  }
  seq.items[at] = node;
}

export function planKubeconfig(text: string, entry: KubeEntry): string {
  const doc = text.trim() === '' ? emptyConfig() : parseDocument(text);
  const problem = doc.errors[0];
  if (problem) throw new KubeconfigPlanError(`it is not valid YAML (${problem.message.split('\n')[0]})`);
  if (!isMap(doc.contents)) throw new KubeconfigPlanError('it is not a YAML mapping of apiVersion, clusters, users, contexts');
  upsert(doc, 'clusters', entry.name, { cluster: { 'certificate-authority-data': entry.caData, server: entry.server }, name: entry.name }, () => true);
  upsert(doc, 'users', entry.name, { name: entry.name, user: { exec: entry.exec } }, () => true);
  upsert(
    doc,
    'contexts',
    entry.context,
    { context: { cluster: entry.name, user: entry.name }, name: entry.context },
    (old) => {
      const user = (old.get('context') as YAMLMap | undefined)?.get?.('user');
      return typeof user === 'string' && user.startsWith(ENTRY_PREFIX);
    },
  );
  doc.set('current-context', entry.context);
  // kubectl writes list items flush with their key; so does this, and its own entries match.
  return doc.toString({ indentSeq: false });
}
