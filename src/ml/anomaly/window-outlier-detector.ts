import {
  type Candidate,
  checkSettings,
  clampScore,
  type DetectorSettings,
  type Observation,
  type StreamingDetector,
  windowStart,
} from './detector';
import { IsolationForest, type IsolationForestState } from './isolation-forest';
import { SeededRandom } from './seeded-random';

/** Options of a {@link WindowOutlierDetector}. */
export interface WindowOutlierDetectorOptions {
  /** Seed of the forest's random generator (default 1). */
  seed?: number;
  /** Patterns with their own dimension, the service's most frequent (default 16). */
  topPatterns?: number;
  /** Recent normal windows kept for training (default 360). */
  ringSize?: number;
  /** Retrain after this many closed windows (default 60). */
  retrainEvery?: number;
  /** Training windows needed before the first forest (default 60). */
  minTraining?: number;
  /** Forest size (default 100 trees of 128 windows, about 0.5 MB per trained service). */
  trees?: number;
  sampleSize?: number;
  /** After this many anomalous windows in a row they count as the new normal (default 60). */
  adaptAfter?: number;
  /** Distinct patterns counted per window; more go to 'other' (default 256). */
  maxPatternsPerWindow?: number;
}

/** A closed window: pattern counts plus total and error counts. */
interface ClosedWindow {
  ids: string[];
  counts: number[];
  total: number;
  errors: number;
}

interface Model {
  /** Pattern ids with a dimension; then come 'other', total and errors. */
  dims: string[];
  /** Per dimension, the training median and a robust spread, log1p space. */
  median: number[];
  spread: number[];
  threshold: number;
}

interface ServiceState {
  firstAt: number;
  start: number;
  ids: string[];
  counts: number[];
  templates: string[];
  total: number;
  errors: number;
  overflow: number;
  logIds: string[];
  ring: ClosedWindow[];
  ringNext: number;
  sinceTrain: number;
  anomalousRun: number;
  lastFlagged: number[] | null;
  known: Record<string, string>;
  model: Model | null;
}

interface PersistedService extends ServiceState {
  forest: IsolationForestState | null;
}

/** The persisted form of a {@link WindowOutlierDetector}. */
export interface WindowOutlierDetectorState {
  options: Required<WindowOutlierDetectorOptions>;
  rngState: number;
  services: Record<string, PersistedService>;
}

const LABELS = ['other patterns', 'all records', 'errors'];

/**
 * Flags windows whose mix of log patterns is unlike the service's recent normal windows: per
 * service and window a vector of log1p counts of its top-K patterns, all other patterns, all
 * records and errors, scored by an {@link IsolationForest} (Liu, Ting & Zhou 2008) trained on
 * the recent normal windows, empty ones included (so a silent window is an outlier only where
 * silence is unusual, and bursty services learn their quiet windows). The threshold is the
 * training windows' own 99th percentile score plus a margin of 0.03 + 0.06 × (1 − sensitivity).
 * Memory per service: `ringSize` windows of sparse counts; an anomalous window is not learned
 * unless the change persists `adaptAfter` windows. A gap longer than the ring closes only the
 * last `ringSize` empty windows.
 *
 * @example
 *   const detector = new WindowOutlierDetector(DEFAULT_DETECTOR_SETTINGS, { seed: 7 });
 *   const out: Candidate[] = [];
 *   for (const o of observations) detector.observe(o, out);
 *   detector.advance(now, out);
 */
export class WindowOutlierDetector implements StreamingDetector<WindowOutlierDetectorState> {
  readonly kind = 'window_outlier' as const;
  readonly #options: Required<WindowOutlierDetectorOptions>;
  #random: SeededRandom;
  #services = new Map<string, ServiceState>();
  #slots = new Map<ServiceState, Map<string, number>>();
  #forests = new Map<ServiceState, IsolationForest>();

  constructor(
    private readonly settings: DetectorSettings,
    options: WindowOutlierDetectorOptions = {},
  ) {
    this.#options = {
      seed: options.seed ?? 1,
      topPatterns: options.topPatterns ?? 16,
      ringSize: options.ringSize ?? 360,
      retrainEvery: options.retrainEvery ?? 60,
      minTraining: options.minTraining ?? 60,
      trees: options.trees ?? 100,
      sampleSize: options.sampleSize ?? 128,
      adaptAfter: options.adaptAfter ?? 60,
      maxPatternsPerWindow: options.maxPatternsPerWindow ?? 256,
    };
    const o = this.#options;
    checkSettings(settings);
    if (!(o.minTraining >= 2 && o.ringSize >= o.minTraining)) {
      throw new RangeError('need 2 <= minTraining <= ringSize');
    }
    this.#random = new SeededRandom(o.seed);
  }

  observe(o: Observation, out: Candidate[]): void {
    const ws = windowStart(o.at, this.settings.windowMs);
    let s = this.#services.get(o.service);
    if (!s) {
      s = newService(o.at, ws);
      this.#services.set(o.service, s);
    } else if (ws > s.start) this.#closeUntil(o.service, s, ws, out);
    let slots = this.#slots.get(s);
    if (!slots) this.#slots.set(s, (slots = new Map<string, number>()));
    const i = slots.get(o.patternId);
    if (i !== undefined) s.counts[i]!++;
    else if (s.ids.length < this.#options.maxPatternsPerWindow) {
      slots.set(o.patternId, s.ids.length);
      s.ids.push(o.patternId);
      s.counts.push(1);
      s.templates.push(o.template);
    } else s.overflow++;
    s.total++;
    if (o.severityNumber >= 17) s.errors++;
    if (s.logIds.length < 5) s.logIds.push(o.logId);
  }

  advance(now: number, out: Candidate[]): void {
    const ws = windowStart(now, this.settings.windowMs);
    for (const [service, s] of this.#services)
      if (ws > s.start) this.#closeUntil(service, s, ws, out);
  }

  toState(): WindowOutlierDetectorState {
    return JSON.parse(
      JSON.stringify({
        options: this.#options,
        rngState: this.#random.state,
        services: Object.fromEntries(
          [...this.#services].map(([name, s]) => [
            name,
            { ...s, forest: this.#forests.get(s)?.toState() ?? null },
          ]),
        ),
      }),
    ) as WindowOutlierDetectorState;
  }

  static fromState(
    state: WindowOutlierDetectorState,
    settings: DetectorSettings,
  ): WindowOutlierDetector {
    const d = new WindowOutlierDetector(settings, state.options);
    d.#random = new SeededRandom(state.rngState);
    const copy = JSON.parse(JSON.stringify(state.services)) as Record<string, PersistedService>;
    for (const [service, { forest, ...s }] of Object.entries(copy)) {
      d.#services.set(service, s);
      if (forest) d.#forests.set(s, IsolationForest.fromState(forest));
      d.#slots.set(s, new Map(s.ids.map((id, i) => [id, i])));
    }
    return d;
  }

  #closeUntil(service: string, s: ServiceState, until: number, out: Candidate[]): void {
    const w = this.settings.windowMs;
    while (s.start < until) {
      this.#close(service, s, out);
      s.start += w;
      const behind = (until - s.start) / w;
      if (behind > this.#options.ringSize) s.start = until - this.#options.ringSize * w;
    }
  }

  #close(service: string, s: ServiceState, out: Candidate[]): void {
    const window: ClosedWindow = { ids: s.ids, counts: s.counts, total: s.total, errors: s.errors };
    if (s.overflow > 0) {
      window.ids.push('');
      window.counts.push(s.overflow);
    }
    const templates = s.templates;
    const logIds = s.logIds;
    s.ids = [];
    s.counts = [];
    s.templates = [];
    s.logIds = [];
    s.total = s.errors = s.overflow = 0;
    this.#slots.get(s)?.clear();
    for (let i = 0; i < templates.length; i++) s.known[window.ids[i]!] ??= templates[i]!;

    const end = s.start + this.settings.windowMs;
    const past = end - s.firstAt >= this.settings.learningMs;
    let normal = true;
    if (s.model && past) {
      const x = vector(window, s.model.dims);
      const score = this.#forests.get(s)!.score(x);
      if (score > s.model.threshold) {
        s.anomalousRun++;
        normal = s.anomalousRun >= this.#options.adaptAfter;
        const repeat = s.lastFlagged !== null && s.lastFlagged.every((v, i) => v === x[i]);
        if (!repeat && !normal) {
          out.push(this.#candidate(service, s, s.model, x, score, window, templates, logIds));
        }
        s.lastFlagged = x;
      } else {
        s.anomalousRun = 0;
        s.lastFlagged = null;
      }
    }
    if (normal) {
      if (s.ring.length < this.#options.ringSize) s.ring.push(window);
      else s.ring[s.ringNext] = window;
      s.ringNext = (s.ringNext + 1) % this.#options.ringSize;
    }
    s.sinceTrain++;
    const due = !s.model || s.sinceTrain >= this.#options.retrainEvery;
    if (past && due && s.ring.length >= this.#options.minTraining) this.#train(s);
  }

  #train(s: ServiceState): void {
    const sums = new Map<string, number>();
    for (const w of s.ring) {
      w.ids.forEach((id, i) => id && sums.set(id, (sums.get(id) ?? 0) + w.counts[i]!));
    }
    const dims = [...sums]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, this.#options.topPatterns)
      .map(([id]) => id);
    const rows = s.ring.map((w) => vector(w, dims));
    const forest = IsolationForest.fit(rows, {
      trees: this.#options.trees,
      sampleSize: this.#options.sampleSize,
      rng: this.#random.next,
    });
    const scores = rows.map((r) => forest.score(r)).sort((a, b) => a - b);
    const q99 = scores[Math.min(scores.length - 1, Math.floor(scores.length * 0.99))]!;
    const margin = 0.03 + 0.06 * (1 - this.settings.sensitivity);
    const median: number[] = [];
    const spread: number[] = [];
    for (let d = 0; d < dims.length + 3; d++) {
      const column = rows.map((r) => r[d]!).sort((a, b) => a - b);
      const m = quantile(column, 0.5);
      median.push(m);
      spread.push(Math.max(0.5, quantile(column, 0.9) - quantile(column, 0.1)));
    }
    s.model = {
      dims,
      median,
      spread,
      threshold: Math.min(0.95, Math.max(0.6, q99 + margin)),
    };
    this.#forests.set(s, forest);
    s.sinceTrain = 0;
    for (const id of Object.keys(s.known)) if (!sums.has(id)) delete s.known[id];
  }

  #candidate(
    service: string,
    s: ServiceState,
    model: Model,
    x: number[],
    score: number,
    window: ClosedWindow,
    templates: string[],
    logIds: string[],
  ): Candidate {
    const order = x
      .map((v, d) => ({ d, z: (v - model.median[d]!) / model.spread[d]! }))
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const k = model.dims.length;
    const named = order.filter((o) => o.d < k || o.d === k);
    const idOf = (d: number): string => (d < k ? model.dims[d]! : biggestOther(window, model.dims));
    const templateOf = (id: string): string =>
      s.known[id] ?? templates[window.ids.indexOf(id)] ?? id;
    const parts = order.slice(0, 3).map(({ d }) => {
      const label = d < k ? `\`${templateOf(model.dims[d]!)}\`` : LABELS[d - k]!;
      return `${label} ${Math.round(Math.expm1(x[d]!))} (normally ${Math.round(Math.expm1(model.median[d]!))})`;
    });
    const top = order[0]!;
    const patternIds = named.map((o) => idOf(o.d)).filter((id) => id !== '');
    const silent = window.total === 0;
    return {
      kind: this.kind,
      service,
      subject: 'window',
      from: s.start,
      to: s.start + this.settings.windowMs,
      score: clampScore(0.5 + (0.5 * (score - model.threshold)) / (1 - model.threshold)),
      explanation: silent
        ? `${service} went silent: no records in the window (normally ${Math.round(Math.expm1(model.median[k + 1]!))})`
        : `unusual mix of log patterns on ${service}: ${parts.join(', ')}`,
      evidence: {
        patternIds: patternIds.slice(0, 5),
        templates: patternIds.slice(0, 5).map(templateOf),
        observed: Math.round(Math.expm1(x[top.d]!)),
        expected: Math.round(Math.expm1(model.median[top.d]!)),
        unit: 'per window',
        exampleLogIds: logIds,
      },
    };
  }
}

function newService(at: number, start: number): ServiceState {
  return {
    firstAt: at,
    start,
    ids: [],
    counts: [],
    templates: [],
    total: 0,
    errors: 0,
    overflow: 0,
    logIds: [],
    ring: [],
    ringNext: 0,
    sinceTrain: 0,
    anomalousRun: 0,
    lastFlagged: null,
    known: {},
    model: null,
  };
}

/** log1p counts: the top patterns, everything else, all records, errors. */
function vector(w: ClosedWindow, dims: readonly string[]): number[] {
  const x = new Array<number>(dims.length + 3).fill(0);
  let rest = 0;
  for (let i = 0; i < w.ids.length; i++) {
    const d = dims.indexOf(w.ids[i]!);
    if (d >= 0) x[d] = w.counts[i]!;
    else rest += w.counts[i]!;
  }
  x[dims.length] = rest;
  x[dims.length + 1] = w.total;
  x[dims.length + 2] = w.errors;
  return x.map(Math.log1p);
}

function biggestOther(w: ClosedWindow, dims: readonly string[]): string {
  let best = '';
  let most = 0;
  w.ids.forEach((id, i) => {
    if (id && !dims.includes(id) && w.counts[i]! > most) [best, most] = [id, w.counts[i]!];
  });
  return best;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
