/**
 * `npm run eval:templates`: runs the template miner, with its default configuration, over the
 * four loghub 2k samples and prints grouping accuracy (GA) and parsing accuracy (PA) per dataset
 * and their mean, (a) on the Content column and (b) on the raw lines, whose header (timestamp,
 * level, host, process...) the format stage recognises and strips exactly as ingest does (the
 * same pipeline as `vigil parse` and `vigil patterns`). Scores are against the loghub-2.0 corrected ground truth; GA against
 * the original loghub ground truth is printed too, since the published Drain GA uses it.
 *
 * Env: LOGHUB_DIR (/work/shared/datasets/loghub), EVAL_VERBOSE=1 lists the mismatched groups.
 */
import { groupingAccuracy } from '../src/ml/eval/grouping-accuracy';
import {
  normalizeTemplate,
  normalizeWhitespace,
  parsingAccuracy,
} from '../src/ml/eval/parsing-accuracy';
import { TemplateMiner } from '../src/ml/templates/template-miner';
import { FormatRegistry } from '../src/modules/formats/format-registry';
import { FormatStream } from '../src/modules/formats/format-stream';
import { LinePipeline } from '../src/modules/formats/line-pipeline';
import { toLogRecord } from '../src/modules/formats/parsed-record';
import { LOGHUB_SETS, type LoghubSample, loadLoghub } from './support/loghub-dataset';

/** Published Drain results (see the loghub README beside the samples). */
const DRAIN: Record<string, { ga: number; gaCorrected: number; paCorrected: number }> = {
  HDFS: { ga: 0.9975, gaCorrected: 0.998, paCorrected: 0.5 },
  Apache: { ga: 1.0, gaCorrected: 1.0, paCorrected: 0.694 },
  OpenSSH: { ga: 0.7875, gaCorrected: 0.789, paCorrected: 0.508 },
  Linux: { ga: 0.69, gaCorrected: 0.69, paCorrected: 0.183 },
};

interface Score {
  ga: number;
  pa: number;
  paStrict: number;
  gaOriginal: number;
  patterns: number;
}

export function evaluate(
  sample: LoghubSample,
  messages: readonly string[],
): Score & { ids: string[]; templates: string[] } {
  const miner = new TemplateMiner({ tenant: 'eval', service: sample.name });
  const ids = messages.map((m) => miner.add(m).patternId);
  // A line's final pattern: the id it got may have generalised since.
  const finalIds = ids.map((id) => miner.resolve(id) ?? id);
  const byId = new Map(miner.patterns().map((p) => [p.id, p.template]));
  const templates = finalIds.map((id) => byId.get(id) ?? '');
  return {
    ga: groupingAccuracy(sample.correctedIds, finalIds),
    pa: parsingAccuracy(sample.correctedTemplates, templates),
    paStrict: parsingAccuracy(sample.correctedTemplates, templates, normalizeWhitespace),
    gaOriginal: groupingAccuracy(sample.eventIds, finalIds),
    patterns: new Set(finalIds).size,
    ids: finalIds,
    templates,
  };
}

function report(sample: LoghubSample, scored: ReturnType<typeof evaluate>, column: string): void {
  const groups = new Map<string, Map<string, number>>();
  scored.ids.forEach((id, i) => {
    const key = `${scored.templates[i]}`;
    const g = groups.get(key) ?? new Map<string, number>();
    const t = normalizeTemplate(sample.correctedTemplates[i]!);
    g.set(t, (g.get(t) ?? 0) + 1);
    groups.set(key, g);
  });
  console.log(`\n--- ${sample.name} (${column}): predicted template -> true templates`);
  for (const [tpl, truths] of groups) {
    const n = normalizeTemplate(tpl);
    if (truths.size === 1 && truths.has(n)) continue;
    console.log(`  ${tpl}\n    ${[...truths].map(([t, c]) => `${c}× ${t}`).join('\n    ')}`);
  }
}

const f = (x: number): string => x.toFixed(3);

type Mode = { title: string; messages: (sample: LoghubSample) => string[] };

/**
 * The message the ingest pipeline stores for each raw line of one source: detected, parsed and
 * (for continuation lines) joined as ingest does; a joined line reports its record's message.
 */
export function pipelineMessages(lines: readonly string[]): string[] {
  const messages = new Array<string>(lines.length).fill('');
  const receivedAt = Date.now();
  const pipeline = new LinePipeline<number>(
    new FormatStream(FormatRegistry.builtIn(), null),
    { receivedAt },
    (record) => {
      const { body } = toLogRecord(record, { tenantId: '', dataset: 'eval', receivedAt });
      for (const owner of record.owners) messages[owner] = body;
    },
  );
  lines.forEach((line, i) => pipeline.push(line, i, receivedAt));
  pipeline.end(receivedAt);
  return messages;
}

function main(): void {
  const modes: Mode[] = [
    { title: '(a) Content column', messages: (s) => s.content },
    {
      title: '(b) raw lines, header stripped by the format stage',
      messages: (s) => pipelineMessages(s.raw),
    },
  ];
  const samples = LOGHUB_SETS.map((name) => loadLoghub(name));
  console.log('Vigil template miner, one default configuration.');
  console.log(
    'GA, PA: vs loghub-2.0 corrected ground truth; PA normalises both sides like the loghub-2.0',
  );
  console.log(
    'template corrections, PA strict only collapses whitespace; GA orig: vs original loghub.',
  );
  for (const mode of modes) {
    console.log(`\n${mode.title}`);
    console.log(
      '| dataset | GA | PA | PA strict | GA orig | patterns | Drain GA | Drain PA | Drain GA orig |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    const sum = [0, 0, 0, 0, 0, 0, 0];
    for (const sample of samples) {
      const r = evaluate(sample, mode.messages(sample));
      if (process.env.EVAL_VERBOSE) report(sample, r, mode.title);
      const d = DRAIN[sample.name]!;
      const row = [r.ga, r.pa, r.paStrict, r.gaOriginal, d.gaCorrected, d.paCorrected, d.ga];
      row.forEach((v, i) => (sum[i]! += v));
      const cells = [...row.slice(0, 4).map(f), String(r.patterns), ...row.slice(4).map(f)];
      console.log(`| ${sample.name} | ${cells.join(' | ')} |`);
    }
    const mean = sum.map((v) => f(v / samples.length));
    console.log(`| mean | ${[...mean.slice(0, 4), '', ...mean.slice(4)].join(' | ')} |`);
  }
}

if (require.main === module) main();
