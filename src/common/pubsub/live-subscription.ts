const MAX_BUFFERED = 10_000;

/**
 * One live listener (a GraphQL subscription): an async iterator fed by `push` with the items
 * that `matches`. A consumer that falls more than MAX_BUFFERED items behind loses the oldest ones
 * (a live feed shows the present, not a backlog).
 */
export class LiveSubscription<T extends { id: string }> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | null = null;
  #closed = false;
  dropped = 0;

  constructor(
    readonly matches: (item: T) => boolean,
    private readonly onClose: (sub: LiveSubscription<T>) => void,
  ) {}

  push(record: T): void {
    if (this.#closed || !this.matches(record)) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: record, done: false });
      return;
    }
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.#buffer.shift();
      this.dropped++;
    }
    this.#buffer.push(record);
  }

  /**
   * Puts stored items (oldest first) ahead of the live ones: the backfill of a new tail. Live
   * items that arrived meanwhile and are in the backfill too (same id) are not delivered twice.
   */
  prepend(records: readonly T[]): void {
    if (this.#closed || records.length === 0) return;
    const ids = new Set(records.map((r) => r.id));
    const live = this.#buffer.filter((r) => !ids.has(r.id));
    this.#buffer.splice(0, this.#buffer.length, ...records, ...live);
    const waiting = this.#waiting;
    const first = this.#buffer.shift();
    if (waiting && first) {
      this.#waiting = null;
      waiting({ value: first, done: false });
    } else if (first) {
      this.#buffer.unshift(first);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#buffer.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    const resolve = this.#waiting;
    this.#waiting = null;
    resolve?.({ value: undefined, done: true });
    this.onClose(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
