/**
 * Reads the loghub 2k samples in /work/shared/datasets/loghub (or LOGHUB_DIR): raw lines, the
 * Content column and the ground-truth event ids and templates (original loghub and the loghub-2.0
 * corrections).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOGHUB_DIR = process.env.LOGHUB_DIR ?? '/work/shared/datasets/loghub';
export const LOGHUB_SETS = ['HDFS', 'Apache', 'OpenSSH', 'Linux'] as const;

export interface LoghubSample {
  name: string;
  raw: string[];
  content: string[];
  /** Original loghub ground truth. */
  eventIds: string[];
  templates: string[];
  /** Loghub-2.0 corrected ground truth. */
  correctedIds: string[];
  correctedTemplates: string[];
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function columns(path: string, names: string[]): string[][] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const idx = names.map((n) => {
    const i = header!.indexOf(n);
    if (i < 0) throw new Error(`${path}: no column ${n}`);
    return i;
  });
  return idx.map((i) => rows.map((r) => r[i] ?? ''));
}

export function loadLoghub(name: string, dir = LOGHUB_DIR): LoghubSample {
  const base = join(dir, name, `${name}_2k.log`);
  const raw = readFileSync(base, 'utf8').split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const [content, eventIds, templates] = columns(`${base}_structured.csv`, [
    'Content',
    'EventId',
    'EventTemplate',
  ]);
  const [correctedIds, correctedTemplates] = columns(`${base}_structured_corrected_loghub2.csv`, [
    'EventId',
    'EventTemplate',
  ]);
  if (raw.length !== content!.length || raw.length !== correctedIds!.length) {
    throw new Error(
      `${name}: ${raw.length} lines but ${content!.length}/${correctedIds!.length} ground-truth rows`,
    );
  }
  return {
    name,
    raw,
    content: content!,
    eventIds: eventIds!,
    templates: templates!,
    correctedIds: correctedIds!,
    correctedTemplates: correctedTemplates!,
  };
}
