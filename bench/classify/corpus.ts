/**
 * The labelled corpus of `npm run eval:classify`: the loghub 2k samples labelled by template
 * (loghub-labels.ts), at most `perTemplate` lines of each template so that HDFS's and OpenSSH's
 * few huge templates do not swamp the rest, plus generated application logs (generator.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledExample } from '../../src/ml/classify/log-classifier';
import { loadLoghub, LOGHUB_DIR, LOGHUB_SETS, parseCsv } from '../support/loghub-dataset';
import { generateLines, type Rng } from './generator';
import { LOGHUB_LABELS } from './loghub-labels';

export interface CorpusExample extends LabelledExample {
  patternId: string;
  origin: string;
}

/** The Level column of a loghub sample, when it has one (HDFS, Apache). */
function levels(name: string): string[] | undefined {
  const path = join(LOGHUB_DIR, name, `${name}_2k.log_structured.csv`);
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const i = header!.indexOf('Level');
  const component = header!.indexOf('Component');
  if (i < 0) return undefined;
  return rows.map((r) => (name === 'Linux' && component >= 0 ? '' : (r[i] ?? '')));
}

const SERVICE: Record<string, string> = {
  HDFS: 'hdfs',
  Apache: 'httpd',
  OpenSSH: 'sshd',
  Linux: 'linux',
};

export function loghubExamples(perTemplate: number, rng: Rng): CorpusExample[] {
  const out: CorpusExample[] = [];
  for (const name of LOGHUB_SETS) {
    const sample = loadLoghub(name);
    const level = levels(name);
    const labels = LOGHUB_LABELS[name]!;
    const byTemplate = new Map<string, number[]>();
    sample.eventIds.forEach((id, i) => {
      const list = byTemplate.get(id) ?? [];
      list.push(i);
      byTemplate.set(id, list);
    });
    for (const [id, rows] of byTemplate) {
      const category = labels[id];
      if (category === undefined) throw new Error(`${name} ${id}: no hand label`);
      for (let i = rows.length - 1; i > 0; i--) {
        const r = Math.floor(rng() * (i + 1));
        [rows[i], rows[r]] = [rows[r]!, rows[i]!];
      }
      for (const i of rows.slice(0, perTemplate)) {
        const template = sample.templates[i]!;
        out.push({
          message: sample.content[i]!,
          severity: level?.[i] || undefined,
          service: SERVICE[name],
          patternId: `${name}:${id}`,
          template,
          paramCount: template.split('<*>').length - 1,
          category,
          origin: name,
        });
      }
    }
  }
  return out;
}

export function buildCorpus(
  rng: Rng,
  options = { perTemplate: 40, generatedPerCategory: 250 },
): CorpusExample[] {
  const generated: CorpusExample[] = generateLines(options.generatedPerCategory, rng).map((g) => ({
    ...g,
    origin: 'generated',
  }));
  return [...loghubExamples(options.perTemplate, rng), ...generated];
}
