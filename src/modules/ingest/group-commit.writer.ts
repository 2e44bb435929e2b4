import type { LogRecord } from '../logs/log-record';
import type { LogStore } from '../logs/log-store.port';
import { IngestError } from './ingest.errors';

export interface GroupCommitOptions {
  /** Most records in one append to the store. */
  batchMaxRecords: number;
  /** How long to wait for more records before flushing a part-filled batch. */
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
  records: readonly LogRecord[];
  /** Next record of this waiter not yet handed to a flush. */
  next: number;
  /** Records not yet committed (or failed). */
  outstanding: number;
  rejected: Map<number, string>;
  failed: boolean;
  resolve: (rejected: Map<number, string>) => void;
  reject: (err: Error) => void;
}

interface Slice {
  waiter: Waiter;
  start: number;
  count: number;
}

/**
 * Group commit: concurrent ingest requests share appends to the log store. Each request resolves
 * once all of its records are committed, so an acknowledgement always means durable. Batches are
 * small (a few ms of traffic) to keep request latency low while amortising commits under load.
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

  /** Resolves with the indexes of `records` the store refused (and why) once the rest are committed. */
  write(records: readonly LogRecord[]): Promise<Map<number, string>> {
    if (records.length === 0) return Promise.resolve(new Map<number, string>());
    if (this.#closed)
      return Promise.reject(new IngestError('STORE_UNAVAILABLE', 'Vigil is shutting down'));
    if (this.#pending > 0 && this.#pending + records.length > this.options.maxPendingRecords) {
      return Promise.reject(
        new IngestError(
          'SATURATED',
          `ingest is saturated (${this.#pending} records waiting); retry later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({
        records,
        next: 0,
        outstanding: records.length,
        rejected: new Map(),
        failed: false,
        resolve,
        reject,
      });
      this.#queued += records.length;
      this.#pending += records.length;
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
        // Wait briefly for company, unless a batch is already full.
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
    const batch: LogRecord[] = [];
    const slices: Slice[] = [];
    while (this.#queue.length > 0 && batch.length < this.options.batchMaxRecords) {
      const waiter = this.#queue[0] as Waiter;
      const count = Math.min(
        waiter.records.length - waiter.next,
        this.options.batchMaxRecords - batch.length,
      );
      for (let i = 0; i < count; i++) batch.push(waiter.records[waiter.next + i] as LogRecord);
      slices.push({ waiter, start: waiter.next, count });
      waiter.next += count;
      if (waiter.next === waiter.records.length) this.#queue.shift();
    }
    this.#queued -= batch.length;
    this.#running++;
    const started = process.hrtime.bigint();
    this.store.append(batch).then(
      ({ rejected }) => {
        this.observer?.batchCommitted(
          batch.length,
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        let offset = 0;
        for (const slice of slices) {
          for (const [i, reason] of rejected) {
            if (i >= offset && i < offset + slice.count)
              slice.waiter.rejected.set(slice.start + i - offset, reason);
          }
          offset += slice.count;
          this.settle(slice, null);
        }
        this.done(batch.length);
      },
      (err: unknown) => {
        const failure = new IngestError(
          'STORE_UNAVAILABLE',
          `the log store failed: ${String(err)}`,
          { cause: err },
        );
        for (const slice of slices) this.settle(slice, failure);
        this.done(batch.length);
      },
    );
  }

  private settle(slice: Slice, failure: Error | null): void {
    const w = slice.waiter;
    w.outstanding -= slice.count;
    if (failure && !w.failed) {
      w.failed = true;
      w.reject(failure);
    }
    if (w.outstanding === 0 && !w.failed) w.resolve(w.rejected);
  }

  private done(count: number): void {
    this.#running--;
    this.#pending -= count;
    this.observer?.pendingChanged(this.#pending);
    this.schedule();
  }
}
