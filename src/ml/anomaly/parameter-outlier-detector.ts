import { RecencyList, type RecencyLinked } from '../templates/recency-list';
import { parsed, parseMeasure, UNIT_NAMES } from './parameter-value';
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

export interface ParameterOutlierOptions {
  /** Most (service, pattern, parameter) keys tracked; least recently seen evicted (default 20,000). */
  maxKeys?: number;
  /** Parameters looked at per pattern, from the first (default 8). */
  maxParams?: number;
  /** Memory of the baseline, ms of event time (default two hours). */
  memoryMs?: number;
  /** Occurrences of a parameter before it is judged a measurement or not (default 32). */
  classifySamples?: number;
  /** While a drift lasts, it is raised again at most this often, ms (default: every window, so the ensemble
   * keeps the anomaly open while it lasts and resolves it when it ends). */
  repeatMs?: number;
}

/** One key's state; `numbers` in the order of the key's field list, NaN stored as null. */
export interface ParameterKeyState {
  service: string;
  patternId: string;
  index: number;
  template: string;
  numbers: (number | null)[];
  ring: (number | null)[] | null;
  maxId: string | null;
}

export interface ParameterOutlierState {
  current: number | null;
  /** Least recently seen first. */
  keys: ParameterKeyState[];
}

/** What a key is: still being judged, a measurement (log or linear space), or not one. */
const Mode = { Classifying: 0, Log: 1, Linear: 2, Ignored: 3 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];
const RING = 8;
/** Samples averaged plainly before the baseline switches to its slow robust steps. */
const WARM = 32;
const MAD_TO_SD = 1.2533;

class ParamKey implements RecencyLinked<ParamKey> {
  newer: ParamKey | undefined;
  older: ParamKey | undefined;
  evicted = false;
  dirty = false;
  touched = Number.NaN;
  mode: Mode = Mode.Classifying;
  unit = -1;
  total = 0;
  numeric = 0;
  integers = 0;
  idLike = 0;
  negatives = 0;
  repeats = 0;
  magnitude = 0;
  ring: number[] | null = new Array<number>(RING).fill(Number.NaN);
  ringPos = 0;
  intLike = false;
  baseN = 0;
  med = 0;
  dev = 0;
  rate = 0;
  fast = Number.NaN;
  run = 0;
  lastRaised = Number.NaN;
  raised = Number.NaN;
  wCount = 0;
  wSum = 0;
  wMax = Number.NaN;
  maxId: string | null = null;

  constructor(
    readonly service: string,
    readonly patternId: string,
    readonly index: number,
    public template: string,
    public first: number,
  ) {}

  /** The numeric fields, in the order of {@link ParameterKeyState.numbers}. */
  // prettier-ignore
  static readonly FIELDS = [
    'touched', 'mode', 'unit', 'total', 'numeric', 'integers', 'idLike', 'negatives', 'repeats',
    'magnitude', 'ringPos', 'intLike', 'baseN', 'med', 'dev', 'rate', 'fast', 'run', 'lastRaised',
    'raised', 'wCount', 'wSum', 'wMax', 'first',
  ] as const;
}

type Field = (typeof ParamKey.FIELDS)[number];

/**
 * Watches the numeric parameters of each (service, pattern, `<*>` index): a parameter whose
 * values parse as numbers (with `ms`/`s`/`KB`/`%`-style units, normalised to ms and bytes) keeps a
 * robust running distribution, in log space (`log1p`) when it never goes negative: a median
 * tracked by fixed-size sign steps (the "frugal" streaming quantile of Ma, Muthukrishnan &
 * Sandler, 2013) and an EWMA of clipped absolute deviation, stepping about `windowMs / memoryMs`
 * spreads per window however busy the pattern is (the deviation four times slower, so an
 * incident does not widen it at once). It raises (upwards only) a single
 * value beyond `zThreshold + 2` spreads at once, and a drift when a fast EWMA of window means
 * stands `zThreshold` spreads above that slow median, the spread divided by √(records per window),
 * at most 3 (a window mean is less noisy than one value, but real series are autocorrelated).
 *
 * Not a measurement, after `classifySamples` occurrences, and then ignored for good: fewer than 90%
 * numeric; over 10% id-shaped (leading zeros, more than 15 digits); or unit-less integers that
 * almost never repeat (under 10% equal to one of the previous 8) with a typical magnitude of
 * 10^4 or more, which are identifiers (block ids, ports, timestamps) rather than quantities; or
 * unit-less integers that mostly repeat (60% or more equal to one of the previous 8), which are
 * codes (HTTP statuses, exit codes) rather than quantities.
 * Memory is capped by `maxKeys`, evicting the key seen least recently.
 *
 * @example
 *   const sut = new ParameterOutlierDetector(DEFAULT_DETECTOR_SETTINGS);
 *   sut.observe(record, out); // `Request took <*>` with params ['5300ms'] may raise at once
 *   sut.advance(now, out);
 */
export class ParameterOutlierDetector implements StreamingDetector<ParameterOutlierState> {
  readonly kind = 'parameter_outlier' as const;
  readonly #settings: DetectorSettings;
  readonly #maxKeys: number;
  readonly #maxParams: number;
  readonly #step: number;
  readonly #classifyAt: number;
  readonly #repeatMs: number;
  readonly #zThreshold: number;
  readonly #byService = new Map<string, Map<string, (ParamKey | undefined)[]>>();
  readonly #recency = new RecencyList<ParamKey>();
  #dirty: ParamKey[] = [];
  #size = 0;
  #current: number | null = null;

  constructor(settings: DetectorSettings, options: ParameterOutlierOptions = {}) {
    checkSettings(settings);
    this.#settings = settings;
    this.#maxKeys = positiveOption('maxKeys', options.maxKeys ?? 20_000);
    this.#maxParams = positiveOption('maxParams', options.maxParams ?? 8);
    this.#step = Math.min(
      1,
      settings.windowMs / positiveOption('memoryMs', options.memoryMs ?? 7.2e6),
    );
    this.#classifyAt = positiveOption('classifySamples', options.classifySamples ?? 32);
    this.#repeatMs = positiveOption('repeatMs', options.repeatMs ?? settings.windowMs);
    this.#zThreshold = zThreshold(settings.sensitivity);
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.#size;
  }

  observe(o: Observation, out: Candidate[]): void {
    if (!Number.isFinite(o.at)) return;
    const at = windowStart(o.at, this.#settings.windowMs);
    if (this.#current === null) this.#current = at;
    else if (at > this.#current) this.advance(at, out);
    if (at < this.#current) return;
    const count = Math.min(o.params.length, this.#maxParams);
    if (count === 0) return;
    let patterns = this.#byService.get(o.service);
    let keys = patterns?.get(o.patternId);
    for (let i = 0; i < count; i++) {
      const v = parseMeasure(o.params[i] ?? '');
      let key = keys?.[i];
      if (!key) {
        if (Number.isNaN(v)) continue;
        if (!patterns) {
          patterns = new Map();
          this.#byService.set(o.service, patterns);
        }
        if (!keys) {
          keys = [];
          patterns.set(o.patternId, keys);
        }
        key = new ParamKey(o.service, o.patternId, i, o.template, o.at);
        this.#insert(keys, key);
      }
      this.#sample(key, v, o, at, out);
    }
  }

  advance(now: number, out: Candidate[]): void {
    if (!Number.isFinite(now)) return;
    const target = windowStart(now, this.#settings.windowMs);
    if (this.#current === null || target <= this.#current) {
      this.#current ??= target;
      return;
    }
    this.#close(this.#current, out);
    this.#current = target;
  }

  toState(): ParameterOutlierState {
    const keys: ParameterKeyState[] = [];
    for (let k = this.#recency.oldest; k; k = k.newer) {
      keys.push({
        service: k.service,
        patternId: k.patternId,
        index: k.index,
        template: k.template,
        numbers: ParamKey.FIELDS.map((f) => finite(Number(k[f]))),
        ring: k.ring ? k.ring.map(finite) : null,
        maxId: k.maxId,
      });
    }
    return { current: this.#current, keys };
  }

  static fromState(
    state: ParameterOutlierState,
    settings: DetectorSettings,
    options: ParameterOutlierOptions = {},
  ): ParameterOutlierDetector {
    const sut = new ParameterOutlierDetector(settings, options);
    sut.#current = state.current;
    for (const x of state.keys) {
      if (x.numbers.length !== ParamKey.FIELDS.length) {
        throw new RangeError(`parameter key state has ${x.numbers.length} numbers`);
      }
      const key = new ParamKey(x.service, x.patternId, x.index, x.template, 0);
      const target = key as unknown as Record<Field, number | boolean>;
      ParamKey.FIELDS.forEach((f, i) => {
        const v = x.numbers[i] ?? Number.NaN;
        target[f] = f === 'intLike' ? v === 1 : v;
      });
      key.ring = x.ring ? x.ring.map((v) => v ?? Number.NaN) : null;
      key.maxId = x.maxId;
      let patterns = sut.#byService.get(x.service);
      if (!patterns) {
        patterns = new Map();
        sut.#byService.set(x.service, patterns);
      }
      let keys = patterns.get(x.patternId);
      if (!keys) {
        keys = [];
        patterns.set(x.patternId, keys);
      }
      sut.#insert(keys, key);
      if (key.wCount > 0 || key.touched === state.current) {
        key.dirty = true;
        sut.#dirty.push(key);
      }
    }
    return sut;
  }

  #insert(keys: (ParamKey | undefined)[], key: ParamKey): void {
    keys[key.index] = key;
    this.#recency.touch(key);
    this.#size++;
    const oldest = this.#recency.oldest;
    if (this.#size <= this.#maxKeys || !oldest || oldest === key) return;
    this.#recency.remove(oldest);
    oldest.evicted = true;
    this.#size--;
    const patterns = this.#byService.get(oldest.service);
    const owner = patterns?.get(oldest.patternId);
    if (!patterns || !owner) return;
    owner[oldest.index] = undefined;
    if (owner.every((k) => k === undefined)) patterns.delete(oldest.patternId);
    if (patterns.size === 0) this.#byService.delete(oldest.service);
  }

  #sample(key: ParamKey, v: number, o: Observation, at: number, out: Candidate[]): void {
    if (key.touched !== at) {
      key.touched = at;
      key.template = o.template;
      this.#recency.touch(key);
    }
    if (!key.dirty) {
      key.dirty = true;
      this.#dirty.push(key);
    }
    key.total++;
    if (key.mode === Mode.Ignored || Number.isNaN(v)) return;
    if (key.unit === -1) key.unit = parsed.unit;
    else if (key.unit !== parsed.unit) return;
    key.numeric++;
    if (key.mode === Mode.Classifying) return this.#classify(key, v);
    if (key.mode === Mode.Log && v < 0) return;
    const t = key.mode === Mode.Log ? Math.log1p(v) : v;
    key.wCount++;
    key.wSum += t;
    if (!(v <= key.wMax)) {
      key.wMax = v;
      key.maxId = o.logId;
    }
    if (this.#learned(key, o.at) && key.raised !== at && key.run === 0) {
      const z = (t - key.med) / this.#spread(key);
      if (z >= this.#zThreshold + 2) {
        key.raised = at;
        out.push(this.#candidate(key, o.at, o.at, v, z - 2, [o.logId], 'was'));
        return;
      }
    }
    this.#learn(key, t);
  }

  #classify(key: ParamKey, v: number): void {
    const ring = key.ring ?? [];
    if (parsed.integer) key.integers++;
    if (parsed.idLike) key.idLike++;
    if (v < 0) key.negatives++;
    if (ring.includes(v)) key.repeats++;
    ring[key.ringPos++ % RING] = v;
    key.magnitude += Math.log10(Math.abs(v) + 1);
    if (key.total < this.#classifyAt) return;
    const n = key.numeric;
    const unitlessInts = key.unit === 0 && key.integers >= 0.95 * n;
    const identifier = unitlessInts && key.repeats < 0.1 * n && key.magnitude >= 4 * n;
    // Mostly repeating unit-less integers are codes (HTTP statuses, exit codes, enum values):
    // their mean moves when the mix of codes does, which the error and rate detectors judge.
    const code = unitlessInts && key.repeats >= 0.6 * n;
    if (n < 0.9 * key.total || key.idLike > 0.1 * n || identifier || code) key.mode = Mode.Ignored;
    else key.mode = key.negatives === 0 ? Mode.Log : Mode.Linear;
    key.intLike = key.integers >= 0.95 * n;
    key.ring = null;
  }

  #learn(key: ParamKey, t: number): void {
    const n = ++key.baseN;
    const d = t - key.med;
    if (n <= WARM) {
      key.med += d / n;
      key.dev += (Math.abs(d) - key.dev) / n;
      return;
    }
    const sp = this.#spread(key);
    const a = this.#step / Math.max(1, key.rate);
    key.med += a * sp * Math.sign(d);
    key.dev += (a / 4) * (Math.min(Math.abs(d), 3 * sp) - key.dev);
  }

  #learned(key: ParamKey, at: number): boolean {
    return key.baseN > WARM && at - key.first >= this.#settings.learningMs;
  }

  #spread(key: ParamKey): number {
    const sp = key.dev * MAD_TO_SD;
    if (key.mode === Mode.Log) return Math.max(sp, 0.05);
    return Math.max(sp, 0.01 * Math.abs(key.med), key.intLike ? 0.5 : 1e-9);
  }

  #close(at: number, out: Candidate[]): void {
    for (const key of this.#dirty) {
      key.dirty = false;
      if (key.evicted || key.wCount === 0) continue;
      const mean = key.wSum / key.wCount;
      key.fast = Number.isNaN(key.fast) ? mean : key.fast + 0.3 * (mean - key.fast);
      key.rate = key.rate === 0 ? key.wCount : key.rate + 0.1 * (key.wCount - key.rate);
      if (this.#learned(key, at)) {
        const sd = this.#spread(key) / Math.sqrt(Math.min(9, Math.max(1, key.rate)));
        const z = (key.fast - key.med) / sd;
        key.run = z >= this.#zThreshold ? key.run + 1 : 0;
        const repeat = !(at - key.lastRaised < this.#repeatMs);
        if (key.run > 0 && key.raised !== at && (key.run === 1 || repeat)) {
          key.lastRaised = at;
          const ids = key.maxId === null ? [] : [key.maxId];
          const observed = this.#inverse(key, key.fast);
          out.push(
            this.#candidate(key, at, at + this.#settings.windowMs, observed, z, ids, 'drifted to'),
          );
        }
      }
      key.wCount = 0;
      key.wSum = 0;
      key.wMax = Number.NaN;
      key.maxId = null;
    }
    this.#dirty = [];
  }

  #inverse(key: ParamKey, t: number): number {
    return key.mode === Mode.Log ? Math.expm1(t) : t;
  }

  #candidate(
    key: ParamKey,
    from: number,
    to: number,
    observed: number,
    z: number,
    exampleLogIds: string[],
    verb: string,
  ): Candidate {
    const expected = this.#inverse(key, key.med);
    const unit = UNIT_NAMES[key.unit] ?? 'value';
    const suffix = unit === 'value' ? '' : unit === '%' ? '%' : ` ${unit}`;
    const template = key.template.length > 120 ? `${key.template.slice(0, 117)}...` : key.template;
    return {
      kind: this.kind,
      service: key.service,
      subject: `${key.patternId}#${key.index}`,
      from,
      to,
      score: thresholdScore(z, this.#zThreshold),
      explanation:
        `parameter ${key.index + 1} of \`${template}\` ${verb} ${format(observed)}${suffix} ` +
        `on ${key.service} (typically ${format(expected)}${suffix})`,
      evidence: {
        patternIds: [key.patternId],
        templates: [key.template],
        observed,
        expected,
        unit,
        exampleLogIds,
        parameterIndex: key.index,
      },
    };
  }
}

function format(x: number): string {
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Math.round(x * 100) / 100);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
