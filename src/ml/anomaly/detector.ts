/**
 * The contract every streaming anomaly detector in src/ml/anomaly follows. Detectors run on
 * event time (the records' timestamps), so a week replayed at speed behaves like a live week;
 * the caller advances the clock (`advance`) when no records arrive, so silences are noticed.
 */

/** Which detector raised a candidate; also the kind of the anomaly it leads to. */
export type DetectorKind =
  | 'new_pattern'
  | 'pattern_rate'
  | 'error_surge'
  | 'window_outlier'
  | 'sequence'
  | 'parameter_outlier';

export const DETECTOR_KINDS: readonly DetectorKind[] = [
  'new_pattern',
  'pattern_rate',
  'error_surge',
  'window_outlier',
  'sequence',
  'parameter_outlier',
];

/**
 * The kind of an anomaly: a streaming detector's, or `trend` — an early warning raised by
 * forecasting (modules/forecasting) when a series is predicted to reach a level it should not.
 */
export type AnomalyKind = DetectorKind | 'trend';

export const ANOMALY_KINDS: readonly AnomalyKind[] = [...DETECTOR_KINDS, 'trend'];

/** One stored record as the detectors see it (all of one tenant). */
export interface Observation {
  /** The record's id, kept as evidence. */
  logId: string;
  /** The service (or dataset) the record belongs to. */
  service: string;
  /** Event time, epoch milliseconds. */
  at: number;
  /** OpenTelemetry severity number, 1..24 (0 = unspecified); 17 and above is an error. */
  severityNumber: number;
  patternId: string;
  /** The pattern's template, `<*>` for each parameter. */
  template: string;
  /** True when the template miner created the pattern with this very record. */
  newPattern: boolean;
  /** The values behind the template's `<*>`, in order. */
  params: readonly string[];
  /** The session the record belongs to (trace id by default), or null. */
  sessionKey: string | null;
}

/** What a person is shown to explain a candidate. Every field but `patternIds` is optional. */
export interface Evidence {
  /** Patterns involved, most telling first. */
  patternIds: string[];
  /** Their templates, same order (as far as known). */
  templates?: string[];
  /** The value seen (a count per window, a share, a parameter value, ...). */
  observed?: number;
  /** What the baseline expected in its place. */
  expected?: number;
  /** The unit of observed/expected: 'per window', 'share', or a parameter's unit. */
  unit?: string;
  /** A few records that show it (at most 5). */
  exampleLogIds: string[];
  /** The session a sequence candidate is about. */
  sessionKey?: string;
  /** The session's pattern ids in order (at most 50). */
  sequence?: string[];
  /** For parameter outliers: which `<*>` (0-based) of the pattern. */
  parameterIndex?: number;
}

/** A detector's claim that something is off; the ensemble turns candidates into anomalies. */
export interface Candidate {
  kind: DetectorKind;
  service: string;
  /** What within the service the candidate is about (a pattern id, 'errors', a session key...). */
  subject: string;
  /** Start of the window or the time of the record it is about, epoch ms. */
  from: number;
  /** End of the window (or the record time), epoch ms. */
  to: number;
  /** How abnormal, in [0, 1]; 0.5 is "worth a look", 0.9 "someone should know now". */
  score: number;
  /** One sentence a person can read, e.g. "`Timeout connecting to <*>` rose from 2/min to 340/min on checkout". */
  explanation: string;
  evidence: Evidence;
}

/** Settings shared by the detectors; every detector reads the ones it needs. */
export interface DetectorSettings {
  /** The aggregation interval of window-based detectors, ms (default one minute). */
  windowMs: number;
  /**
   * Event time a detector learns for before it raises anything for a service (or a pattern,
   * for per-pattern detectors), ms.
   */
  learningMs: number;
  /**
   * In (0, 1]: 0.5 is the default; higher raises more candidates (lower thresholds), lower fewer.
   */
  sensitivity: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  windowMs: 60_000,
  learningMs: 6 * 3_600_000,
  sensitivity: 0.5,
};

/**
 * A streaming detector for one tenant (it keys its own state by service and pattern). Both
 * methods push what they raise onto `out` rather than returning arrays, so the hot path of
 * `observe` allocates nothing when nothing is wrong.
 */
export interface StreamingDetector<State = unknown> {
  readonly kind: DetectorKind;
  /** Sees one record (event times are roughly increasing; a late record must not crash it). */
  observe(o: Observation, out: Candidate[]): void;
  /**
   * Moves event time to `now`: closes every window that ends at or before it (including windows
   * in which nothing arrived) and pushes their candidates.
   */
  advance(now: number, out: Candidate[]): void;
  /** Plain JSON-serialisable state; the detector's static `fromState` restores it exactly. */
  toState(): State;
}

/** Clamps to [0, 1]; NaN becomes 0. */
export function clampScore(x: number): number {
  if (!(x > 0)) return 0;
  return x >= 1 ? 1 : x;
}

/** The start of the window of length `windowMs` that holds `at`. */
export function windowStart(at: number, windowMs: number): number {
  return Math.floor(at / windowMs) * windowMs;
}

/** Throws RangeError unless the settings are usable (every detector checks them first). */
export function checkSettings(s: DetectorSettings): void {
  if (!(s.windowMs > 0 && Number.isFinite(s.windowMs))) {
    throw new RangeError(`windowMs must be a positive number, got ${s.windowMs}`);
  }
  if (!(s.learningMs >= 0 && Number.isFinite(s.learningMs))) {
    throw new RangeError(`learningMs must be a non-negative number, got ${s.learningMs}`);
  }
  if (!(s.sensitivity > 0 && s.sensitivity <= 1)) {
    throw new RangeError(`sensitivity must be in (0, 1], got ${s.sensitivity}`);
  }
}

/** A detector option that must be a positive finite number. */
export function positiveOption(name: string, x: number): number {
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`${name} must be positive, got ${x}`);
  return x;
}

/**
 * The robust z-score a detector needs before it raises anything, for a sensitivity: 5 at the
 * default 0.5, 2 at 1, nearly 8 near 0.
 */
export function zThreshold(sensitivity: number): number {
  return 2 + 6 * (1 - sensitivity);
}

/** A z-score as a candidate score: logistic, 0.5 exactly at the threshold. */
export function thresholdScore(z: number, threshold: number): number {
  return clampScore(1 / (1 + Math.exp(threshold - z)));
}
