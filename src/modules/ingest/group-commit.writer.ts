import type { EncodedRecords, LogStore } from '../logs/log-store.port';
import { IngestError } from './ingest.errors';

export interface GroupCommitOptions {
  /** A flush takes waiting batches until it holds at least this many records. */
  batchMaxRecords: number;
  /** How long to wait for more records before flushing a part-filled group. */
  flushDelayMs: number;
  /** Appends that may run at once. */
  writers: number;
  /** Records accepted but not yet committed; above this, `write` refuses with SATURATED. */
  maxPendingRecords: number;
}

export interface GroupCommitObserver {
  batchCommitted(records: number, seconds: number): void;
  pendingChanged(pending: number): void;
}

interface Waiter {
  encoded: EncodedRecords;
  resolve: (rejected: Map<number, string>) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: concurrent ingest requests share appends to the log store. Each request resolves
 * once all of its records are committed, so an acknowledgement always means durable. Groups are
 * small (a few ms of traffic) to keep request latency low while amortising commits under load.
 * A request's records are never split across appends.
 */
export class GroupCommitWriter {
  readonly #queue: Waiter[] = [];
  #queued = 0;
  #pending = 0;
  #running = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly store: LogStore,
    private readonly options: GroupCommitOptions,
    private readonly observer?: GroupCommitObserver,
  ) {}

  get pending(): number {
    return this.#pending;
  }

  /**
   * Resolves with the input indexes the store refused (and why) once the rest are committed.
   * Rejects with IngestError SATURATED (nothing queued) or STORE_UNAVAILABLE.
   */
  write(encoded: EncodedRecords): Promise<Map<number, string>> {
    const size = encoded.size;
    if (size === 0) return Promise.resolve(new Map(encoded.rejected));
    if (this.#closed) {
      return Promise.reject(new IngestError('STORE_UNAVAILABLE', 'Vigil is shutting down'));
    }
    if (this.#pending > 0 && this.#pending + size > this.options.maxPendingRecords) {
      return Promise.reject(
        new IngestError(
          'SATURATED',
          `ingest is saturated (${this.#pending} records waiting); retry later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ encoded, resolve, reject });
      this.#queued += size;
      this.#pending += size;
      this.observer?.pendingChanged(this.#pending);
      this.schedule();
    });
  }

  /** Stops taking writes and waits for the queued ones to be committed. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#pending > 0) {
      this.schedule(true);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private schedule(now = false): void {
    while (this.#running < this.options.writers && this.#queued > 0) {
      const full = this.#queued >= this.options.batchMaxRecords;
      if (!full && !now && this.options.flushDelayMs > 0) {
        // Wait briefly for company, unless a group is already full.
        this.#timer ??= setTimeout(() => {
          this.#timer = null;
          this.schedule(true);
        }, this.options.flushDelayMs);
        return;
      }
      this.flush();
    }
  }

  private flush(): void {
    const group: Waiter[] = [];
    let records = 0;
    while (this.#queue.length > 0 && records < this.options.batchMaxRecords) {
      const waiter = this.#queue.shift() as Waiter;
      group.push(waiter);
      records += waiter.encoded.size;
    }
    this.#queued -= records;
    this.#running++;
    const started = process.hrtime.bigint();
    this.store.appendEncoded(group.map((w) => w.encoded)).then(
      (results) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.observer?.batchCommitted(records, seconds);
        group.forEach((w, i) => w.resolve(results[i] ?? new Map<number, string>()));
        this.done(records);
      },
      (err: unknown) => {
        const failure = new IngestError(
          'STORE_UNAVAILABLE',
          `the log store failed: ${String(err)}`,
          {
            cause: err,
          },
        );
        for (const w of group) w.reject(failure);
        this.done(records);
      },
    );
  }

  private done(count: number): void {
    this.#running--;
    this.#pending -= count;
    this.observer?.pendingChanged(this.#pending);
    this.schedule();
  }
}
