import { Readable } from 'node:stream';

/** Items per chunk: about 20-40 KiB of profile JSON, a few socket buffers' worth. */
const ITEMS_PER_CHUNK = 100;

/**
 * `JSON.stringify(items)` as a byte stream made on demand: the next chunk is serialised only when
 * the client has read the previous ones (the stream's back-pressure), so a reply never sits in
 * memory whole, once per connection.
 */
export function jsonArrayStream(items: readonly unknown[]): Readable {
  function* chunks(): Generator<string> {
    if (items.length === 0) { yield '[]'; return; }
    for (let i = 0; i < items.length; i += ITEMS_PER_CHUNK) {
      const part = items.slice(i, i + ITEMS_PER_CHUNK).map((x) => JSON.stringify(x ?? null)).join(',');
      yield `${i === 0 ? '[' : ','}${part}${i + ITEMS_PER_CHUNK >= items.length ? ']' : ''}`;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
