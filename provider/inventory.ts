// Batched reads: a refresh of many objects on one host costs one round trip, not one per object.
//
// The engine reads resources concurrently. Requests for the same host that arrive within a short window are
// answered by one fetch of all the keys asked for; a fetch is shared by everyone who asked during it.
// Results are not cached past the fetch, so a read after a write always sees the host as it now is.

export type BatchFetch<K, V> = (keys: K[]) => Promise<Map<K, V>>;

interface Pending<K, V> {
  keys: Set<K>;
  result: Promise<Map<K, V>>;
}

export class BatchedReader<K, V> {
  private pending: Pending<K, V> | undefined;

  /**
   * @param fetch reads every key asked for in one round trip; keys it leaves out are absent on the host.
   * @param windowMs how long a batch waits for more keys before it is fetched.
   */
  constructor(
    private readonly fetch: BatchFetch<K, V>,
    private readonly windowMs = 10,
  ) {}

  /** The value for `key`, or undefined when the host has no such object. */
  async get(key: K): Promise<V | undefined> {
    if (this.pending === undefined) {
      const keys = new Set<K>();
      const result = new Promise<Map<K, V>>((resolve, reject) => {
        setTimeout(() => {
          // New requests from here on start the next batch.
          this.pending = undefined;
          this.fetch([...keys]).then(resolve, reject);
        }, this.windowMs);
      });
      this.pending = { keys, result };
    }
    this.pending.keys.add(key);
    return (await this.pending.result).get(key);
  }
}

/** One reader per host (and per kind of object), kept for the life of the provider process. */
export function readerPerHost<H extends object, K, V>(
  makeFetch: (host: H) => BatchFetch<K, V>,
  windowMs?: number,
): (host: H) => BatchedReader<K, V> {
  const readers = new WeakMap<H, BatchedReader<K, V>>();
  return (host) => {
    let reader = readers.get(host);
    if (reader === undefined) {
      reader = new BatchedReader(makeFetch(host), windowMs);
      readers.set(host, reader);
    }
    return reader;
  };
}
