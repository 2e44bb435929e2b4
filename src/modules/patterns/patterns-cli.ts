import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { TemplateMiner } from '../../ml/templates/template-miner';
import { FormatRegistry, TEXT_FORMAT } from '../formats/format-registry';
import { FormatStream } from '../formats/format-stream';
import { type AssembledRecord, LinePipeline } from '../formats/line-pipeline';
import { toLogRecord } from '../formats/parsed-record';

export interface PatternsCommandOptions {
  /** A file path, or `-` for standard input. */
  file: string;
  /** `auto` (default): headers recognised and stripped as ingest does; `text`: the whole line. */
  format?: string;
  /** One `{"templateId", "template"}` per input line instead of the table. */
  perLine?: boolean;
  out: Writable;
  stdin?: Readable;
  registry?: FormatRegistry;
}

/**
 * `vigil patterns FILE [--format auto|text|NAME] [--per-line]`: mines a file's templates offline
 * with the live miner. Each line goes through the ingest pipeline's format stage (detection,
 * header stripping, multiline joining) and its record's message is mined; with `text` each
 * line is mined whole. The whole file is
 * mined before anything is printed, so every line reports its pattern as it ended up (a template
 * that generalised later covers the lines it absorbed before). Returns an exit code.
 */
export async function patternsCommand(options: PatternsCommandOptions): Promise<number> {
  const registry = options.registry ?? FormatRegistry.builtIn();
  const name = options.format ?? 'auto';
  const pinned = name === 'auto' ? null : name === 'text' ? TEXT_FORMAT : registry.byName(name);
  if (pinned === undefined) throw new RangeError(`unknown format "${name}" (see vigil formats)`);

  const miner = new TemplateMiner();
  // Per input line: the pattern id its record got (null for blank lines, never mined).
  const lineIds: Array<string | null> = [];
  const receivedAt = Date.now();
  const pipeline = new LinePipeline<number>(
    new FormatStream(registry, pinned),
    { receivedAt },
    (record: AssembledRecord<number>) => {
      const message = toLogRecord(record, { tenantId: '', dataset: options.file, receivedAt }).body;
      const { patternId } = miner.add(message);
      for (const owner of record.owners) lineIds[owner] = patternId;
    },
  );
  const input =
    options.file === '-' ? (options.stdin ?? process.stdin) : createReadStream(options.file);
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const i = n++;
    lineIds[i] = null;
    if (line.trim() === '') continue;
    // `text`: each line whole, as it is, with no joining either.
    if (pinned === TEXT_FORMAT) lineIds[i] = miner.add(line).patternId;
    else pipeline.push(line, i, receivedAt);
  }
  pipeline.end(receivedAt);

  const templates = new Map(miner.patterns().map((p) => [p.id, p]));
  const final = (id: string) => miner.resolve(id) ?? id;
  if (options.perLine === true) {
    let chunk = '';
    for (const id of lineIds) {
      const current = id === null ? null : final(id);
      const template = current === null ? '' : (templates.get(current)?.template ?? '');
      chunk += `${JSON.stringify({ templateId: current, template })}\n`;
      if (chunk.length > 64 * 1024) {
        options.out.write(chunk);
        chunk = '';
      }
    }
    options.out.write(chunk);
    return 0;
  }
  const counts = new Map<string, number>();
  for (const id of lineIds)
    if (id !== null) counts.set(final(id), (counts.get(final(id)) ?? 0) + 1);
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  const width = Math.max(5, ...rows.map(([, c]) => String(c).length));
  const lines = rows.map(
    ([id, count]) =>
      `${String(count).padStart(width)}  ${id}  ${(templates.get(id)?.template ?? '').replace(/\n/g, '\\n')}`,
  );
  options.out.write(
    `${'lines'.padStart(width)}  ${'id'.padEnd(16)}  template\n${lines.join('\n')}\n` +
      `${rows.length} patterns from ${lineIds.filter((id) => id !== null).length} lines\n`,
  );
  return 0;
}
