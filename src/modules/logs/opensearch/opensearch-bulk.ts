import type { LogRecord } from '../log-record';
import type { EncodedRecords, RecordEncoder } from '../log-store.port';
import { toDocument } from './opensearch-documents';
import type { OpenSearchRequests } from './opensearch-requests';
import type { OpenSearchStoreSettings } from './opensearch-settings';
import {
  isRetryableStatus,
  OpenSearchStoreError,
  type OpenSearchTransport,
} from './opensearch-transport';

const DAY_MS = 86_400_000;
/** Records further ahead than this are rejected, as the Postgres store rejects them. */
const MAX_FUTURE_MS = DAY_MS;

/** Bulk lines of the records the encoder accepted (action and source, each ending in LF). */
export interface OpenSearchEncodedRecords extends EncodedRecords {
  items: Buffer[];
  /** Input index of each item. */
  indexes: number[];
}

export interface EncoderContext {
  requests: OpenSearchRequests;
  now: number;
  maxRetentionDays: number;
  maxItemBytes: number;
  /** Whether the tenant writes to a stream of its own (decided once per tenant by the store). */
  dedicated(tenantId: string): boolean;
}

export class OpenSearchRecordEncoder implements RecordEncoder {
  readonly #rejected = new Map<number, string>();
  readonly #items: Buffer[] = [];
  readonly #indexes: number[] = [];
  readonly #newest: number;
  readonly #oldest: number;
  #size = 0;

  constructor(private readonly context: EncoderContext) {
    this.#newest = context.now + MAX_FUTURE_MS;
    this.#oldest = context.now - context.maxRetentionDays * DAY_MS;
  }

  add(record: LogRecord): void {
    const i = this.#size++;
    const ts = record.timestamp;
    if (!Number.isFinite(ts)) {
      this.#rejected.set(i, 'timestamp is not a valid time');
    } else if (ts > this.#newest) {
      this.#rejected.set(i, `timestamp ${iso(ts)} is more than a day in the future`);
    } else if (ts < this.#oldest) {
      this.#rejected.set(
        i,
        `timestamp ${iso(ts)} is older than the retention of ${this.context.maxRetentionDays} days`,
      );
    } else {
      const { requests } = this.context;
      let action: string;
      try {
        action = requests.createAction(
          record.tenantId,
          record.id,
          this.context.dedicated(record.tenantId),
        );
      } catch (err) {
        this.#rejected.set(i, (err as Error).message);
        return;
      }
      const item = Buffer.from(`${action}\n${JSON.stringify(toDocument(record))}\n`);
      if (item.length > this.context.maxItemBytes) {
        this.#rejected.set(
          i,
          `record is ${item.length} bytes as a bulk item, more than the limit of ${this.context.maxItemBytes}`,
        );
        return;
      }
      this.#items.push(item);
      this.#indexes.push(i);
    }
  }

  finish(): OpenSearchEncodedRecords {
    return {
      size: this.#size,
      rejected: this.#rejected,
      items: this.#items,
      indexes: this.#indexes,
    };
  }
}

/** One bulk item with where its outcome goes. */
interface PendingItem {
  batch: number;
  index: number;
  bytes: Buffer;
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

interface BulkResponse {
  errors?: boolean;
  items?: Array<Record<string, BulkItemResult | undefined>>;
}

/**
 * Writes encoded batches with the bulk API in requests bounded by bytes and documents. A record
 * counts as stored once OpenSearch answered 201 for it, or 409: its id exists already, so an
 * earlier attempt stored it. Items refused with 429/5xx are retried alone, with backoff; any
 * other refusal is that record's rejection, reported like the Postgres store reports one.
 */
export class BulkWriter {
  constructor(
    private readonly transport: OpenSearchTransport,
    private readonly requests: OpenSearchRequests,
    private readonly settings: OpenSearchStoreSettings,
  ) {}

  async write(batches: readonly OpenSearchEncodedRecords[]): Promise<Array<Map<number, string>>> {
    const results = batches.map((b) => new Map(b.rejected));
    let chunk: PendingItem[] = [];
    let bytes = 0;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b] as OpenSearchEncodedRecords;
      for (let k = 0; k < batch.items.length; k++) {
        const item = batch.items[k] as Buffer;
        const full =
          chunk.length >= this.settings.bulkMaxDocuments ||
          (chunk.length > 0 && bytes + item.length > this.settings.bulkMaxBytes);
        if (full) {
          await this.writeChunk(chunk, results);
          chunk = [];
          bytes = 0;
        }
        chunk.push({ batch: b, index: batch.indexes[k] as number, bytes: item });
        bytes += item.length;
      }
    }
    if (chunk.length > 0) await this.writeChunk(chunk, results);
    return results;
  }

  private async writeChunk(
    items: PendingItem[],
    results: Array<Map<number, string>>,
  ): Promise<void> {
    let pending = items;
    for (let attempt = 0; ; attempt++) {
      const response = await this.transport.send<BulkResponse>(
        this.requests.bulk(Buffer.concat(pending.map((p) => p.bytes)), this.settings.bulkRefresh),
      );
      const answers = response.items ?? [];
      if (answers.length !== pending.length) {
        throw new OpenSearchStoreError(
          `bulk answered ${answers.length} items for ${pending.length} sent`,
          null,
        );
      }
      const again: PendingItem[] = [];
      let lastRefusal = '';
      pending.forEach((item, i) => {
        const answer = firstValue(answers[i]);
        const status = answer?.status ?? 0;
        if ((status >= 200 && status < 300) || status === 409) return;
        if (isRetryableStatus(status)) {
          again.push(item);
          lastRefusal = reasonOf(status, answer);
          return;
        }
        results[item.batch]?.set(
          item.index,
          `rejected by the log store: ${reasonOf(status, answer)}`,
        );
      });
      if (again.length === 0) return;
      if (attempt + 1 >= this.settings.maxAttempts) {
        throw new OpenSearchStoreError(
          `OpenSearch still refused ${again.length} of ${items.length} records after ${attempt + 1} attempts (${lastRefusal})`,
          429,
        );
      }
      await this.transport.pause(attempt);
      pending = again;
    }
  }
}

function firstValue(
  entry: Record<string, BulkItemResult | undefined> | undefined,
): BulkItemResult | undefined {
  if (!entry) return undefined;
  for (const value of Object.values(entry)) return value;
  return undefined;
}

function reasonOf(status: number, answer: BulkItemResult | undefined): string {
  const error = answer?.error;
  if (!error) return `status ${status}`;
  const cause = error.caused_by?.reason ? ` (${error.caused_by.reason})` : '';
  return `${error.type ?? 'error'}: ${error.reason ?? ''}${cause}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
