import {
  type Candidate,
  checkSettings,
  clampScore,
  type DetectorSettings,
  type Observation,
  positiveOption,
  type StreamingDetector,
} from './detector';

export interface NewPatternOptions {
  /** Known pattern ids kept per service (default 10,000); beyond it see the class notes. */
  maxPatternsPerService?: number;
  /** Services tracked; the least recently seen is forgotten (default 2,000). */
  maxServices?: number;
  /** Memory of the rate of new patterns per service, ms (default one day). */
  rateMemoryMs?: number;
  /** Candidates scoring below this are not raised (default 0.1). */
  minScore?: number;
}

export interface NewPatternServiceState {
  service: string;
  first: number;
  window: number;
  newInWindow: number;
  rate: number;
  /** [patternId, index of the window it was last seen in], oldest insertion first. */
  known: [string, number][];
  /** Hashes of the known templates with one token wildcarded (see `variantHashes`). */
  shapes?: number[];
}

export interface NewPatternState {
  /** Least recently seen first. */
  services: NewPatternServiceState[];
}

const HOUR_MS = 3_600_000;
/** How many of the oldest known patterns eviction looks at before dropping one regardless. */
const SECOND_CHANCES = 4;

/** Shapes (one-token variants of known templates) kept per service. */
const MAX_SHAPES = 20_000;
/** A template this short differs from another in a word that matters, not in a value. */
const MIN_VARIANT_TOKENS = 4;
/** How much a near-duplicate of a known pattern is damped. */
const VARIANT_DAMPING = 0.3;

class ServicePatterns {
  readonly known = new Map<string, number>();
  readonly shapes = new Set<number>();
  window: number;
  newInWindow = 0;
  rate = 0;

  constructor(
    readonly service: string,
    readonly first: number,
    window: number,
  ) {
    this.window = window;
  }
}

/**
 * Raises, the moment it arrives, a record whose pattern its service has never produced, once
 * the service has been seen for `learningMs` of event time (it learns silently until then).
 * The score is the severity's weight (error 0.9, warning 0.7, info 0.45, debug 0.3) damped by how
 * often the service produces new patterns anyway (an EWMA of new patterns per window, expressed
 * per hour, not counting the first quarter of the learning period, when a service shows its
 * vocabulary, in the spirit of the novelty rate of Du et al., "DeepLog", CCS 2017): a chatty
 * service with a new pattern every six minutes scores a sixth of a quiet one. Each pattern is
 * raised once per service. Memory: at most `maxPatternsPerService` ids per service, evicted in
 * insertion order with a second chance for ids seen within the last day (CLOCK); an evicted id
 * can be raised again if it returns. A new pattern that differs from a known one of the service
 * in a single token (`coupon BFCCBD rejected` beside `coupon AAEFFD rejected`, a value the miner
 * kept apart) is a variant, not news: its score is damped.
 *
 * @example
 *   const sut = new NewPatternDetector(DEFAULT_DETECTOR_SETTINGS);
 *   sut.observe(record, out); // out gets a 'new_pattern' candidate for a novel pattern
 */
export class NewPatternDetector implements StreamingDetector<NewPatternState> {
  readonly kind = 'new_pattern' as const;
  readonly #settings: DetectorSettings;
  readonly #maxPatterns: number;
  readonly #maxServices: number;
  readonly #alpha: number;
  readonly #minScore: number;
  readonly #services = new Map<string, ServicePatterns>();

  constructor(settings: DetectorSettings, options: NewPatternOptions = {}) {
    checkSettings(settings);
    this.#settings = settings;
    this.#maxPatterns = positiveOption(
      'maxPatternsPerService',
      options.maxPatternsPerService ?? 10_000,
    );
    this.#maxServices = positiveOption('maxServices', options.maxServices ?? 2_000);
    const memory = positiveOption('rateMemoryMs', options.rateMemoryMs ?? 24 * HOUR_MS);
    this.#alpha = Math.min(1, settings.windowMs / memory);
    this.#minScore = options.minScore ?? 0.1;
    if (!(this.#minScore >= 0 && this.#minScore <= 1)) {
      throw new RangeError(`minScore must be in [0, 1], got ${this.#minScore}`);
    }
  }

  observe(o: Observation, out: Candidate[]): void {
    if (!Number.isFinite(o.at)) return;
    const window = Math.floor(o.at / this.#settings.windowMs);
    let s = this.#services.get(o.service);
    if (!s) {
      s = new ServicePatterns(o.service, o.at, window);
      this.#services.set(o.service, s);
      if (this.#services.size > this.#maxServices) {
        const oldest = this.#services.keys().next().value;
        if (oldest !== undefined) this.#services.delete(oldest);
      }
    }
    if (window > s.window) {
      this.#fold(s, window);
      this.#services.delete(o.service);
      this.#services.set(o.service, s);
    }
    const seen = s.known.get(o.patternId);
    if (seen !== undefined) {
      if (seen < window) s.known.set(o.patternId, window);
      return;
    }
    this.#remember(s, o.patternId, window);
    const variant = this.#rememberShape(s, o.template);
    const damping =
      (1 + (s.rate * HOUR_MS) / this.#settings.windowMs / 2 + s.newInWindow / 10) /
      (variant ? VARIANT_DAMPING : 1);
    const age = o.at - s.first;
    if (age >= this.#settings.learningMs / 4) s.newInWindow++;
    if (age < this.#settings.learningMs) return;
    const score = clampScore(
      (severityWeight(o.severityNumber) / damping) * (0.5 + this.#settings.sensitivity),
    );
    if (score < this.#minScore) return;
    const template = o.template.length > 120 ? `${o.template.slice(0, 117)}...` : o.template;
    out.push({
      kind: this.kind,
      service: o.service,
      subject: o.patternId,
      from: o.at,
      to: o.at,
      score,
      explanation: `new ${severityWord(o.severityNumber)}pattern on ${o.service}: \`${template}\``,
      evidence: {
        patternIds: [o.patternId],
        templates: [o.template],
        exampleLogIds: [o.logId],
      },
    });
  }

  /** Nothing to close: the rate of new patterns catches up lazily at the next record. */
  advance(): void {}

  toState(): NewPatternState {
    return {
      services: [...this.#services.values()].map((s) => ({
        service: s.service,
        first: s.first,
        window: s.window,
        newInWindow: s.newInWindow,
        rate: s.rate,
        known: [...s.known],
        shapes: [...s.shapes],
      })),
    };
  }

  static fromState(
    state: NewPatternState,
    settings: DetectorSettings,
    options: NewPatternOptions = {},
  ): NewPatternDetector {
    const sut = new NewPatternDetector(settings, options);
    for (const x of state.services) {
      const s = new ServicePatterns(x.service, x.first, x.window);
      s.newInWindow = x.newInWindow;
      s.rate = x.rate;
      for (const [id, window] of x.known) s.known.set(id, window);
      for (const h of x.shapes ?? []) s.shapes.add(h);
      sut.#services.set(x.service, s);
    }
    return sut;
  }

  #fold(s: ServicePatterns, window: number): void {
    const a = this.#alpha;
    s.rate += a * (s.newInWindow - s.rate);
    s.rate *= (1 - a) ** Math.min(window - s.window - 1, 1e6);
    s.newInWindow = 0;
    s.window = window;
  }

  /** Records the template's shapes; true when one was known (a near-duplicate). */
  #rememberShape(s: ServicePatterns, template: string): boolean {
    const hashes = variantHashes(template);
    let known = false;
    for (const h of hashes) if (s.shapes.has(h)) known = true;
    for (const h of hashes) {
      s.shapes.add(h);
      if (s.shapes.size > MAX_SHAPES) s.shapes.delete(s.shapes.values().next().value as number);
    }
    return known;
  }

  #remember(s: ServicePatterns, patternId: string, window: number): void {
    s.known.set(patternId, window);
    if (s.known.size <= this.#maxPatterns) return;
    const recent = window - Math.ceil((24 * HOUR_MS) / this.#settings.windowMs);
    for (let i = 0; i < SECOND_CHANCES; i++) {
      const [id, seen] = s.known.entries().next().value as [string, number];
      s.known.delete(id);
      if (seen < recent || id === patternId) return;
      s.known.set(id, seen);
    }
    const id = s.known.keys().next().value;
    if (id !== undefined) s.known.delete(id);
  }
}

/**
 * FNV-1a hashes of the template with each of its tokens in turn replaced by `<*>` (none for a
 * template of fewer than MIN_VARIANT_TOKENS tokens): two templates share a hash exactly when they
 * differ in one token at most (or collide, one in four billion).
 */
export function variantHashes(template: string): number[] {
  const tokens = template.split(' ');
  if (tokens.length < MIN_VARIANT_TOKENS) return [];
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let h = 0x811c9dc5;
    for (let t = 0; t < tokens.length; t++) {
      const token = t === i ? '<*>' : (tokens[t] as string);
      for (let c = 0; c < token.length; c++) {
        h ^= token.charCodeAt(c);
        h = Math.imul(h, 0x01000193);
      }
      h ^= 32;
      h = Math.imul(h, 0x01000193);
    }
    out.push((h ^ i) >>> 0);
  }
  return out;
}

function severityWeight(severity: number): number {
  if (severity >= 17) return 0.9;
  if (severity >= 13) return 0.7;
  if (severity >= 9 || severity === 0) return 0.45;
  return 0.3;
}

function severityWord(severity: number): string {
  if (severity >= 21) return 'fatal ';
  if (severity >= 17) return 'error ';
  if (severity >= 13) return 'warning ';
  if (severity >= 9 || severity === 0) return '';
  return 'debug ';
}
