import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';

import { uuidv7 } from '../../common/ids/uuidv7';
import { exceedsDepth } from '../../common/json/json-depth';
import { MetricsService } from '../../common/metrics/metrics.service';
import { AppConfig } from '../../config/app-config';
import {
  type NormalizeContext,
  normalizeDocument,
  RecordNormalizeError,
} from '../formats/normalize/record-normalizer';
import { LiveTailService } from '../logs/live-tail.service';
import type { LogRecord } from '../logs/log-record';
import { type EncodedRecords, LogStore, type RecordEncoder } from '../logs/log-store.port';
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
  readonly #maxDepth: number;

  constructor(
    config: AppConfig,
    private readonly store: LogStore,
    private readonly tail: LiveTailService,
    private readonly metrics: MetricsService,
  ) {
    this.#maxDepth = config.ingest.maxDocumentDepth;
    this.#writer = new GroupCommitWriter(store, config.ingest, {
      batchCommitted: (records, seconds) => {
        metrics.writeBatchRecords.observe(records);
        metrics.writeSeconds.observe(seconds);
      },
      pendingChanged: (pending) => metrics.pendingRecords.set(pending),
    });
  }

  /**
   * Starts one request's worth of documents. Add each document as soon as it is decoded: it is
   * normalized and encoded at once, so the decoded form dies young and only its encoded bytes
   * wait for the group commit.
   */
  begin(principal: Principal, ctx: IngestContext): IngestBatch {
    return new IngestBatch(
      principal.tenantId,
      ctx,
      this.store.encoder(),
      this.tail.isListened(principal.tenantId),
      this,
      this.#maxDepth,
    );
  }

  /** Ingests documents already decoded; see `begin`. */
  ingest(
    principal: Principal,
    documents: readonly IngestDocument[],
    ctx: IngestContext,
  ): Promise<IngestOutcome[]> {
    const batch = this.begin(principal, ctx);
    for (const { doc, dataset } of documents) batch.add(doc, dataset);
    return batch.commit(0);
  }

  /** Writes an encoded batch and accounts for it; called by IngestBatch.commit. */
  async commitBatch(
    tenantId: string,
    ctx: IngestContext,
    encoded: EncodedRecords,
    ids: readonly string[],
    owners: readonly number[],
    outcomes: IngestOutcome[],
    tailed: readonly string[] | null,
    rejectedWhileDecoding: number,
  ): Promise<IngestOutcome[]> {
    const total = outcomes.length;
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
      total - stored + rejectedWhileDecoding,
    );
    this.metrics.ingestRequestRecords.observe({ endpoint: ctx.endpoint }, total);
    if (tailed !== null) {
      const published = rejected.size === 0 ? tailed : tailed.filter((_, j) => !rejected.has(j));
      this.tail.publishJson(tenantId, published).catch((err: unknown) => {
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

/**
 * One request's documents on their way in: `add` each as it is decoded, then `commit` once.
 * One outcome per added document, in order; a bad document fails alone.
 */
export class IngestBatch {
  readonly #outcomes: IngestOutcome[] = [];
  readonly #ids: string[] = [];
  readonly #owners: number[] = [];
  /** The records as JSON, kept only while somebody tails this tenant. */
  readonly #tailed: string[] | null;
  readonly #normalize: NormalizeContext;
  #committed = false;

  constructor(
    private readonly tenantId: string,
    private readonly ctx: IngestContext,
    private readonly encoder: RecordEncoder,
    tailed: boolean,
    private readonly service: IngestService,
    private readonly maxDepth: number,
  ) {
    this.#tailed = tailed ? [] : null;
    this.#normalize = {
      tenantId,
      dataset: '',
      format: ctx.format,
      receivedAt: ctx.receivedAt,
      defaultService: ctx.defaultService,
    };
  }

  /** Documents added so far. */
  get size(): number {
    return this.#outcomes.length;
  }

  add(doc: unknown, dataset: string): void {
    const i = this.#outcomes.length;
    this.#outcomes.push(PENDING);
    this.#normalize.dataset = dataset;
    // Deeper values would overflow the stack in the recursive code after this point.
    if (exceedsDepth(doc, this.maxDepth)) {
      this.#outcomes[i] = {
        ok: false,
        reason: `the document nests deeper than ${this.maxDepth} levels`,
      };
      return;
    }
    let record: LogRecord;
    try {
      record = normalizeDocument(doc, this.#normalize) as LogRecord;
    } catch (err) {
      if (!(err instanceof RecordNormalizeError)) throw err;
      this.#outcomes[i] = { ok: false, reason: err.reason };
      return;
    }
    record.id = uuidv7(this.ctx.receivedAt);
    this.encoder.add(record);
    this.#ids.push(record.id);
    this.#owners.push(i);
    this.#tailed?.push(JSON.stringify(record));
  }

  /**
   * Adds a record that arrived already in Vigil's data model (OTLP), so no document guessing
   * applies. The caller cleans and bounds its fields; the tenant is always the batch's.
   */
  addRecord(fields: Omit<LogRecord, 'id' | 'tenantId'>): void {
    const i = this.#outcomes.length;
    this.#outcomes.push(PENDING);
    const record: LogRecord = {
      id: uuidv7(this.ctx.receivedAt),
      ...fields,
      tenantId: this.tenantId,
    };
    this.encoder.add(record);
    this.#ids.push(record.id);
    this.#owners.push(i);
    this.#tailed?.push(JSON.stringify(record));
  }

  /**
   * Resolves once every accepted record is committed. Throws IngestError (SATURATED,
   * STORE_UNAVAILABLE) when nothing could be stored. `rejectedWhileDecoding` counts the items
   * the endpoint refused before they became documents (for the metrics).
   */
  commit(rejectedWhileDecoding: number): Promise<IngestOutcome[]> {
    if (this.#committed) throw new Error('IngestBatch.commit called twice');
    this.#committed = true;
    return this.service.commitBatch(
      this.tenantId,
      this.ctx,
      this.encoder.finish(),
      this.#ids,
      this.#owners,
      this.#outcomes,
      this.#tailed,
      rejectedWhileDecoding,
    );
  }
}

const PENDING: IngestOutcome = { ok: false, reason: 'not committed' };
