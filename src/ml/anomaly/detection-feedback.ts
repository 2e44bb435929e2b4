import { DETECTOR_KINDS, type DetectorKind } from './detector';

/** What a person said about an anomaly. */
export type FeedbackVerdict = 'true_positive' | 'false_positive' | 'noise';

export const FEEDBACK_VERDICTS: readonly FeedbackVerdict[] = [
  'true_positive',
  'false_positive',
  'noise',
];

/**
 * One verdict about what one detector raised on one service. `patternId` null or absent means
 * the detector as a whole on the service (error surges, window outliers and sequences are not
 * about one pattern). `family` groups similar patterns (`templateFamily` in feedback-keys.ts).
 */
export interface DetectionFeedbackRecord {
  kind: DetectorKind;
  service: string;
  patternId?: string | null;
  family?: string;
  verdict: FeedbackVerdict;
  /** When it was given, epoch ms on the detection clock (event time; live, the wall clock). */
  at: number;
}

/** What a candidate is looked up by. */
export interface FeedbackKey {
  kind: DetectorKind;
  service: string;
  patternId?: string | null;
  family?: string;
}

/** What feedback does to one candidate. */
export interface FeedbackAdjustment {
  /** Added to the ensemble's open score: positive asks for more evidence, negative for less. */
  shift: number;
  /** Drop the candidate altogether. */
  muted: boolean;
}

/** What a stored adjustment is about: the detector on a service, one pattern, or a family. */
export type FeedbackScope = 'detector' | 'pattern' | 'family';

/** One remembered key (plain JSON, part of the state). */
export interface FeedbackEntry {
  kind: DetectorKind;
  service: string;
  scope: FeedbackScope;
  /** The pattern id or family; null for the detector scope. */
  name: string | null;
  /** The open-score shift as of `at`; it decays from there. */
  shift: number;
  at: number;
  /** False positives and noise since the last true positive. */
  strikes: number;
  muted: boolean;
}

export interface DetectionFeedbackState {
  version: 1;
  entries: FeedbackEntry[];
}

const DAY_MS = 86_400_000;

/**
 * Half-life of a shift: a week, so a verdict outlasts the daily and weekly rhythm that made the
 * detector fire, yet a pattern that behaves for a month is back near its configured threshold.
 */
export const FEEDBACK_HALF_LIFE_MS = 7 * DAY_MS;
/**
 * Raise per false positive: 0.1 of open score is what 0.2 of sensitivity changes it by
 * (`openScoreFor`), i.e. one verdict turns a key one notch more conservative.
 */
export const FALSE_POSITIVE_STEP = 0.1;
/** Raise per noise verdict: half a false positive's, since the event was real, just unimportant. */
export const NOISE_STEP = 0.05;
/**
 * Cap on the raise of one key: three false positives' worth. Beyond that muting takes over; a
 * larger raise would mute in all but name while still costing the lookups.
 */
export const MAX_RAISE = 0.3;
/**
 * Lowering per true positive on the pattern itself: half a false positive's step, since each
 * lowering buys more anomalies (and more of them false) everywhere the pattern recurs.
 */
export const TRUE_POSITIVE_STEP = 0.05;
/** Lowering per true positive for similar patterns (same family, or the detector): half again. */
export const SIMILAR_STEP = 0.025;
/** Cap on the lowering of one key: two confirmed incidents' worth. */
export const MAX_LOWER = 0.1;
/**
 * Caps on the summed shift of a candidate (detector + pattern + family). Raised by 0.35 the
 * default open score is 0.95, which only a near-certain candidate reaches: more would be a mute
 * in all but name. Lowered by 0.15 (a key's cap and half a similar one's) it is what 0.3 more
 * sensitivity gives, as far as confirmed incidents may push it.
 */
export const MAX_TOTAL_RAISE = 0.35;
export const MAX_TOTAL_LOWER = 0.15;
/** False positives or noise (with no true positive in between) that mute one pattern. */
export const MUTE_AFTER = 3;
/**
 * The same for a detector as a whole on a service: higher, since that mute hides every future
 * incident of its kind there, not one pattern's.
 */
export const MUTE_DETECTOR_AFTER = 5;
/**
 * Patterns of one detector on one service with false positives or noise (since their last true
 * positive) from which each further such verdict also raises the detector on the service by the
 * verdict's step: three different patterns wrong is no longer one pattern's quirk but a detector
 * too eager on that service, and a service has dozens of patterns feedback never reaches one by
 * one.
 */
export const SPREAD_PATTERNS = 3;
/**
 * Cap on what spread verdicts raise the detector scope by: what 0.4 less sensitivity does to the
 * open score (from 0.9 to the default 0.5), leaving further raises to the patterns' own.
 */
export const MAX_SPREAD_RAISE = 0.2;
/** Keys remembered per tenant; the least recently judged go first. */
export const MAX_FEEDBACK_ENTRIES = 5000;
/** Shifts below this (and with nothing else to remember) are forgotten when saving. */
const NEGLIGIBLE = 1e-3;

const NONE: FeedbackAdjustment = Object.freeze({ shift: 0, muted: false });

/**
 * What people said about anomalies, turned into per-key adjustments of detection. Keys are a
 * detector kind on a service, narrowed to a pattern or to a family of similar patterns. False
 * positives and noise raise the open score of their key by a bounded step that decays with a
 * half-life, and after MUTE_AFTER of them with no true positive the key is muted until a true
 * positive or a reset; false alarms spread over several patterns also raise the detector on the
 * service.
 * A true positive cancels the raise of its key, unmutes it and lowers it (bounded), and lowers
 * its similar patterns a little: its family when one is given, else the detector on the service.
 * Learning from analyst verdicts on shown anomalies follows Das et al., "Incorporating Expert
 * Feedback into Active Anomaly Discovery" (ICDM 2016); only a threshold moves here, per key.
 *
 * @example
 *   const feedback = new DetectionFeedback();
 *   feedback.apply({ kind: 'pattern_rate', service: 'web', patternId: 'p1', verdict: 'false_positive', at });
 *   feedback.adjustment({ kind: 'pattern_rate', service: 'web', patternId: 'p1' }, at); // shift 0.1
 */
export class DetectionFeedback {
  /** Insertion order = least recently judged first. */
  readonly #entries = new Map<string, FeedbackEntry>();

  get size(): number {
    return this.#entries.size;
  }

  /** Records one verdict. */
  apply(f: DetectionFeedbackRecord): void {
    checkRecord(f);
    const patternId = f.patternId ?? null;
    const scope: FeedbackScope = patternId === null ? 'detector' : 'pattern';
    const own = this.#touch(f.kind, f.service, scope, patternId, f.at);
    if (f.verdict === 'true_positive') {
      // A confirmed incident outweighs the false alarms before it: their raise goes at once.
      own.shift = Math.max(-MAX_LOWER, Math.min(own.shift, 0) - TRUE_POSITIVE_STEP);
      own.strikes = 0;
      own.muted = false;
      const detector = this.#entries.get(keyOf(f.kind, f.service, 'detector', null));
      if (detector !== undefined) {
        detector.strikes = 0;
        detector.muted = false;
      }
      const family = f.family !== undefined && f.family !== '' ? f.family : null;
      if (family === null && scope === 'detector') return;
      const similar = this.#touch(f.kind, f.service, family ? 'family' : 'detector', family, f.at);
      similar.shift = Math.max(-MAX_LOWER, similar.shift - SIMILAR_STEP);
      return;
    }
    const step = f.verdict === 'noise' ? NOISE_STEP : FALSE_POSITIVE_STEP;
    own.shift = Math.min(MAX_RAISE, own.shift + step);
    own.strikes++;
    if (own.strikes >= (own.scope === 'detector' ? MUTE_DETECTOR_AFTER : MUTE_AFTER)) {
      own.muted = true;
    }
    if (own.scope === 'pattern' && this.#strikingPatterns(f.kind, f.service) >= SPREAD_PATTERNS) {
      const detector = this.#touch(f.kind, f.service, 'detector', null, f.at);
      detector.shift = Math.min(Math.max(detector.shift, MAX_SPREAD_RAISE), detector.shift + step);
    }
  }

  /** The adjustment for a candidate at time `now` (the detection clock). */
  adjustment(key: FeedbackKey, now: number): FeedbackAdjustment {
    if (this.#entries.size === 0) return NONE;
    let shift = 0;
    let muted = false;
    const scopes: Array<[FeedbackScope, string | null]> = [['detector', null]];
    if (key.patternId != null) scopes.push(['pattern', key.patternId]);
    if (key.family !== undefined && key.family !== '') scopes.push(['family', key.family]);
    for (const [scope, name] of scopes) {
      const e = this.#entries.get(keyOf(key.kind, key.service, scope, name));
      if (e === undefined) continue;
      shift += decayed(e, now);
      muted ||= e.muted;
    }
    if (!muted && shift === 0) return NONE;
    return { shift: Math.max(-MAX_TOTAL_LOWER, Math.min(MAX_TOTAL_RAISE, shift)), muted };
  }

  /**
   * Forgets the feedback matching every field given (nothing given: all of it), mutes included.
   * With `patternId`, only that pattern's own entry goes (not its detector's nor its family's).
   */
  reset(filter: { kind?: DetectorKind; service?: string; patternId?: string } = {}): number {
    let removed = 0;
    for (const [k, e] of this.#entries) {
      if (filter.kind !== undefined && e.kind !== filter.kind) continue;
      if (filter.service !== undefined && e.service !== filter.service) continue;
      if (
        filter.patternId !== undefined &&
        !(e.scope === 'pattern' && e.name === filter.patternId)
      ) {
        continue;
      }
      this.#entries.delete(k);
      removed++;
    }
    return removed;
  }

  /** Plain JSON; negligible entries (decayed to nothing, no strikes, not muted) are left out. */
  toState(now: number): DetectionFeedbackState {
    const entries: FeedbackEntry[] = [];
    for (const e of this.#entries.values()) {
      const shift = decayed(e, now);
      const keep = e.muted || e.strikes > 0 || Math.abs(shift) >= NEGLIGIBLE;
      if (keep) entries.push({ ...e });
    }
    return { version: 1, entries };
  }

  static fromState(state: unknown): DetectionFeedback {
    const s = state as Partial<DetectionFeedbackState> | null;
    if (s === null || typeof s !== 'object' || s.version !== 1 || !Array.isArray(s.entries)) {
      throw new TypeError('invalid detection feedback state');
    }
    const feedback = new DetectionFeedback();
    for (const e of s.entries) {
      if (!validEntry(e)) throw new TypeError('invalid detection feedback state: entry');
      feedback.#entries.set(keyOf(e.kind, e.service, e.scope, e.name), { ...e });
    }
    feedback.#evict();
    return feedback;
  }

  /** The key's entry, decayed to `at` and moved to the young end (created when missing). */
  #touch(
    kind: DetectorKind,
    service: string,
    scope: FeedbackScope,
    name: string | null,
    at: number,
  ): FeedbackEntry {
    const k = keyOf(kind, service, scope, name);
    let e = this.#entries.get(k);
    if (e === undefined) {
      e = { kind, service, scope, name, shift: 0, at, strikes: 0, muted: false };
    } else {
      e.shift = decayed(e, at);
      e.at = Math.max(e.at, at);
      this.#entries.delete(k);
    }
    this.#entries.set(k, e);
    this.#evict();
    return e;
  }

  /** Pattern entries of the detector on the service with strikes. */
  #strikingPatterns(kind: DetectorKind, service: string): number {
    let n = 0;
    for (const e of this.#entries.values()) {
      if (e.scope === 'pattern' && e.strikes > 0 && e.kind === kind && e.service === service) n++;
    }
    return n;
  }

  #evict(): void {
    while (this.#entries.size > MAX_FEEDBACK_ENTRIES) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }
}

/** The part of a decayed shift left after `now - e.at` (never grows for `now` before `e.at`). */
function decayed(e: FeedbackEntry, now: number): number {
  if (e.shift === 0) return 0;
  const elapsed = Math.max(0, now - e.at);
  return e.shift * Math.pow(0.5, elapsed / FEEDBACK_HALF_LIFE_MS);
}

function keyOf(
  kind: DetectorKind,
  service: string,
  scope: FeedbackScope,
  name: string | null,
): string {
  return `${kind}\u0000${service}\u0000${scope}\u0000${name ?? ''}`;
}

function checkRecord(f: DetectionFeedbackRecord): void {
  if (!DETECTOR_KINDS.includes(f.kind)) throw new RangeError(`unknown detector kind ${f.kind}`);
  if (typeof f.service !== 'string' || f.service === '') {
    throw new TypeError('feedback needs a service');
  }
  if (f.patternId != null && (typeof f.patternId !== 'string' || f.patternId === '')) {
    throw new TypeError('a feedback pattern id must be a non-empty string');
  }
  if (f.family !== undefined && typeof f.family !== 'string') {
    throw new TypeError('a feedback family must be a string');
  }
  if (!FEEDBACK_VERDICTS.includes(f.verdict)) throw new RangeError(`unknown verdict ${f.verdict}`);
  if (!Number.isFinite(f.at)) throw new RangeError(`feedback time must be finite, got ${f.at}`);
}

function validEntry(e: unknown): e is FeedbackEntry {
  const x = e as Partial<FeedbackEntry> | null;
  return (
    x !== null &&
    typeof x === 'object' &&
    DETECTOR_KINDS.includes(x.kind as DetectorKind) &&
    typeof x.service === 'string' &&
    (x.scope === 'detector' || x.scope === 'pattern' || x.scope === 'family') &&
    (x.scope === 'detector' ? x.name === null : typeof x.name === 'string') &&
    Number.isFinite(x.shift) &&
    Number.isFinite(x.at) &&
    Number.isInteger(x.strikes) &&
    typeof x.muted === 'boolean'
  );
}
