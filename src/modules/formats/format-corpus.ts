import type { FormatRegistry } from './format-registry';
import { FormatStream } from './format-stream';
import { LinePipeline } from './line-pipeline';
import type { LogFormat } from './log-format';

/**
 * Corpora built from the formats' own samples, for the detection accuracy spec and
 * `npm run bench:formats`: each format becomes one source stream of varied copies of its samples,
 * and streams are interleaved in chunks, as lines from many sources reach a collector.
 */

/** One source stream: the lines of one format, in order. */
export interface CorpusStream {
  format: LogFormat;
  lines: string[];
}

/** A run of consecutive lines from one stream. */
export interface CorpusChunk {
  stream: CorpusStream;
  lines: string[];
}

/**
 * A copy of a sample line with some numbers changed, so copies differ but stay valid: the last
 * digit of a number only ever goes down (an IP octet stays ≤ 255, a status stays in its class, a
 * day never becomes 00), and numbers that are parts of dates and times (after or before `:`, `-`,
 * `T`, or four-digit years) are left alone.
 */
export function varyLine(line: string, copy: number): string {
  if (copy === 0) return line;
  let out = '';
  let last = 0;
  let seed = copy;
  for (let i = 0; i < line.length;) {
    if (!isDigit(line.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < line.length && isDigit(line.charCodeAt(end))) end++;
    const run = line.slice(i, end);
    seed = (seed * 1103515245 + 12345) >>> 0;
    if (variable(line, i, end, run)) {
      const digit = run.charCodeAt(run.length - 1) - 48;
      const lowest = /^0*$/.test(run.slice(0, -1)) ? 1 : 0;
      if (digit > lowest) {
        const next = lowest + (seed % (digit - lowest + 1));
        out += line.slice(last, end - 1) + String(next);
        last = end;
      }
    }
    i = end;
  }
  return out + line.slice(last);
}

function variable(line: string, start: number, end: number, run: string): boolean {
  if (run.length < 2) return false;
  const before = line.charAt(start - 1);
  const after = line.charAt(end);
  if (':-T'.includes(before) && before !== '') return false;
  if (':-'.includes(after) && after !== '') return false;
  if (run.length === 4 && (run.startsWith('19') || run.startsWith('20'))) return false;
  // Fractions of seconds (`10:00:00.123`, `10:00:00,123`) keep their digits.
  if ((before === '.' || before === ',') && line.charAt(start - 4) === ':') return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** One stream per format: `records` varied copies of its samples (a multi-line sample is several lines). */
export function buildStreams(formats: readonly LogFormat[], records: number): CorpusStream[] {
  return formats
    .filter((f) => f.samples.length > 0)
    .map((format) => {
      const lines: string[] = [];
      for (let r = 0; r < records; r++) {
        const sample = format.samples[r % format.samples.length]!;
        const copy = Math.floor(r / format.samples.length);
        for (const line of varyLine(sample.line, copy).split('\n')) lines.push(line);
      }
      return { format, lines };
    });
}

/**
 * The streams cut into chunks of `chunk` lines (never splitting a multi-line record's start from
 * its continuation is not attempted: chunks go to the same stream in order, as a tailer sends
 * them), taken round-robin.
 */
export function interleave(streams: readonly CorpusStream[], chunk: number): CorpusChunk[] {
  const out: CorpusChunk[] = [];
  const positions = streams.map(() => 0);
  let active = true;
  while (active) {
    active = false;
    streams.forEach((stream, s) => {
      const at = positions[s]!;
      if (at >= stream.lines.length) return;
      out.push({ stream, lines: stream.lines.slice(at, at + chunk) });
      positions[s] = at + chunk;
      active = true;
    });
  }
  return out;
}

/** How well per-stream detection named the corpus: lines whose record got their stream's format. */
export interface CorpusAccuracy {
  correct: number;
  total: number;
  /** Per expected format: the formats its misclassified lines got, with counts. */
  misses: Map<string, Map<string, number>>;
}

/**
 * Sends every chunk through its stream's pipeline (one FormatStream and LinePipeline per source,
 * kept across chunks like a tailer's connection) and checks each line's record: right when the
 * record has the stream's format, or the stream's format wrapped it (`log.wrapper`).
 */
export function classifyCorpus(
  registry: FormatRegistry,
  chunks: readonly CorpusChunk[],
): CorpusAccuracy {
  const result: CorpusAccuracy = { correct: 0, total: 0, misses: new Map() };
  const pipelines = new Map<CorpusStream, LinePipeline<null>>();
  const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };
  for (const chunk of chunks) {
    let pipeline = pipelines.get(chunk.stream);
    if (pipeline === undefined) {
      const expected = chunk.stream.format.name;
      pipeline = new LinePipeline<null>(new FormatStream(registry), ctx, (record) => {
        const lines = record.owners.length;
        result.total += lines;
        const got = record.format.name;
        if (got === expected || record.fields.attributes?.['log.wrapper'] === expected) {
          result.correct += lines;
          return;
        }
        const misses = result.misses.get(expected) ?? new Map<string, number>();
        misses.set(got, (misses.get(got) ?? 0) + lines);
        result.misses.set(expected, misses);
      });
      pipelines.set(chunk.stream, pipeline);
    }
    for (const line of chunk.lines) pipeline.push(line, null, ctx.receivedAt);
  }
  for (const pipeline of pipelines.values()) pipeline.end();
  return result;
}
