import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { FormatRegistry } from './format-registry';
import { FormatStream } from './format-stream';
import { type AssembledRecord, LinePipeline } from './line-pipeline';
import { toLogRecord } from './parsed-record';

export interface ParseCommandOptions {
  /** A file path, or `-` for standard input. */
  file: string;
  /** A format name, or `auto` (default). */
  format?: string;
  out: Writable;
  /** Standard input, for `-`. */
  stdin?: Readable;
  registry?: FormatRegistry;
}

/** How often a streaming input (stdin) checks for records whose continuation never came. */
const FLUSH_INTERVAL_MS = 250;

/**
 * `vigil parse FILE [--format NAME|auto]`: the offline twin of the ingest pipeline. Lines go
 * through the same FormatStream and LinePipeline as ingested text lines (blank lines are skipped
 * as ingest skips them); one JSON record per output line, without tenant and id.
 * Returns an exit code.
 */
export async function parseCommand(options: ParseCommandOptions): Promise<number> {
  const registry = options.registry ?? FormatRegistry.builtIn();
  let pinned = null;
  if (options.format !== undefined && options.format !== 'auto') {
    pinned = registry.byName(options.format) ?? null;
    if (pinned === null)
      throw new RangeError(`unknown format "${options.format}" (see vigil formats)`);
  }
  const input =
    options.file === '-' ? (options.stdin ?? process.stdin) : createReadStream(options.file);
  const receivedAt = Date.now();
  const out = options.out;
  let pending = '';
  const pipeline = new LinePipeline<number>(
    new FormatStream(registry, pinned),
    { receivedAt },
    (record: AssembledRecord<number>) => {
      const { tenantId: _tenant, ...rest } = toLogRecord(record, {
        tenantId: '',
        dataset: options.file === '-' ? 'stdin' : options.file,
        receivedAt,
      });
      pending += `${JSON.stringify(rest)}\n`;
    },
  );
  const flush = async () => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const timer =
    options.file === '-'
      ? setInterval(() => {
          pipeline.flushDue(Date.now());
          void flush();
        }, FLUSH_INTERVAL_MS)
      : null;
  try {
    let n = 0;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      pipeline.push(line, n++, Date.now());
      if (pending.length > 64 * 1024) await flush();
    }
    pipeline.end(Date.now());
    await flush();
  } finally {
    if (timer !== null) clearInterval(timer);
  }
  return 0;
}

/** `vigil formats`: name, family and description of every format, one per line. */
export function formatsCommand(out: Writable, registry = FormatRegistry.builtIn()): number {
  const formats = registry.all;
  const width = Math.max(...formats.map((f) => f.name.length));
  const familyWidth = Math.max(...formats.map((f) => f.family.length));
  const lines = formats.map(
    (f) => `${f.name.padEnd(width)}  ${f.family.padEnd(familyWidth)}  ${f.description}`,
  );
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
