const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** Mean absolute deviation times this is the standard deviation of a normal distribution. */
const MAD_TO_SD = 1.2533;
/** Slots: 0 is the global level, 1..24 hour of day, 25..192 hour of week. */
const HOUR_SLOTS = 1 + 24;
const WEEK_SLOTS = HOUR_SLOTS + 168;
const MAX_SUPPORT = 1e6;

export interface SeasonalBaselineOptions {
  /** The sampling interval (one sample per window), ms. */
  windowMs: number;
  /** How far back a bucket remembers, in days of that bucket's own samples (default 3). */
  memoryDays?: number;
  /** Use hour-of-week buckets once two weeks have been seen (default true). */
  weekly?: boolean;
  /**
   * Samples a bucket needs before it is trusted fully instead of the global level (default 20,
   * but never more than two hours of windows, nor fewer than 3).
   */
  minSupport?: number;
  /** Memory of the global level, ms (default two hours). */
  levelMemoryMs?: number;
}

/** What the baseline expects at a time: `spread` is a robust standard deviation. */
export interface Expectation {
  mean: number;
  spread: number;
  /** Samples behind the most specific bucket used (0 = nothing seen yet). */
  support: number;
}

export interface SeasonalBaselineState {
  windowMs: number;
  memoryDays: number;
  weekly: boolean;
  minSupport: number;
  levelMemoryMs: number;
  first: number | null;
  /** Triples (mean, mean absolute deviation, support) per slot. */
  data: number[];
}

/**
 * A robust seasonal expectation for one value series sampled once per window: an EWMA mean and
 * an EWMA of absolute deviation per hour-of-day bucket (per hour-of-week bucket once two weeks are
 * seen), shrunk towards a short-memory global level while a bucket has little support. Samples
 * carry a weight, so callers can let anomalous windows teach it less (a Huber-style influence).
 * Buckets are in UTC. Idea: Holt-Winters seasonal smoothing (Winters 1960) with the robust
 * spread of Gelper, Fried & Croux, "Robust forecasting with exponential and Holt-Winters
 * smoothing" (2010). Memory: 75 float32 per series, 579 once a week old.
 *
 * @example
 *   const b = new SeasonalBaseline({ windowMs: 60_000 });
 *   b.update(windowStart, count);
 *   const { mean, spread } = b.expected(nextWindowStart);
 */
export class SeasonalBaseline {
  readonly #windowMs: number;
  readonly #memoryDays: number;
  readonly #weekly: boolean;
  readonly #minSupport: number;
  readonly #levelMemoryMs: number;
  readonly #trustAt: number;
  readonly #alphaLevel: number;
  readonly #alphaHour: number;
  readonly #alphaWeek: number;
  #first: number | null = null;
  #data: Float32Array = new Float32Array(HOUR_SLOTS * 3);

  constructor(options: SeasonalBaselineOptions) {
    const { windowMs, memoryDays = 3, weekly = true, minSupport = 20 } = options;
    const levelMemoryMs = options.levelMemoryMs ?? 2 * HOUR_MS;
    if (!(windowMs > 0 && Number.isFinite(windowMs))) {
      throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
    }
    if (!(memoryDays > 0 && Number.isFinite(memoryDays))) {
      throw new RangeError(`memoryDays must be a positive number, got ${memoryDays}`);
    }
    if (!(minSupport >= 1 && Number.isFinite(minSupport))) {
      throw new RangeError(`minSupport must be at least 1, got ${minSupport}`);
    }
    if (!(levelMemoryMs > 0 && Number.isFinite(levelMemoryMs))) {
      throw new RangeError(`levelMemoryMs must be a positive number, got ${levelMemoryMs}`);
    }
    this.#windowMs = windowMs;
    this.#memoryDays = memoryDays;
    this.#weekly = weekly;
    this.#minSupport = minSupport;
    this.#levelMemoryMs = levelMemoryMs;
    this.#trustAt = Math.min(minSupport, Math.max(3, (2 * HOUR_MS) / windowMs));
    this.#alphaLevel = Math.min(1, windowMs / levelMemoryMs);
    this.#alphaHour = Math.min(1, (24 * windowMs) / (memoryDays * DAY_MS));
    this.#alphaWeek = Math.min(1, (168 * windowMs) / (memoryDays * WEEK_MS));
  }

  /** Start of the first window learned, or null. */
  get first(): number | null {
    return this.#first;
  }

  /** Learns `value` for the window starting at `at`, with influence `weight` in [0, 1]. */
  update(at: number, value: number, weight = 1): void {
    if (!Number.isFinite(at)) throw new RangeError(`time must be finite, got ${at}`);
    if (!Number.isFinite(value)) throw new RangeError(`sample must be finite, got ${value}`);
    if (!(weight >= 0 && weight <= 1)) {
      throw new RangeError(`weight must be in [0, 1], got ${weight}`);
    }
    if (weight === 0) return;
    if (this.#first === null) this.#first = at;
    if (this.#weekly && this.#data.length === HOUR_SLOTS * 3 && at - this.#first >= WEEK_MS) {
      const grown = new Float32Array(WEEK_SLOTS * 3);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#learn(0, value, weight, this.#alphaLevel);
    this.#learn(1 + hourOfDay(at), value, weight, this.#alphaHour);
    if (this.#data.length > HOUR_SLOTS * 3) {
      this.#learn(HOUR_SLOTS + hourOfWeek(at), value, weight, this.#alphaWeek);
    }
  }

  /** The expectation for the window starting at `at`; fills and returns `out` when given. */
  expected(at: number, out: Expectation = { mean: 0, spread: 0, support: 0 }): Expectation {
    const d = this.#data;
    let mean = d[0] ?? 0;
    let dev = d[1] ?? 0;
    let support = d[2] ?? 0;
    const blend = (slot: number): void => {
      const n = d[slot * 3 + 2] ?? 0;
      if (n <= 0) return;
      const w = Math.min(1, n / this.#trustAt);
      mean += w * ((d[slot * 3] ?? 0) - mean);
      dev += w * ((d[slot * 3 + 1] ?? 0) - dev);
      support = n;
    };
    blend(1 + hourOfDay(at));
    if (d.length > HOUR_SLOTS * 3 && this.#first !== null && at - this.#first >= 2 * WEEK_MS) {
      blend(HOUR_SLOTS + hourOfWeek(at));
    }
    out.mean = mean;
    out.spread = dev * MAD_TO_SD;
    out.support = support;
    return out;
  }

  toState(): SeasonalBaselineState {
    return {
      windowMs: this.#windowMs,
      memoryDays: this.#memoryDays,
      weekly: this.#weekly,
      minSupport: this.#minSupport,
      levelMemoryMs: this.#levelMemoryMs,
      first: this.#first,
      data: Array.from(this.#data),
    };
  }

  static fromState(state: SeasonalBaselineState): SeasonalBaseline {
    const sut = new SeasonalBaseline(state);
    const n = state.data.length;
    if (n !== HOUR_SLOTS * 3 && n !== WEEK_SLOTS * 3) {
      throw new RangeError(`baseline state has ${n} numbers, expected 75 or 579`);
    }
    if (!state.data.every(Number.isFinite)) throw new RangeError('baseline state is not finite');
    sut.#first = state.first;
    sut.#data = Float32Array.from(state.data);
    return sut;
  }

  #learn(slot: number, value: number, weight: number, alpha: number): void {
    const d = this.#data;
    const i = slot * 3;
    const n = Math.min(MAX_SUPPORT, (d[i + 2] ?? 0) + 1);
    d[i + 2] = n;
    if (n === 1) {
      d[i] = value;
      d[i + 1] = 0;
      return;
    }
    const a = weight * Math.max(alpha, 1 / n);
    const diff = value - (d[i] ?? 0);
    d[i + 1] = (d[i + 1] ?? 0) + a * (Math.abs(diff) - (d[i + 1] ?? 0));
    d[i] = (d[i] ?? 0) + a * diff;
  }
}

function hourOfDay(at: number): number {
  return Math.floor((((at % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

function hourOfWeek(at: number): number {
  return Math.floor((((at % WEEK_MS) + WEEK_MS) % WEEK_MS) / HOUR_MS);
}
