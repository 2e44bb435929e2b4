import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import type { Observation } from '../../ml/anomaly/detector';
import { AppConfig } from '../../config/app-config';
import { CustomFormatCatalog } from '../formats/custom/custom-format-catalog.service';
import { FormatsService } from '../formats/formats.service';
import { RedactionService } from '../formats/redaction/redaction.service';
import type { Redactor } from '../formats/redaction/redactor';
import type { LogFormat } from '../formats/log-format';
import { LiveTailService } from '../logs/live-tail.service';
import { LogStore } from '../logs/log-store.port';
import { AnomalyDetectionService } from '../detection/anomaly-detection.service';
import { ClassificationService } from '../classification/classification.service';
import { PatternsService } from '../patterns/patterns.service';
import type { Principal } from '../tenancy/principal';
import { GroupCommitWriter } from './group-commit.writer';
import { IngestError } from './ingest.errors';
import {
  type BatchCommit,
  type BatchSink,
  IngestBatch,
  type IngestContext,
  type IngestOutcome,
  resolveOutcomes,
} from './ingest-batch';

export {
  IngestBatch,
  type IngestContext,
  type IngestOutcome,
  type LineHints,
} from './ingest-batch';

/** One document to ingest, already decoded from the wire. */
export interface IngestDocument {
  doc: unknown;
  dataset: string;
}

/**
 * Normalizes decoded documents into LogRecords, writes them through the group-commit writer and
 * publishes what was stored to the live tail. One outcome per document, in order: a bad document
 * fails alone.
 */
@Injectable()
export class IngestService implements BeforeApplicationShutdown, BatchSink {
  readonly #logger = new Logger(IngestService.name);
  readonly #writer: GroupCommitWriter;
  readonly #maxDepth: number;

  constructor(
    config: AppConfig,
    private readonly store: LogStore,
    private readonly tail: LiveTailService,
    private readonly metrics: MetricsService,
    private readonly formats: FormatsService,
    private readonly customFormats: CustomFormatCatalog,
    private readonly redaction: RedactionService,
    private readonly patterns: PatternsService,
    private readonly detection: AnomalyDetectionService,
    private readonly classification: ClassificationService,
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
  async begin(principal: Principal, ctx: IngestContext): Promise<IngestBatch> {
    const tenantId = principal.tenantId;
    let redactor: Redactor;
    let detecting: boolean;
    let classifying: boolean;
    try {
      const [formats, loaded, , detect, classify] = await Promise.all([
        this.customFormats.formatsFor(tenantId),
        this.redaction.redactorFor(tenantId),
        this.patterns.prepare(tenantId),
        // Detection that cannot load its state must not keep logs from being stored.
        this.detection.prepare(tenantId).catch((err: unknown) => {
          this.#logger.warn(`anomaly detection unavailable for ${tenantId}: ${String(err)}`);
          return false;
        }),
        // Nor classification: records are then stored without a category.
        this.classification.prepare(tenantId).then(
          () => true,
          (err: unknown) => {
            this.#logger.warn(`classification unavailable for ${tenantId}: ${String(err)}`);
            return false;
          },
        ),
      ]);
      detecting = detect;
      classifying = classify;
      this.formats.useTenantFormats(tenantId, formats);
      redactor = loaded;
    } catch (err) {
      // Without its redaction policy nothing of the tenant may be stored: the shipper retries.
      throw new IngestError('STORE_UNAVAILABLE', 'the tenant configuration could not be loaded', {
        cause: err,
      });
    }
    return new IngestBatch(
      tenantId,
      ctx,
      this.store.encoder(),
      this.tail.isListened(tenantId),
      this,
      this.formats,
      this.#maxDepth,
      redactor,
      this.patterns,
      detecting ? this.detection : null,
      classifying ? this.classification : null,
    );
  }

  /** Ingests documents already decoded; see `begin`. */
  async ingest(
    principal: Principal,
    documents: readonly IngestDocument[],
    ctx: IngestContext,
  ): Promise<IngestOutcome[]> {
    const batch = await this.begin(principal, ctx);
    for (const { doc, dataset } of documents) batch.add(doc, dataset);
    return batch.commit(0);
  }

  /** Writes an encoded batch and accounts for it; called by IngestBatch.commit. */
  async commitBatch(
    tenantId: string,
    ctx: IngestContext,
    batch: BatchCommit,
    rejectedWhileDecoding: number,
  ): Promise<IngestOutcome[]> {
    const { outcomes, tailed } = batch;
    const total = outcomes.length;
    const rejected = await this.#writer.write(batch.encoded);

    const stored = resolveOutcomes(batch, rejected);
    const observations = batch.observations;
    if (observations !== null && stored > 0) {
      const kept: Observation[] = [];
      for (let j = 0; j < observations.length; j++) {
        const o = observations[j];
        if (o != null && !rejected.has(j)) kept.push(o);
      }
      this.detection.observe(tenantId, kept);
    }
    this.formats.countFormats(batch.formats);
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

  /** A format by name (`text`, `json` and the tenant's own included), for pinning a stream. */
  formatNamed(tenantId: string, name: string): LogFormat | undefined {
    return this.formats.registryFor(tenantId).byName(name);
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
