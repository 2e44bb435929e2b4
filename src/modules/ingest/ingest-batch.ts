import { uuidv7 } from '../../common/ids/uuidv7';
import { exceedsDepth } from '../../common/json/json-depth';
import type { Observation } from '../../ml/anomaly/detector';
import type { TemplateMatch } from '../../ml/templates/template-miner';
import { GENERIC_JSON_FORMAT, TEXT_FORMAT } from '../formats/format-registry';
import type { FormatStream } from '../formats/format-stream';
import type { LogFormat } from '../formats/log-format';
import type { FormatsService } from '../formats/formats.service';
import { type AssembledRecord, LinePipeline, parseDetectedLine } from '../formats/line-pipeline';
import {
  type NormalizeContext,
  normalizeDocument,
  RecordNormalizeError,
} from '../formats/normalize/record-normalizer';
import { mergeShipperRecord, type RecordContext, toLogRecord } from '../formats/parsed-record';
import type { LogRecord } from '../logs/log-record';
import type { EncodedRecords, RecordEncoder } from '../logs/log-store.port';

export type IngestOutcome = { ok: true; id: string } | { ok: false; reason: string };

export interface IngestContext {
  endpoint: string;
  /** The format name of documents no specific JSON format claims (`json`). */
  format: string;
  /**
   * How lines and raw `message`s are read: absent or `auto` detects per source stream; `json`
   * keeps documents as they are (no raw-message parsing); `text` or a format name pins it.
   */
  pin?: string;
  /**
   * The endpoint builds each document itself from its protocol's fields (Loki: labels, metadata,
   * the line as `message`): no shipper JSON format is looked for in its keys, though the raw
   * message is still parsed.
   */
  envelopes?: boolean;
  defaultService?: string;
  receivedAt: number;
}

/** Defaults and choices for line-oriented inputs (`IngestBatch.addLine`). */
export interface LineHints {
  service?: string;
  host?: string;
  /** A format name (pins the stream), `text`, or `auto`. */
  format?: string;
}

/** PII redaction as the batch needs it (formats/redaction/redactor.ts). */
export interface RedactionStep {
  /** Replaces what the tenant's policy redacts in the body and string attributes, in place. */
  redactRecord(record: { body: string; attributes: Record<string, unknown> }): number;
}

/** The pattern a record was mined into, beyond what the record itself carries. */
export type MinedPattern = Pick<TemplateMatch, 'template' | 'isNew'>;

/** Pattern mining as the batch needs it (patterns/patterns.service.ts). */
export interface PatternStep {
  /** Sets the record's `patternId` and `patternParams` (and counts it for the catalogue). */
  assign(record: LogRecord): MinedPattern;
}

/** Classification as the batch needs it (classification/classification.service.ts). */
export interface ClassificationStep {
  /** Sets the record's `category` and `categoryConfidence`, after its pattern is mined. */
  classify(record: LogRecord): void;
}

/** Anomaly detection as the batch needs it (detection/anomaly-detection.service.ts). */
export interface DetectionStep {
  /** What the detectors are handed once the record is stored; null when they want nothing. */
  observation(record: LogRecord, mined: MinedPattern, receivedAt: number): Observation | null;
}

/** What a batch hands to IngestService.commitBatch. */
export interface BatchCommit {
  encoded: EncodedRecords;
  ids: readonly string[];
  /** For record j, the first input it came from. */
  owners: readonly number[];
  /** Pairs (input, record j) for the other inputs joined into record j (multiline, partials). */
  joined: readonly number[];
  outcomes: IngestOutcome[];
  tailed: readonly string[] | null;
  formats: ReadonlyMap<string, number>;
  /** For record j, what anomaly detection sees once it is stored (null: nothing). */
  observations: ReadonlyArray<Observation | null> | null;
}

/** What IngestBatch needs from IngestService (kept narrow to avoid a circular import). */
export interface BatchSink {
  commitBatch(
    tenantId: string,
    ctx: IngestContext,
    batch: BatchCommit,
    rejectedWhileDecoding: number,
  ): Promise<IngestOutcome[]>;
}

/** A raw message longer than this is not worth detecting: it is kept as the shipper sent it. */
const MAX_DETECTED_MESSAGE = 64 * 1024;

interface DocStreams {
  dataset: string;
  documents: FormatStream;
  messages: FormatStream | null;
}

/**
 * One request's inputs on their way in: `add` each decoded document and `addLine` each raw line
 * as they arrive, then `commit` once. One outcome per input, in order; a bad input fails alone;
 * lines joined into one record (stack traces, split container lines) share its outcome.
 */
export class IngestBatch {
  readonly #outcomes: IngestOutcome[] = [];
  readonly #ids: string[] = [];
  readonly #owners: number[] = [];
  readonly #joined: number[] = [];
  /** The records as JSON, kept only while somebody tails this tenant. */
  readonly #tailed: string[] | null;
  /** Per record, its observation for anomaly detection (when detection runs). */
  readonly #observations: Array<Observation | null> | null;
  readonly #normalize: NormalizeContext;
  readonly #pipelines = new Map<string, LinePipeline<number> | null>();
  #docStreams: DocStreams | null = null;
  #lastPipeline: {
    dataset: string;
    hints: LineHints | undefined;
    pipeline: LinePipeline<number> | null;
  } | null = null;
  readonly #formatCounts = new Map<string, number>();
  #lastFormat = '';
  #lastFormatCount = 0;
  #committed = false;

  constructor(
    private readonly tenantId: string,
    private readonly ctx: IngestContext,
    private readonly encoder: RecordEncoder,
    tailed: boolean,
    private readonly sink: BatchSink,
    private readonly formats: FormatsService,
    private readonly maxDepth: number,
    /** The tenant's PII redaction, applied to every record before it is stored or tailed. */
    private readonly redactor: RedactionStep | null = null,
    /** Mines each record's pattern, after redaction (so no template holds redacted data). */
    private readonly patterns: PatternStep | null = null,
    /** Anomaly detection, handed each stored record's observation after the commit. */
    private readonly detection: DetectionStep | null = null,
    /** Gives each record its category, after mining (the pattern keys its cache). */
    private readonly classifier: ClassificationStep | null = null,
  ) {
    this.#tailed = tailed ? [] : null;
    this.#observations = detection !== null && patterns !== null ? [] : null;
    this.#normalize = {
      tenantId,
      dataset: '',
      format: ctx.format,
      receivedAt: ctx.receivedAt,
      defaultService: ctx.defaultService,
    };
  }

  /** Inputs added so far. */
  get size(): number {
    return this.#outcomes.length;
  }

  /** One decoded document (ES bulk, JSON API, OTLP/Loki after mapping). */
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
      record = this.#documentRecord(doc, dataset) as LogRecord;
    } catch (err) {
      if (!(err instanceof RecordNormalizeError)) throw err;
      this.#outcomes[i] = { ok: false, reason: err.reason };
      return;
    }
    this.#store(record, i, null);
  }

  /**
   * A record that arrived already in Vigil's data model (OTLP), so no document guessing applies
   * (a log attribute named `level` or `time` stays an attribute). The caller cleans and bounds
   * its fields; the tenant is always the batch's.
   */
  addRecord(fields: Omit<LogRecord, 'id' | 'tenantId'>): void {
    const i = this.#outcomes.length;
    this.#outcomes.push(PENDING);
    this.#store({ ...fields, id: '', tenantId: this.tenantId }, i, null);
  }

  /**
   * One raw line (text/plain ingest, syslog, a tailed file): detected on its source stream
   * (dataset + service), joined with its continuation lines, parsed. Its record may only come
   * out with a later line or at `commit`.
   */
  addLine(line: string, dataset: string, hints?: LineHints): void {
    const i = this.#outcomes.length;
    this.#outcomes.push(PENDING);
    const pipeline = this.#pipeline(dataset, hints);
    if (pipeline === null) {
      this.#outcomes[i] = {
        ok: false,
        reason: `unknown format "${hints?.format ?? this.ctx.pin}"`,
      };
      return;
    }
    pipeline.push(line, i, this.ctx.receivedAt);
  }

  /**
   * Resolves once every accepted record is committed. Throws IngestError (SATURATED,
   * STORE_UNAVAILABLE) when nothing could be stored. `rejectedWhileDecoding` counts the items
   * the endpoint refused before they became documents (for the metrics).
   */
  commit(rejectedWhileDecoding: number): Promise<IngestOutcome[]> {
    if (this.#committed) throw new Error('IngestBatch.commit called twice');
    this.#committed = true;
    for (const pipeline of this.#pipelines.values()) pipeline?.end();
    this.#countFormat('', 0);
    return this.sink.commitBatch(
      this.tenantId,
      this.ctx,
      {
        encoded: this.encoder.finish(),
        ids: this.#ids,
        owners: this.#owners,
        joined: this.#joined,
        outcomes: this.#outcomes,
        tailed: this.#tailed,
        formats: this.#formatCounts,
        observations: this.#observations,
      },
      rejectedWhileDecoding,
    );
  }

  #documentRecord(doc: unknown, dataset: string): Omit<LogRecord, 'id'> {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      return normalizeDocument(doc, this.#normalize);
    }
    const streams = this.#streamsFor(dataset);
    if (streams === null) return normalizeDocument(doc, this.#normalize);
    const source = doc as Record<string, unknown>;
    const parseCtx = this.ctx;
    const messages = streams.messages;
    if (messages !== null) {
      const raw =
        typeof source.message === 'string'
          ? source.message
          : typeof source.log === 'string'
            ? source.log
            : null;
      if (raw !== null && raw.length <= MAX_DETECTED_MESSAGE) {
        const detection = messages.detectLine(raw);
        if (isRawLineFormat(detection.format)) {
          const parsed = parseDetectedLine(messages, detection, raw, parseCtx);
          if (parsed !== null) {
            const base = normalizeDocument(doc, this.#normalize);
            return mergeShipperRecord(base, parsed, this.#recordContext(dataset, undefined));
          }
        }
      }
    }
    const format =
      this.ctx.envelopes === true ? GENERIC_JSON_FORMAT : streams.documents.detectDoc(source);
    if (format !== GENERIC_JSON_FORMAT) {
      const parsed = parseDetectedLine(streams.documents, { format, doc: source }, '', parseCtx);
      if (parsed !== null) return toLogRecord(parsed, this.#recordContext(dataset, undefined));
    }
    return normalizeDocument(doc, this.#normalize);
  }

  /** The document and message streams of a dataset; the last one is kept for the next document. */
  #streamsFor(dataset: string): DocStreams | null {
    const cached = this.#docStreams;
    if (cached !== null && cached.dataset === dataset) return cached;
    const pin = this.ctx.pin;
    const key = {
      tenantId: this.tenantId,
      endpoint: this.ctx.endpoint,
      dataset,
      service: this.ctx.defaultService,
    };
    const registry = this.formats.registryFor(this.tenantId);
    const pinned = pin === undefined || pin === 'auto' ? undefined : registry.byName(pin);
    const documents = this.formats.stream({
      ...key,
      format: pinned?.kind === 'json' ? pinned.name : undefined,
    });
    // `json` (and a pinned JSON format) means: take documents as they are.
    const messages =
      pin === 'json' || pinned?.kind === 'json'
        ? null
        : this.formats.stream({
            ...key,
            endpoint: `${this.ctx.endpoint}:message`,
            format: pinned?.kind === 'line' ? pinned.name : undefined,
          });
    if (documents === null) return null;
    this.#docStreams = { dataset, documents, messages };
    return this.#docStreams;
  }

  #pipeline(dataset: string, hints: LineHints | undefined): LinePipeline<number> | null {
    // Consecutive lines mostly come from one source: skip building the key.
    const last = this.#lastPipeline;
    if (last !== null && last.dataset === dataset && last.hints === hints) return last.pipeline;
    const pipeline = this.#pipelineFor(dataset, hints);
    this.#lastPipeline = { dataset, hints, pipeline };
    return pipeline;
  }

  #pipelineFor(dataset: string, hints: LineHints | undefined): LinePipeline<number> | null {
    const service = hints?.service ?? this.ctx.defaultService;
    let format = hints?.format ?? this.ctx.pin;
    if (format === 'auto') format = undefined;
    const id = `${dataset}\u0000${service ?? ''}\u0000${hints?.host ?? ''}\u0000${format ?? ''}`;
    const found = this.#pipelines.get(id);
    if (found !== undefined) return found;
    const stream = this.formats.stream({
      tenantId: this.tenantId,
      endpoint: this.ctx.endpoint,
      dataset,
      service,
      format,
    });
    const recordCtx = this.#recordContext(dataset, service, hints?.host);
    const pipeline =
      stream === null
        ? null
        : new LinePipeline<number>(stream, this.ctx, (r) => this.#storeLines(r, recordCtx));
    this.#pipelines.set(id, pipeline);
    return pipeline;
  }

  #recordContext(dataset: string, service: string | undefined, host?: string): RecordContext {
    return {
      tenantId: this.tenantId,
      dataset,
      receivedAt: this.ctx.receivedAt,
      defaultService: service ?? this.ctx.defaultService,
      defaultHost: host,
    };
  }

  #storeLines(assembled: AssembledRecord<number>, ctx: RecordContext): void {
    const record = toLogRecord(assembled, ctx) as LogRecord;
    const owners = assembled.owners;
    this.#store(record, owners[0] as number, owners.length > 1 ? owners : null);
  }

  #store(record: LogRecord, owner: number, joined: readonly number[] | null): void {
    record.id = uuidv7(this.ctx.receivedAt);
    this.redactor?.redactRecord(record);
    const mined = this.patterns?.assign(record);
    this.classifier?.classify(record);
    this.encoder.add(record);
    if (this.#observations !== null && mined !== undefined) {
      this.#observations.push(
        (this.detection as DetectionStep).observation(record, mined, this.ctx.receivedAt),
      );
    }
    const j = this.#ids.length;
    this.#ids.push(record.id);
    this.#owners.push(owner);
    if (joined !== null) {
      for (let k = 1; k < joined.length; k++) this.#joined.push(joined[k] as number, j);
    }
    this.#tailed?.push(JSON.stringify(record));
    this.#countFormat(record.format, 1);
  }

  /** Run-length counting: a batch is mostly one format, so the map is touched once per run. */
  #countFormat(format: string, n: number): void {
    if (format === this.#lastFormat) {
      this.#lastFormatCount += n;
      return;
    }
    if (this.#lastFormatCount > 0) {
      const counts = this.#formatCounts;
      counts.set(this.#lastFormat, (counts.get(this.#lastFormat) ?? 0) + this.#lastFormatCount);
    }
    this.#lastFormat = format;
    this.#lastFormatCount = n;
  }
}

/**
 * Fills each input's outcome from its record's fate (`rejected`: record index → reason); inputs
 * joined into another's record share its outcome and id. Returns how many inputs were stored.
 */
export function resolveOutcomes(
  batch: Pick<BatchCommit, 'ids' | 'owners' | 'joined' | 'outcomes'>,
  rejected: ReadonlyMap<number, string>,
): number {
  const { ids, owners, joined, outcomes } = batch;
  for (let j = 0; j < ids.length; j++) {
    const reason = rejected.get(j);
    outcomes[owners[j] as number] =
      reason === undefined ? { ok: true, id: ids[j] as string } : { ok: false, reason };
  }
  for (let k = 0; k < joined.length; k += 2) {
    outcomes[joined[k] as number] = outcomes[owners[joined[k + 1] as number] as number]!;
  }
  let stored = 0;
  for (const outcome of outcomes) if (outcome.ok) stored++;
  return stored;
}

/**
 * Whether a shipper's `message` detected as this format is a raw line worth parsing: catch-all
 * formats (negative priority: logfmt, key=value) would also take application messages that just
 * mention `a=b`, so they do not count; a JSON object line (a tailed JSON file) does.
 */
function isRawLineFormat(format: LogFormat): boolean {
  if (format === TEXT_FORMAT) return false;
  return format === GENERIC_JSON_FORMAT || (format.priority ?? 0) >= 0;
}

const PENDING: IngestOutcome = { ok: false, reason: 'not committed' };
