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
import { buildStreams, type CorpusChunk, interleave } from '../src/modules/formats/format-corpus';
import { FormatRegistry } from '../src/modules/formats/format-registry';
import { FormatStream } from '../src/modules/formats/format-stream';
import { LinePipeline } from '../src/modules/formats/line-pipeline';
import type { LogFormat } from '../src/modules/formats/log-format';
import { toLogRecord } from '../src/modules/formats/parsed-record';

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
}

main();
