/**
 * `npm run bench:formats`: lines/s of the format stage on one core — detection through per-source
 * streams, multiline, parsing and building the LogRecord (no storage). The corpus is every
 * format's samples, varied (numbers, IPs) so lines differ. Prints one figure per format family,
 * then the figure for mixed input: one stream per format, interleaved in chunks as sources
 * reach a collector, each stream settling on its own format.
 *
 * Env: BENCH_LINES (per family and for the mixed run, default 400000), BENCH_CHUNK (lines per
 * chunk of one source in the mixed run, default 100).
 */
import { MetricsService } from '../src/common/metrics/metrics.service';
import { buildStreams, type CorpusChunk, interleave } from '../src/modules/formats/format-corpus';
import { FormatRegistry } from '../src/modules/formats/format-registry';
import { FormatStream } from '../src/modules/formats/format-stream';
import { LinePipeline } from '../src/modules/formats/line-pipeline';
import type { LogFormat } from '../src/modules/formats/log-format';
import { normalizeDocument } from '../src/modules/formats/normalize/record-normalizer';
import { toLogRecord } from '../src/modules/formats/parsed-record';
import { FormatsService } from '../src/modules/formats/formats.service';
import { IngestBatch } from '../src/modules/ingest/ingest-batch';
import type { LogRecord } from '../src/modules/logs/log-record';
import type { EncodedRecords, RecordEncoder } from '../src/modules/logs/log-store.port';

const LINES = Number(process.env.BENCH_LINES ?? 400_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 100);
const RECEIVED_AT = Date.parse('2026-11-26T12:00:00Z');

/** Runs the chunks through one pipeline per source until `lines` lines went through; lines/s. */
function measure(registry: FormatRegistry, chunks: readonly CorpusChunk[], lines: number): number {
  const streams = new Map<CorpusChunk['stream'], FormatStream>();
  let sink = 0;
  const recordCtx = { tenantId: 'bench', dataset: 'bench', receivedAt: RECEIVED_AT };
  const ctx = { receivedAt: RECEIVED_AT };
  let done = 0;
  const started = process.hrtime.bigint();
  while (done < lines) {
    for (const chunk of chunks) {
      let stream = streams.get(chunk.stream);
      if (stream === undefined) {
        stream = new FormatStream(registry);
        streams.set(chunk.stream, stream);
      }
      // One pipeline per chunk, as one ingest request of one source.
      const pipeline = new LinePipeline<number>(stream, ctx, (r) => {
        sink += toLogRecord(r, recordCtx).body.length;
      });
      const chunkLines = chunk.lines;
      for (let i = 0; i < chunkLines.length; i++)
        pipeline.push(chunkLines[i] as string, i, RECEIVED_AT);
      pipeline.end();
      done += chunkLines.length;
      if (done >= lines) break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sink < 0) console.log(sink);
  return done / seconds;
}

function corpus(formats: readonly LogFormat[]): CorpusChunk[] {
  // Enough varied copies that the corpus is not a handful of lines repeated.
  return interleave(buildStreams(formats, 300), CHUNK);
}

/** Shipper documents like bench:ingest's rich profile: access lines, app JSON, Java errors. */
function shipperDocument(i: number): Record<string, unknown> {
  const ts = new Date(RECEIVED_AT - (i % 60_000)).toISOString();
  const k8s = { kubernetes: { pod_name: `web-${i % 7}`, namespace_name: 'prod' } };
  if (i % 10 < 5) {
    return {
      '@timestamp': ts,
      message: `10.0.${i % 255}.${(i * 7) % 255} - - "GET /api/items/${i} HTTP/1.1" 200 ${(i * 13) % 9000} "-" "Mozilla/5.0"`,
      service: { name: 'gateway' },
      host: { name: `node-${i % 12}` },
      ...k8s,
    };
  }
  if (i % 10 < 9) {
    return {
      '@timestamp': ts,
      level: 'info',
      msg: `order ${i} processed`,
      service: 'orders',
      ...k8s,
    };
  }
  return {
    '@timestamp': ts,
    level: 'error',
    message: `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available\n\tat com.shop.Repo.find(Repo.java:${i % 300})`,
    service: 'payments',
    ...k8s,
  };
}

/** Counts records instead of encoding them: only the format stage is timed. */
class CountingEncoder implements RecordEncoder {
  size = 0;
  add(record: LogRecord): void {
    this.size += record.body.length > 0 ? 1 : 0;
  }
  finish(): EncodedRecords {
    return { size: this.size, rejected: new Map() };
  }
}

/**
 * Documents/s of the document path: today's generic normalization alone, and IngestBatch.add
 * (raw-message detection + JSON format detection through settled streams, then the same).
 */
function measureDocuments(count: number): { plain: number; batch: number } {
  const docs = Array.from({ length: 5000 }, (_, i) => shipperDocument(i));
  const ctx = { tenantId: 't', dataset: 'bench', format: 'json', receivedAt: RECEIVED_AT };
  let sink = 0;
  let started = process.hrtime.bigint();
  for (let n = 0; n < count; n++) sink += normalizeDocument(docs[n % docs.length], ctx).body.length;
  const plain = count / (Number(process.hrtime.bigint() - started) / 1e9);
  const formats = new FormatsService(new MetricsService());
  const unused = { commitBatch: () => Promise.resolve([]) };
  started = process.hrtime.bigint();
  for (let n = 0; n < count; n += 1000) {
    const batch = new IngestBatch(
      't',
      { endpoint: 'es_bulk', format: 'json', receivedAt: RECEIVED_AT },
      new CountingEncoder(),
      false,
      unused,
      formats,
      64,
    );
    for (let j = 0; j < 1000; j++)
      batch.add(docs[(n + j) % docs.length], `bench-${(n / 1000) % 3}`);
    sink += batch.size;
  }
  const batch = count / (Number(process.hrtime.bigint() - started) / 1e9);
  if (sink < 0) console.log(sink);
  return { plain, batch };
}

function main(): void {
  const registry = FormatRegistry.builtIn();
  const formats = registry.all;
  const families = new Map<string, LogFormat[]>();
  for (const f of formats) families.set(f.family, [...(families.get(f.family) ?? []), f]);
  console.log(
    `formats: ${formats.length} (${formats.length - 2} built-in plus text and json), ` +
      `${LINES.toLocaleString('en')} lines per run, chunks of ${CHUNK} lines per source`,
  );

  // Warm-up, so the first family does not pay for compilation.
  measure(registry, corpus(formats), Math.min(LINES, 100_000));
  for (const [family, members] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
    const rate = measure(registry, corpus(members), LINES);
    console.log(
      `${family.padEnd(11)} ${Math.round(rate).toLocaleString('en').padStart(10)} lines/s  (${members.map((f) => f.name).join(', ')})`,
    );
  }
  const mixed = measure(registry, corpus(formats), LINES);
  console.log(
    `mixed       ${Math.round(mixed).toLocaleString('en').padStart(10)} lines/s  (auto-detected, ${formats.length} streams interleaved)`,
  );
  measureDocuments(50_000);
  const docs = measureDocuments(LINES);
  const extra = (1 / docs.batch - 1 / docs.plain) * 1e6;
  console.log(
    `shipper documents: ${Math.round(docs.plain).toLocaleString('en')} docs/s normalized alone, ` +
      `${Math.round(docs.batch).toLocaleString('en')} docs/s through IngestBatch.add ` +
      `(${extra.toFixed(2)} µs more per document)`,
  );
}

main();
