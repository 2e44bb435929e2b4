import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';

import { uuidv7 } from '../../common/ids/uuidv7';
import { MetricsService } from '../../common/metrics/metrics.service';
import { AppConfig } from '../../config/app-config';
import { normalizeDocument, RecordNormalizeError } from '../formats/normalize/record-normalizer';
import { LiveTailService } from '../logs/live-tail.service';
import type { LogRecord } from '../logs/log-record';
import { LogStore } from '../logs/log-store.port';
import type { Principal } from '../tenancy/principal';
import { GroupCommitWriter } from './group-commit.writer';

/** One document to ingest, already decoded from the wire. */
export interface IngestDocument {
  doc: unknown;
  dataset: string;
}

export type IngestOutcome = { ok: true; id: string } | { ok: false; reason: string };

export interface IngestContext {
  endpoint: string;
  format: string;
  defaultService?: string;
  receivedAt: number;
  /** Items the endpoint already refused while decoding (counted in the metrics). */
  rejectedWhileDecoding?: number;
}

/**
 * Normalizes decoded documents into LogRecords, writes them through the group-commit writer and
 * publishes what was stored to the live tail. One outcome per document, in order: a bad document
 * fails alone.
 */
@Injectable()
export class IngestService implements BeforeApplicationShutdown {
  readonly #logger = new Logger(IngestService.name);
  readonly #writer: GroupCommitWriter;

  constructor(
    config: AppConfig,
    private readonly store: LogStore,
    private readonly tail: LiveTailService,
    private readonly metrics: MetricsService,
  ) {
    this.#writer = new GroupCommitWriter(store, config.ingest, {
      batchCommitted: (records, seconds) => {
        metrics.writeBatchRecords.observe(records);
        metrics.writeSeconds.observe(seconds);
      },
      pendingChanged: (pending) => metrics.pendingRecords.set(pending),
    });
  }

  /**
   * Throws IngestError (SATURATED, STORE_UNAVAILABLE) when nothing could be stored.
   *
   * Everything up to the first `await` (normalizing and encoding) runs synchronously, so a caller
   * may drop its references to `documents` as soon as this returns: the parsed documents and
   * records then die young, and only their encoded form waits for the group commit.
   */
  async ingest(
    principal: Principal,
    documents: readonly IngestDocument[],
    ctx: IngestContext,
  ): Promise<IngestOutcome[]> {
    const total = documents.length; // the caller may empty `documents` once this returns
    const outcomes = new Array<IngestOutcome>(total);
    let records: LogRecord[] | null = [];
    const owners: number[] = [];
    const normalizeCtx = {
      tenantId: principal.tenantId,
      dataset: '',
      format: ctx.format,
      receivedAt: ctx.receivedAt,
      defaultService: ctx.defaultService,
    };
    for (let i = 0; i < total; i++) {
      const { doc, dataset } = documents[i] as IngestDocument;
      normalizeCtx.dataset = dataset;
      try {
        const record = normalizeDocument(doc, normalizeCtx) as LogRecord;
        record.id = uuidv7(ctx.receivedAt);
        records.push(record);
        owners.push(i);
      } catch (err) {
        if (!(err instanceof RecordNormalizeError)) throw err;
        outcomes[i] = { ok: false, reason: err.reason };
      }
    }
    const ids = records.map((r) => r.id);
    const encoded = this.store.encode(records);

    // Keep the record objects only while somebody tails this tenant.
    if (!this.tail.isListened(principal.tenantId)) records = null;
    const rejected = await this.#writer.write(encoded);

    let stored = 0;
    for (let j = 0; j < ids.length; j++) {
      const reason = rejected.get(j);
      outcomes[owners[j] as number] =
        reason === undefined ? { ok: true, id: ids[j] as string } : { ok: false, reason };
      if (reason === undefined) stored++;
    }
    this.metrics.ingestRecords.inc({ endpoint: ctx.endpoint, outcome: 'stored' }, stored);
    this.metrics.ingestRecords.inc(
      { endpoint: ctx.endpoint, outcome: 'rejected' },
      total - stored + (ctx.rejectedWhileDecoding ?? 0),
    );
    this.metrics.ingestRequestRecords.observe({ endpoint: ctx.endpoint }, total);
    if (records !== null) {
      const published = rejected.size === 0 ? records : records.filter((_, j) => !rejected.has(j));
      this.tail.publish(principal.tenantId, published).catch((err: unknown) => {
        this.#logger.warn(`live tail publish failed: ${String(err)}`);
      });
    }
    return outcomes;
  }

  /** Counts one answered ingest HTTP request. */
  countRequest(endpoint: string, status: number): void {
    this.metrics.ingestRequests.inc({ endpoint, status: String(status) });
  }

  /** Drains queued writes before the log store closes (in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.#writer.close();
  }
}
