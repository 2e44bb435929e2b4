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

export interface ErrorSurgeOptions {
  /** Most services tracked; the least recently seen is evicted (default 2,000). */
  maxServices?: number;
  /** Records a window needs before its share can surge (default 20). */
  minRecords?: number;
  /** Error records a window needs before it can surge (default 5). */
  minErrors?: number;
  /** The share must exceed the expected share by at least this much (default 0.05). */
  minRise?: number;
  /** While a surge lasts, it is raised again at most this often, ms (default: every window, so the ensemble
   * keeps the anomaly open while it lasts and resolves it when it ends). */
  repeatMs?: number;
  /** After this long, a surge teaches the baseline at full weight (default six hours). */
  adaptMs?: number;
}

export interface ErrorSurgeServiceState {
  service: string;
  first: number;
  seen: number | null;
  total: number;
  errors: number;
  run: number;
  lastRaised: number | null;
  examples: string[];
  /** Error records per pattern in the open window: [patternId, count, template]. */
  top: [string, number, string][];
  baseline: SeasonalBaselineState;
}

export interface ErrorSurgeState {
  current: number | null;
  /** Least recently seen first. */
  services: ErrorSurgeServiceState[];
}

/** Severity numbers from here up are errors (OpenTelemetry ERROR..FATAL4). */
const ERROR_SEVERITY = 17;
const MAX_EXAMPLES = 5;
/** Distinct error patterns counted per service and window; later ones are not tallied. */
const MAX_TOP = 64;
const TOP_SHOWN = 5;

class ServiceErrors implements RecencyLinked<ServiceErrors> {
  newer: ServiceErrors | undefined;
  older: ServiceErrors | undefined;
  total = 0;
  errors = 0;
  run = 0;
  lastRaised: number | null = null;
  touched = Number.NaN;
  examples: string[] = [];
  readonly top = new Map<string, number>();
  readonly templates = new Map<string, string>();
  /** The current window's expected share and its spread (NaN: not judged early). */
  expectedShare = Number.NaN;
  expectedSpread = 0;
  /** The window already raised mid-window. */
  earlyAt = Number.NaN;

  constructor(
    readonly service: string,
    readonly first: number,
    readonly baseline: SeasonalBaseline,
  ) {}
}

/**
 * Tracks, per service, the share of records at error severity (17 and above) per window against
 * a seasonal baseline of that share, and raises a surge when the share stands out by a robust z
 * whose spread is at least the binomial one, `√(p̃(1−p̃)/n)` with the Agresti–Coull adjusted
 * `p̃ = (pn+1)/(n+2)` (A. Agresti & B. Coull, "Approximate is better than exact for interval
 * estimation of binomial proportions", 1998), so a quiet window of a few records cannot surge.
 * Memory is capped by `maxServices`, evicting the service seen least recently.
 *
 * @example
 *   const sut = new ErrorSurgeDetector(DEFAULT_DETECTOR_SETTINGS);
 *   for (const o of records) sut.observe(o, out);
 *   sut.advance(now, out);
 */
export class ErrorSurgeDetector implements StreamingDetector<ErrorSurgeState> {
  readonly kind = 'error_surge' as const;
  readonly #settings: DetectorSettings;
  readonly #maxServices: number;
  readonly #minRecords: number;
  readonly #minErrors: number;
  readonly #minRise: number;
  readonly #repeatMs: number;
  readonly #adaptMs: number;
  readonly #zThreshold: number;
  readonly #services = new Map<string, ServiceErrors>();
  readonly #recency = new RecencyList<ServiceErrors>();
  readonly #expectation: Expectation = { mean: 0, spread: 0, support: 0 };
  #current: number | null = null;

  constructor(settings: DetectorSettings, options: ErrorSurgeOptions = {}) {
    checkSettings(settings);
    this.#settings = settings;
    this.#maxServices = positiveOption('maxServices', options.maxServices ?? 2_000);
    this.#minRecords = positiveOption('minRecords', options.minRecords ?? 20);
    this.#minErrors = positiveOption('minErrors', options.minErrors ?? 5);
    this.#minRise = positiveOption('minRise', options.minRise ?? 0.05);
    this.#repeatMs = positiveOption('repeatMs', options.repeatMs ?? settings.windowMs);
    this.#adaptMs = positiveOption('adaptMs', options.adaptMs ?? 6 * 3_600_000);
    this.#zThreshold = zThreshold(settings.sensitivity);
  }

  observe(o: Observation, out: Candidate[]): void {
    if (!Number.isFinite(o.at)) return;
    const at = windowStart(o.at, this.#settings.windowMs);
    if (this.#current === null) this.#current = at;
    else if (at > this.#current) this.advance(at, out);
    if (at < this.#current) return;
    let s = this.#services.get(o.service);
    if (!s) {
      s = new ServiceErrors(
        o.service,
        at,
        new SeasonalBaseline({ windowMs: this.#settings.windowMs }),
      );
      this.#insert(s);
    }
    if (s.touched !== at) {
      s.touched = at;
      this.#recency.touch(s);
      const e = s.baseline.expected(at, this.#expectation);
      const judged = e.support > 0 && at - s.first >= this.#settings.learningMs;
      s.expectedShare = judged ? Math.min(1, Math.max(0, e.mean)) : Number.NaN;
      s.expectedSpread = e.spread;
    }
    s.total++;
    if (o.severityNumber < ERROR_SEVERITY) return;
    s.errors++;
    if (s.examples.length < MAX_EXAMPLES) s.examples.push(o.logId);
    const count = s.top.get(o.patternId);
    if (count !== undefined) s.top.set(o.patternId, count + 1);
    else if (s.top.size < MAX_TOP) {
      s.top.set(o.patternId, 1);
      s.templates.set(o.patternId, o.template);
    }
    this.#early(s, at, o.at, out);
  }

  /**
   * Raises a surge mid-window once the records so far already make one (the same test on fewer
   * records is stricter), so a burst of errors is known within seconds, not at the window's end.
   */
  #early(s: ServiceErrors, at: number, now: number, out: Candidate[]): void {
    const p = s.expectedShare;
    if (Number.isNaN(p) || s.earlyAt === at) return;
    const n = s.total;
    if (n < this.#minRecords || s.errors < this.#minErrors) return;
    const share = s.errors / n;
    const z = (share - p) / surgeSpread(p, n, s.expectedSpread);
    // Tested again at every error, so held to a stricter bar: the Poisson tail of the error
    // count (variance-stabilised) must clear the threshold with a margin.
    const countZ = 2 * (Math.sqrt(s.errors + 0.375) - Math.sqrt(p * n + 0.375));
    if (z < this.#zThreshold || countZ < this.#zThreshold + EARLY_MARGIN) return;
    if (share - p < this.#minRise) return;
    s.earlyAt = at;
    out.push(this.#candidate(s, at, share, p, z, now));
  }

  advance(now: number, out: Candidate[]): void {
    if (!Number.isFinite(now)) return;
    const w = this.#settings.windowMs;
    const target = windowStart(now, w);
    if (this.#current === null) {
      this.#current = target;
      return;
    }
    if (target <= this.#current) return;
    // Only the open window can hold records; the empty ones after it teach nothing about a share.
    this.#close(this.#current, out);
    this.#current = target;
  }

  toState(): ErrorSurgeState {
    const services: ErrorSurgeServiceState[] = [];
    for (let s = this.#recency.oldest; s; s = s.newer) {
      services.push({
        service: s.service,
        first: s.first,
        seen: Number.isNaN(s.touched) ? null : s.touched,
        total: s.total,
        errors: s.errors,
        run: s.run,
        lastRaised: s.lastRaised,
        examples: [...s.examples],
        top: [...s.top].map(([id, n]) => [id, n, s.templates.get(id) ?? '']),
        baseline: s.baseline.toState(),
      });
    }
    return { current: this.#current, services };
  }

  static fromState(
    state: ErrorSurgeState,
    settings: DetectorSettings,
    options: ErrorSurgeOptions = {},
  ): ErrorSurgeDetector {
    const sut = new ErrorSurgeDetector(settings, options);
    sut.#current = state.current;
    for (const x of state.services) {
      const s = new ServiceErrors(x.service, x.first, SeasonalBaseline.fromState(x.baseline));
      s.touched = x.seen ?? Number.NaN;
      s.total = x.total;
      s.errors = x.errors;
      s.run = x.run;
      s.lastRaised = x.lastRaised;
      s.examples = [...x.examples];
      for (const [id, n, template] of x.top) {
        s.top.set(id, n);
        s.templates.set(id, template);
      }
      sut.#insert(s);
    }
    return sut;
  }

  #insert(s: ServiceErrors): void {
    this.#services.set(s.service, s);
    this.#recency.touch(s);
    const oldest = this.#recency.oldest;
    if (this.#services.size > this.#maxServices && oldest && oldest !== s) {
      this.#recency.remove(oldest);
      this.#services.delete(oldest.service);
    }
  }

  #close(at: number, out: Candidate[]): void {
    for (let s = this.#recency.oldest; s; s = s.newer) {
      if (s.total === 0) continue;
      const n = s.total;
      const share = s.errors / n;
      const e = s.baseline.expected(at, this.#expectation);
      const p = Math.min(1, Math.max(0, e.mean));
      const z = e.support > 0 ? (share - p) / surgeSpread(p, n, e.spread) : 0;
      const surge =
        z >= this.#zThreshold &&
        n >= this.#minRecords &&
        s.errors >= this.#minErrors &&
        share - p >= this.#minRise;
      s.run = surge ? s.run + 1 : 0;
      const adapted = s.run * this.#settings.windowMs > this.#adaptMs;
      const influence = surge && !adapted ? Math.max(0.02, (3 / z) ** 2) : 1;
      s.baseline.update(at, share, Math.min(1, influence, n / this.#minRecords));
      const repeat = s.lastRaised === null || at - s.lastRaised >= this.#repeatMs;
      if (surge && at - s.first >= this.#settings.learningMs && (s.run === 1 || repeat)) {
        s.lastRaised = at;
        out.push(this.#candidate(s, at, share, p, z));
      }
      s.total = 0;
      s.errors = 0;
      s.examples.length = 0;
      s.top.clear();
      s.templates.clear();
    }
  }

  #candidate(
    s: ServiceErrors,
    at: number,
    share: number,
    expected: number,
    z: number,
    to = at + this.#settings.windowMs,
  ): Candidate {
    const top = [...s.top]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_SHOWN);
    return {
      kind: this.kind,
      service: s.service,
      subject: 'errors',
      from: at,
      to,
      score: thresholdScore(z, this.#zThreshold),
      explanation:
        `errors rose to ${percent(share)} of records on ${s.service} ` +
        `(normally ${percent(expected)})`,
      evidence: {
        patternIds: top.map(([id]) => id),
        templates: top.map(([id]) => s.templates.get(id) ?? ''),
        observed: share,
        expected,
        unit: 'share',
        exampleLogIds: [...s.examples],
      },
    };
  }
}

/** How much further than the threshold a surge must be to be raised before its window ends. */
const EARLY_MARGIN = 1;

/** The share's spread: the baseline's, but never below the binomial one (small-sample adjusted). */
function surgeSpread(p: number, n: number, spread: number): number {
  const adjusted = (p * n + 1) / (n + 2);
  return Math.max(spread, Math.sqrt((adjusted * (1 - adjusted)) / n));
}

function percent(share: number): string {
  const p = share * 100;
  return p >= 10 || p === 0 ? `${Math.round(p)}%` : `${Math.round(p * 10) / 10}%`;
}
