import { poissonLowerTailLog, zFromLogP } from './poisson-tail';
import { RecencyList, type RecencyLinked } from '../templates/recency-list';
import {
  type Candidate,
  checkSettings,
  type DetectorSettings,
  type Observation,
  positiveOption,
  type StreamingDetector,
  thresholdScore,
  windowStart,
  zThreshold,
} from './detector';
import {
  type Expectation,
  SeasonalBaseline,
  type SeasonalBaselineState,
} from './seasonal-baseline';

export interface PatternRateOptions {
  /** Most (service, pattern) series tracked; the least recently seen is evicted (default 20,000). */
  maxSeries?: number;
  /** Most windows closed per `advance`; a longer gap skips the rest unlearned (default 1,440). */
  maxGapWindows?: number;
  /**
   * While an anomaly lasts, it is raised again at most this often, ms (default: every window, so
   * the ensemble keeps the anomaly open while it lasts and resolves it when it ends).
   */
  repeatMs?: number;
  /** After this long, an anomaly teaches the baseline at full weight (default six hours). */
  adaptMs?: number;
  /** A spike must exceed the expectation by at least this many records (default 5). */
  minExcess?: number;
  /** A pattern that averages fewer records per window cannot drop (default 1). */
  minDropMean?: number;
}

export interface PatternRateSeriesState {
  service: string;
  patternId: string;
  template: string;
  count: number;
  first: number;
  run: number;
  /** The last windows' counts and expectations, oldest first: [x0, λ0, x1, λ1, ...]. */
  recent?: number[];
  /** Share of windows with records (EWMA) and the usual count of those windows (EWMA). */
  presence?: [share: number, level: number];
  lastRaised: number | null;
  /** The window the series was last seen in. */
  seen: number | null;
  examples: string[];
  baseline: SeasonalBaselineState;
}

export interface PatternRateState {
  current: number | null;
  /** Least recently seen first. */
  series: PatternRateSeriesState[];
  /** Per service: its volume level, observed over expected (see `ServiceLevel`). */
  levels?: Array<[service: string, ratio: number]>;
}

const MAX_EXAMPLES = 5;
/** A pattern present in fewer windows than this share is intermittent. */
const INTERMITTENT = 0.5;
/** EWMA step of an intermittent pattern's usual burst size. */
const LEVEL_STEP = 0.1;
/** Event time the share of windows with records averages over. */
const PRESENCE_MEMORY_MS = 6 * 3_600_000;
/** The series of a service's whole volume (all its records), beside its patterns' series. */
const VOLUME = '(volume)';
const VOLUME_TEMPLATE = '(all records)';
/** The share of its expected volume a service must fall to for its volume to have dropped. */
const VOLUME_DROP = 0.2;

/** Event time a service's volume level averages over. */
const LEVEL_MEMORY_MS = 3 * 3_600_000;
/** How far a service's level may scale its patterns' expectations. */
const LEVEL_BOUNDS = [0.2, 5] as const;
/** A window expected to hold fewer records says nothing about the level. */
const MIN_LEVEL_EXPECTED = 5;

interface ServiceLevel {
  /** Observed over expected volume, followed slowly (an EWMA of clipped window ratios). */
  ratio: number;
  windowObserved: number;
  windowExpected: number;
}

/** Windows remembered for shortfalls that add up. */
const RECENT = 16;
/**
 * The spans (in windows) a shortfall is tested over; each is one test, so the bar rises by ln 4.
 * None is a lone window: one short window is most often records arriving late (a shipper that
 * stalled), so a drop needs two windows of evidence at least.
 */
const SPANS = [2, 4, 8, 16] as const;
const SPAN_PENALTY = Math.log(SPANS.length);

function pushRecent(s: Series, x: number, lambda: number): void {
  s.recent[2 * s.recentPos] = x;
  s.recent[2 * s.recentPos + 1] = lambda;
  s.recentPos = (s.recentPos + 1) % RECENT;
  if (s.recentFilled < RECENT) s.recentFilled++;
}

function recentOf(s: Series): number[] {
  const out: number[] = [];
  for (let i = s.recentFilled; i > 0; i--) {
    const j = (s.recentPos - i + RECENT) % RECENT;
    out.push(s.recent[2 * j]!, s.recent[2 * j + 1]!);
  }
  return out;
}

/**
 * How unlikely the last 2, 4, 8 and 16 windows' counts are together, as the z of the least
 * likely span: the exact Poisson lower tail of the summed count given the summed expectation
 * (counts and expectations scaled by `dispersion` <= 1 when the series varies more than Poisson),
 * with a Bonferroni penalty for testing four spans.
 */
function shortfallZ(s: Series, dispersion: number): number {
  let best = 0;
  let sumX = 0;
  let sumL = 0;
  let span = 0;
  for (let i = 1; i <= s.recentFilled; i++) {
    const j = (s.recentPos - i + RECENT) % RECENT;
    sumX += s.recent[2 * j]!;
    sumL += s.recent[2 * j + 1]!;
    if (i !== SPANS[span]) continue;
    span++;
    const logP = poissonLowerTailLog(sumX * dispersion, sumL * dispersion) + SPAN_PENALTY;
    if (logP < best) best = logP;
  }
  return best < 0 ? zFromLogP(best) : 0;
}

/** The deviation of a count from its Poisson expectation on the variance-stabilised scale. */
function anscombe(x: number, lambda: number): number {
  return 2 * (Math.sqrt(x + 0.375) - Math.sqrt(lambda + 0.375));
}

class Series implements RecencyLinked<Series> {
  newer: Series | undefined;
  older: Series | undefined;
  count = 0;
  run = 0;
  /** Ring of the last RECENT windows' counts and expectations: a slow silence adds up. */
  readonly recent = new Float64Array(2 * RECENT);
  recentFilled = 0;
  recentPos = 0;
  /** Share of windows the pattern appears in, and its usual count when it does. */
  presence = 1;
  level = 0;
  /** The count at which the current window is a spike already (raised then, mid-window). */
  spikeAt = Infinity;

  lastRaised: number | null = null;
  touched = Number.NaN;
  examples: string[] = [];

  constructor(
    readonly service: string,
    readonly patternId: string,
    public template: string,
    readonly first: number,
    readonly baseline: SeasonalBaseline,
  ) {}
}

/**
 * Counts each (service, pattern) per window and compares the count with a seasonal baseline, so a
 * pattern that suddenly floods or falls silent is raised. The deviation is a robust z on the
 * Anscombe (variance-stabilised Poisson) scale, `2(√(x+3/8) − √(λ+3/8))`, shrunk when the learned
 * spread exceeds the Poisson one (over-dispersion); F. J. Anscombe, "The transformation of
 * Poisson, binomial and negative-binomial data" (1948). Rare patterns cannot flap: a spike needs
 * `minExcess` records above the expectation and a drop needs an expectation of `minDropMean`.
 * A drop is judged, while the current window has half its expected records or fewer, by the
 * exact Poisson lower tail of the counts summed over the last 2, 4, 8 and 16 windows (scaled
 * down when the series is over-dispersed): a pattern of 60/min that stops is raised after two
 * windows, one of 6/min after four, one of 2/min after about eight. A lone short window never
 * counts: it is most often records arriving late.
 * A pattern present in fewer than half the windows (a batch job, an hourly burst) is
 * intermittent: it is compared with its usual burst size when it appears, and its absence is
 * normal. Memory is capped by `maxSeries`, evicting the series seen least recently.
 *
 * @example
 *   const sut = new PatternRateDetector(DEFAULT_DETECTOR_SETTINGS);
 *   const out: Candidate[] = [];
 *   for (const o of records) sut.observe(o, out);
 *   sut.advance(now, out);
 */
export class PatternRateDetector implements StreamingDetector<PatternRateState> {
  readonly kind = 'pattern_rate' as const;
  readonly #settings: DetectorSettings;
  readonly #maxSeries: number;
  readonly #maxGap: number;
  readonly #repeatMs: number;
  readonly #adaptMs: number;
  readonly #presenceStep: number;
  readonly #minExcess: number;
  readonly #minDropMean: number;
  readonly #zThreshold: number;
  readonly #byService = new Map<string, Map<string, Series>>();
  /** Per service: how its whole volume compares with what the baselines expect lately. */
  readonly #levels = new Map<string, ServiceLevel>();
  readonly #levelStep: number;
  readonly #recency = new RecencyList<Series>();
  readonly #expectation: Expectation = { mean: 0, spread: 0, support: 0 };
  #size = 0;
  #current: number | null = null;

  constructor(settings: DetectorSettings, options: PatternRateOptions = {}) {
    checkSettings(settings);
    this.#settings = settings;
    this.#maxSeries = positiveOption('maxSeries', options.maxSeries ?? 20_000);
    this.#maxGap = positiveOption('maxGapWindows', options.maxGapWindows ?? 1_440);
    this.#repeatMs = positiveOption('repeatMs', options.repeatMs ?? settings.windowMs);
    this.#adaptMs = positiveOption('adaptMs', options.adaptMs ?? 6 * 3_600_000);
    this.#presenceStep = Math.min(1, settings.windowMs / PRESENCE_MEMORY_MS);
    this.#levelStep = Math.min(1, settings.windowMs / LEVEL_MEMORY_MS);
    this.#minExcess = positiveOption('minExcess', options.minExcess ?? 5);
    this.#minDropMean = positiveOption('minDropMean', options.minDropMean ?? 1);
    this.#zThreshold = zThreshold(settings.sensitivity);
  }

  /** Number of (service, pattern) series tracked. */
  get size(): number {
    return this.#size;
  }

  observe(o: Observation, out: Candidate[]): void {
    if (!Number.isFinite(o.at)) return;
    const at = windowStart(o.at, this.#settings.windowMs);
    if (this.#current === null) this.#current = at;
    else if (at > this.#current) this.advance(at, out);
    if (at < this.#current) return;
    this.#count(o, o.patternId, o.template, at, out);
    this.#count(o, VOLUME, VOLUME_TEMPLATE, at, out);
  }

  /** Counts the record into one series of its service (its pattern's, or the service's volume). */
  #count(o: Observation, patternId: string, template: string, at: number, out: Candidate[]) {
    let patterns = this.#byService.get(o.service);
    if (!patterns) {
      patterns = new Map();
      this.#byService.set(o.service, patterns);
    }
    let s = patterns.get(patternId);
    if (!s) {
      const baseline = new SeasonalBaseline({ windowMs: this.#settings.windowMs });
      s = new Series(o.service, patternId, template, at, baseline);
      this.#insert(patterns, s);
    }
    if (s.touched !== at) {
      s.touched = at;
      this.#recency.touch(s);
      s.template = template;
      s.spikeAt = this.#spikeCount(s, at);
    }
    s.count++;
    if (s.examples.length < MAX_EXAMPLES) s.examples.push(o.logId);
    // A spike is certain once the window's count passes what makes one: raise it now, not at
    // the window's end (a late record can only add to the count, never undo the spike).
    if (s.count === s.spikeAt) {
      const e = s.baseline.expected(at, this.#expectation);
      const lambda = Math.max(0, e.mean * this.#level(s.service).ratio);
      out.push(this.#candidate(s, at, s.count, lambda, anscombe(s.count, lambda), o.at));
    }
  }

  /** The smallest count that makes the window at `at` a spike (Infinity while learning). */
  #spikeCount(s: Series, at: number): number {
    if (s.patternId === VOLUME || at - s.first < this.#settings.learningMs) return Infinity;
    const e = s.baseline.expected(at, this.#expectation);
    if (!(e.support > 0)) return Infinity;
    const lambda = Math.max(0, e.mean * this.#level(s.service).ratio);
    const poissonSd = Math.sqrt(lambda + 0.25);
    const shrink = e.spread > poissonSd ? poissonSd / e.spread : 1;
    const root = (z: number, mean: number) => (z / 2 + Math.sqrt(mean + 0.375)) ** 2 - 0.375;
    let x = Math.max(root(this.#zThreshold / shrink, lambda), lambda + this.#minExcess);
    if (s.presence < INTERMITTENT) x = Math.max(x, root(this.#zThreshold, s.level));
    return Math.max(1, Math.ceil(x + 1e-9));
  }

  advance(now: number, out: Candidate[]): void {
    if (!Number.isFinite(now)) return;
    const w = this.#settings.windowMs;
    const target = windowStart(now, w);
    if (this.#current === null) {
      this.#current = target;
      return;
    }
    const windows = Math.min((target - this.#current) / w, this.#maxGap);
    for (let i = 0; i < windows; i++) this.#close(this.#current + i * w, out);
    if (target > this.#current) this.#current = target;
  }

  toState(): PatternRateState {
    const series: PatternRateSeriesState[] = [];
    for (let s = this.#recency.oldest; s; s = s.newer) {
      series.push({
        service: s.service,
        patternId: s.patternId,
        template: s.template,
        count: s.count,
        first: s.first,
        run: s.run,
        presence: [s.presence, s.level] as [number, number],
        ...(s.recentFilled > 0 ? { recent: recentOf(s) } : {}),
        lastRaised: s.lastRaised,
        seen: Number.isNaN(s.touched) ? null : s.touched,
        examples: [...s.examples],
        baseline: s.baseline.toState(),
      });
    }
    const levels: [string, number][] = [];
    for (const [service, l] of this.#levels) levels.push([service, l.ratio]);
    return { current: this.#current, series, levels };
  }

  static fromState(
    state: PatternRateState,
    settings: DetectorSettings,
    options: PatternRateOptions = {},
  ): PatternRateDetector {
    const sut = new PatternRateDetector(settings, options);
    sut.#current = state.current;
    for (const [service, ratio] of state.levels ?? []) {
      sut.#levels.set(service, { ratio, windowObserved: 0, windowExpected: 0 });
    }
    for (const x of state.series) {
      let patterns = sut.#byService.get(x.service);
      if (!patterns) {
        patterns = new Map();
        sut.#byService.set(x.service, patterns);
      }
      const baseline = SeasonalBaseline.fromState(x.baseline);
      const s = new Series(x.service, x.patternId, x.template, x.first, baseline);
      s.count = x.count;
      s.run = x.run;
      for (let i = 0; i + 1 < (x.recent?.length ?? 0); i += 2) {
        pushRecent(s, x.recent![i]!, x.recent![i + 1]!);
      }
      if (x.presence) [s.presence, s.level] = x.presence;
      s.lastRaised = x.lastRaised;
      s.examples = [...x.examples];
      s.touched = x.seen ?? Number.NaN;
      sut.#insert(patterns, s);
    }
    return sut;
  }

  #insert(patterns: Map<string, Series>, s: Series): void {
    patterns.set(s.patternId, s);
    this.#recency.touch(s);
    this.#size++;
    const oldest = this.#recency.oldest;
    if (this.#size > this.#maxSeries && oldest && oldest !== s) {
      this.#recency.remove(oldest);
      const owner = this.#byService.get(oldest.service);
      owner?.delete(oldest.patternId);
      if (owner?.size === 0) this.#byService.delete(oldest.service);
      this.#size--;
    }
  }

  #close(at: number, out: Candidate[]): void {
    const { learningMs } = this.#settings;
    for (let s = this.#recency.oldest; s; s = s.newer) {
      const x = s.count;
      s.count = 0;
      const e = s.baseline.expected(at, this.#expectation);
      const level = this.#level(s.service);
      if (e.support > 0 && s.patternId !== VOLUME) {
        level.windowObserved += x;
        level.windowExpected += Math.max(0, e.mean);
      }
      // The service's whole volume sets the level: a quiet weekend lowers every expectation, so
      // what stands out is a pattern leaving its service's level, or a sudden service-wide change.
      e.mean *= level.ratio;
      let z = 0;
      let dropZ = 0;
      const intermittent = s.presence < INTERMITTENT;
      if (e.support > 0) {
        const lambda = Math.max(0, e.mean);
        const poissonSd = Math.sqrt(lambda + 0.25);
        const shrink = e.spread > poissonSd ? poissonSd / e.spread : 1;
        z = anscombe(x, lambda) * shrink;
        pushRecent(s, x, lambda);
        // A service's whole volume counts as dropped only when most of it is gone (an outage,
        // not a quiet weekend night); a pattern, when half of it is.
        const low = s.patternId === VOLUME ? lambda * VOLUME_DROP : lambda / 2;
        if (!intermittent && x <= low && lambda >= this.#minDropMean) {
          dropZ = shortfallZ(s, shrink * shrink);
        }
      }
      // An intermittent pattern (a batch job, an hourly burst) is judged by its usual burst:
      // appearing at its usual size is normal, and so is its absence.
      const burstZ = intermittent && x > 0 ? anscombe(x, s.level) : z;
      // Floods are raised on the patterns that flood; the volume series watches for outages.
      const spike =
        s.patternId !== VOLUME &&
        z >= this.#zThreshold &&
        burstZ >= this.#zThreshold &&
        x - e.mean >= this.#minExcess;
      const drop = dropZ >= this.#zThreshold;
      s.presence += this.#presenceStep * ((x > 0 ? 1 : 0) - s.presence);
      if (x > 0) s.level = s.level === 0 ? x : s.level + LEVEL_STEP * (x - s.level);
      const anomalous = spike || drop;
      s.run = anomalous ? s.run + 1 : 0;
      if (drop) z = -dropZ;
      const adapted = s.run * this.#settings.windowMs > this.#adaptMs;
      const weight = anomalous && !adapted ? Math.max(0.02, (3 / z) ** 2) : 1;
      const expected = e.mean;
      s.baseline.update(at, x, Math.min(1, weight));
      const runStart = at - (s.run - 1) * this.#settings.windowMs;
      const fresh = s.lastRaised === null || s.lastRaised < runStart;
      const repeat = fresh || at - (s.lastRaised ?? 0) >= this.#repeatMs;
      if (anomalous && repeat && at - s.first >= learningMs) {
        s.lastRaised = at;
        // Raised again when early: the full window's count and score update the anomaly.
        out.push(this.#candidate(s, at, x, expected, z));
      }
      s.examples.length = 0;
    }
    for (const [service, l] of this.#levels) {
      if (l.windowExpected >= MIN_LEVEL_EXPECTED) {
        // Each window moves the level by at most a factor of two: a slow change of the whole
        // service (a weekend) is followed, a collapse (an outage) is not learned as normal.
        const r = l.windowObserved / l.windowExpected;
        const clipped = Math.min(2 * l.ratio, Math.max(0.5 * l.ratio, r));
        l.ratio += this.#levelStep * (clipped - l.ratio);
        l.ratio = Math.min(LEVEL_BOUNDS[1], Math.max(LEVEL_BOUNDS[0], l.ratio));
      }
      l.windowObserved = l.windowExpected = 0;
      if (!this.#byService.has(service)) this.#levels.delete(service);
    }
  }

  #level(service: string): ServiceLevel {
    let l = this.#levels.get(service);
    if (l === undefined) {
      l = { ratio: 1, windowObserved: 0, windowExpected: 0 };
      this.#levels.set(service, l);
    }
    return l;
  }

  #candidate(
    s: Series,
    at: number,
    x: number,
    expected: number,
    z: number,
    to = at + this.#settings.windowMs,
  ): Candidate {
    const unit = rateUnit(this.#settings.windowMs);
    const verb = z > 0 ? 'rose' : 'fell';
    return {
      kind: this.kind,
      service: s.service,
      subject: s.patternId,
      from: at,
      to,
      score: thresholdScore(Math.abs(z), this.#zThreshold),
      explanation:
        `${s.patternId === VOLUME ? `all records of ${s.service}` : `\`${shorten(s.template)}\``} ` +
        `${verb} from ${formatCount(expected)}${unit} to ${formatCount(x)}${unit}` +
        (s.patternId === VOLUME ? '' : ` on ${s.service}`),
      evidence: {
        patternIds: s.patternId === VOLUME ? [] : [s.patternId],
        ...(s.patternId === VOLUME ? {} : { templates: [s.template] }),
        observed: x,
        expected,
        unit: 'per window',
        exampleLogIds: [...s.examples],
      },
    };
  }
}

/** "/min" for one-minute windows, " per 5 min" for five, and so on. */
function rateUnit(windowMs: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [ms, name] of units) {
    if (windowMs % ms === 0) return windowMs === ms ? `/${name}` : ` per ${windowMs / ms} ${name}`;
  }
  return ` per ${windowMs} ms`;
}

function formatCount(x: number): string {
  if (Math.abs(x) >= 10) return String(Math.round(x));
  return String(Math.round(x * 10) / 10);
}

function shorten(template: string): string {
  return template.length > 120 ? `${template.slice(0, 117)}...` : template;
}
