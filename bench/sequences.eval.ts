/**
 * `npm run eval:sequences`: evaluates the sequence detector (src/ml/anomaly/sequence-detector.ts)
 * (a) on generated request flows through several services with legitimate variants (cache hit
 * or miss, token refresh, one optional retry), trained on normal sessions and tested on normal
 * sessions plus injected anomalies (skipped step, reorder, retry storm, dead end): recall per
 * kind, false-positive rate on normal sessions, and how many breaks were raised at once in
 * `observe` rather than at idle-out; (b) on the loghub HDFS 2k sample (session = block id,
 * token = EventId), trained on the first half and tested on the second: sessions learned and
 * alarms raised (the sample is unlabelled and mostly normal).
 *
 * Env: LOGHUB_DIR (/work/shared/datasets/loghub), EVAL_VERBOSE=1 prints a few explanations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candidate, DetectorSettings, Observation } from '../src/ml/anomaly/detector';
import { SeededRandom } from '../src/ml/anomaly/seeded-random';
import { SequenceDetector } from '../src/ml/anomaly/sequence-detector';

type Step = readonly [service: string, pattern: string];
type Kind = 'normal' | 'skipped step' | 'reorder' | 'retry storm' | 'dead end';

const VERBOSE = process.env.EVAL_VERBOSE === '1';
const LOGHUB_DIR = process.env.LOGHUB_DIR ?? '/work/shared/datasets/loghub';
const T0 = Date.UTC(2026, 0, 1);

/** gateway → auth → orders (→ db, maybe one retry) → payments → gateway, with variants. */
function normalFlow(rng: () => number): Step[] {
  const s: Step[] = [
    ['gateway', 'request received <*>'],
    ['auth', 'checking token <*>'],
  ];
  if (rng() < 0.3) s.push(['auth', 'token refreshed for <*>']);
  s.push(['auth', 'user <*> authorised'], ['orders', 'loading order <*>']);
  if (rng() < 0.6) s.push(['orders', 'cache hit <*>']);
  else {
    s.push(['orders', 'cache miss <*>'], ['db', 'query <*> ms']);
    if (rng() < 0.1) s.push(['db', 'query timeout, retrying <*>'], ['db', 'query <*> ms']);
    s.push(['orders', 'order <*> cached']);
  }
  s.push(['payments', 'charging <*>'], ['payments', 'charged <*>']);
  if (rng() < 0.2) s.push(['payments', 'receipt mailed to <*>']);
  s.push(['gateway', 'response <*> sent']);
  return s;
}

const pick = (rng: () => number, n: number): number => Math.floor(rng() * n);

function inject(kind: Kind, flow: Step[], rng: () => number): Step[] {
  const f = [...flow];
  switch (kind) {
    case 'skipped step': {
      const mandatory = f.flatMap((st, i) =>
        /authorised|loading|charging|charged/.test(st[1]) ? [i] : [],
      );
      f.splice(mandatory[pick(rng, mandatory.length)]!, 1);
      return f;
    }
    case 'reorder': {
      for (;;) {
        const i = 1 + pick(rng, f.length - 2);
        if (f[i]![1] === f[i + 1]![1]) continue;
        [f[i], f[i + 1]] = [f[i + 1]!, f[i]!];
        return f;
      }
    }
    case 'retry storm': {
      const i = 1 + pick(rng, f.length - 2);
      const times = 8 + pick(rng, 25);
      f.splice(i, 0, ...Array<Step>(times).fill(f[i]!));
      return f;
    }
    case 'dead end':
      return f.slice(0, 1 + pick(rng, f.length - 2));
    default:
      return f;
  }
}

let logCounter = 0;
function observation(service: string, patternId: string, at: number, key: string): Observation {
  return {
    logId: `log-${logCounter++}`,
    service,
    at,
    severityNumber: 9,
    patternId,
    template: patternId,
    newPattern: false,
    params: [],
    sessionKey: key,
  };
}

const KINDS: Kind[] = ['normal', 'skipped step', 'reorder', 'retry storm', 'dead end'];

interface Run {
  /** Sessions flagged per kind, and how many of them were flagged at once in observe. */
  flagged: Map<Kind, number>;
  instant: Map<Kind, number>;
  trainAlarms: number;
  contexts: number;
}

/**
 * Trains on 5,000 sessions (a share `noise` of them corrupted by a random anomaly, as real
 * training data is never clean), then tests on 2,000 normal and 400 sessions of each anomaly.
 */
function generatedRun(topK: number, noise: number, explain: boolean): Run {
  const rng = new SeededRandom(2017).next;
  const train = 5_000;
  const gapMs = 200;
  const settings: DetectorSettings = {
    windowMs: 60_000,
    learningMs: train * gapMs,
    sensitivity: 0.5,
  };
  const sut = new SequenceDetector(settings, { sessionIdleMs: 60_000, topK });
  const out: Candidate[] = [];
  let at = T0;
  const play = (key: string, flow: Step[]): number => {
    const before = out.length;
    flow.forEach(([svc, p], i) => sut.observe(observation(svc, p, at + i * 5, key), out));
    at += gapMs;
    return out.slice(before).filter((c) => c.subject === key).length;
  };
  for (let i = 0; i < train; i++) {
    const flow = normalFlow(rng);
    play(`train-${i}`, rng() < noise ? inject(KINDS[1 + pick(rng, 4)]!, flow, rng) : flow);
  }
  const trainAlarms = out.length;
  const truth = new Map<string, Kind>();
  const instant = new Map<Kind, number>();
  const order: Kind[] = KINDS.flatMap((k) => Array<Kind>(k === 'normal' ? 2_000 : 400).fill(k));
  for (let i = order.length - 1; i > 0; i--) {
    const j = pick(rng, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.forEach((kind, i) => {
    const key = `test-${i}`;
    truth.set(key, kind);
    const raised = play(key, inject(kind, normalFlow(rng), rng));
    instant.set(kind, (instant.get(kind) ?? 0) + (raised > 0 ? 1 : 0));
  });
  sut.advance(at + 3_600_000, out);
  const sessions = new Map<Kind, Set<string>>(KINDS.map((k) => [k, new Set()]));
  for (const c of out.slice(trainAlarms)) {
    const kind = truth.get(c.subject);
    if (kind) sessions.get(kind)!.add(c.subject);
  }
  if (explain)
    for (const c of out.slice(trainAlarms, trainAlarms + 5))
      console.log(`    e.g. ${c.explanation}`);
  return {
    flagged: new Map(KINDS.map((k) => [k, sessions.get(k)!.size])),
    instant,
    trainAlarms,
    contexts: sut.model.contexts,
  };
}

function generated(): void {
  const configs = [
    { name: 'mass, clean', topK: 0, noise: 0 },
    { name: 'mass, 1% noise', topK: 0, noise: 0.01 },
    { name: 'mass, 5% noise', topK: 0, noise: 0.05 },
    { name: 'top-9, clean', topK: 9, noise: 0 },
    { name: 'top-9, 1% noise', topK: 9, noise: 0.01 },
  ];
  const runs = configs.map((c, i) => generatedRun(c.topK, c.noise, VERBOSE && i === 0));
  console.log(
    `(a) generated flows (gateway, auth, orders, db, payments): 5000 training sessions, model contexts ${runs[0]!.contexts}`,
  );
  console.log(
    `    flagged share per kind; in brackets the share raised at once in observe\n    ${'kind'.padEnd(16)}${configs.map((c) => c.name.padStart(18)).join('')}`,
  );
  for (const kind of KINDS) {
    const n = kind === 'normal' ? 2_000 : 400;
    const cells = runs.map((r) => {
      const pct = (x: number) => `${((100 * x) / n).toFixed(1)}%`;
      return `${pct(r.flagged.get(kind)!)} (${pct(r.instant.get(kind) ?? 0)})`.padStart(18);
    });
    console.log(`    ${(kind === 'normal' ? 'normal = FPR' : kind).padEnd(16)}${cells.join('')}`);
  }
}

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function hdfs(): void {
  const file = join(LOGHUB_DIR, 'HDFS', 'HDFS_2k.log_structured.csv');
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const col = (name: string): number => header!.indexOf(name);
  const [date, time, content, eventId, template] = [
    'Date',
    'Time',
    'Content',
    'EventId',
    'EventTemplate',
  ].map(col);
  const records = rows
    .filter((r) => r.length === header!.length)
    .map((r, i) => {
      const d = r[date!]!;
      const t = r[time!]!.padStart(6, '0');
      const at = Date.UTC(
        2000 + +d.slice(0, 2),
        +d.slice(2, 4) - 1,
        +d.slice(4, 6),
        +t.slice(0, 2),
        +t.slice(2, 4),
        +t.slice(4, 6),
      );
      const key = /blk_-?\d+/.exec(r[content!]!)?.[0] ?? null;
      return {
        ...observation('hdfs', r[eventId!]!, at, key ?? ''),
        logId: `hdfs-${i + 1}`,
        template: r[template!]!,
        sessionKey: key,
      };
    });
  const half = Math.floor(records.length / 2);
  const settings: DetectorSettings = {
    windowMs: 60_000,
    learningMs: records[half]!.at - records[0]!.at,
    sensitivity: 0.5,
  };
  const sut = new SequenceDetector(settings, { sessionIdleMs: 3_600_000 });
  const out: Candidate[] = [];
  for (const r of records) sut.observe(r, out);
  sut.advance(records[records.length - 1]!.at + 3_600_001, out);
  const keys = (rs: typeof records) =>
    new Set(rs.map((r) => r.sessionKey).filter((k) => k !== null));
  const firstHalf = keys(records.slice(0, half));
  const secondHalf = keys(records.slice(half));
  console.log(
    `(b) HDFS 2k: ${records.length} records, ${firstHalf.size} block sessions in the first half (learned), ${secondHalf.size} in the second`,
  );
  const byKind = new Map<string, number>();
  for (const c of out) {
    const k = c.explanation.includes('stopped after')
      ? 'dead end'
      : c.explanation.includes('repeated')
        ? 'retry storm'
        : 'unexpected step';
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  const share = ((100 * out.length) / Math.max(1, secondHalf.size)).toFixed(1);
  console.log(
    `    alarms on the second half: ${out.length} (${share}% of its sessions): ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
  );
  console.log(`    model: ${sut.model.contexts} contexts`);
  if (VERBOSE) for (const c of out.slice(0, 5)) console.log(`    e.g. ${c.explanation}`);
}

generated();
hdfs();
