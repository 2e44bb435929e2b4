import {
  type AnomalyChange,
  AnomalyEnsemble,
  type EnsembleOptions,
  type EnsembleState,
} from './anomaly-ensemble';
import {
  type DetectionFeedbackRecord,
  type DetectionFeedbackState,
  DetectionFeedback,
} from './detection-feedback';
import {
  type Candidate,
  DEFAULT_DETECTOR_SETTINGS,
  DETECTOR_KINDS,
  type DetectorKind,
  type DetectorSettings,
  type Observation,
  type StreamingDetector,
} from './detector';
import { feedbackKeyOf } from './feedback-keys';

/** What a tenant (and, narrower, one of its services) configured for detection. */
export interface DetectionConfig {
  /** Tenant-wide detector settings. */
  settings: DetectorSettings;
  /** The detectors that run for the tenant. */
  enabled: DetectorKind[];
  /** Per service: another sensitivity, fewer detectors, or none at all (muted). */
  services: Record<string, ServiceDetectionConfig>;
}

export interface ServiceDetectionConfig {
  /** In (0, 1]; replaces the tenant's for this service's anomalies. */
  sensitivity?: number;
  /** The detectors whose candidates count for this service (a subset of the tenant's). */
  enabled?: DetectorKind[];
  /** No anomaly for this service at all. */
  muted?: boolean;
  /**
   * Event time from the service's first record before its candidates count, ms: a longer
   * learning period than the tenant's detectors have (they learn for `settings.learningMs`).
   */
  learningMs?: number;
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  settings: DEFAULT_DETECTOR_SETTINGS,
  enabled: [...DETECTOR_KINDS],
  services: {},
};

/** Builds and restores the detectors of one kind; supplied by the caller so this file stays small. */
export type DetectorFactory = {
  [K in DetectorKind]: {
    create(settings: DetectorSettings): StreamingDetector;
    restore(state: unknown, settings: DetectorSettings): StreamingDetector;
  };
};

export interface TenantDetectionState {
  version: 1;
  /** The latest event time seen. */
  clock: number;
  /** When each service was first seen (for per-service learning periods). */
  firstSeen?: Array<[service: string, at: number]>;
  detectors: Partial<Record<DetectorKind, unknown>>;
  ensemble: EnsembleState;
  /** What people said about anomalies (absent in states saved before feedback existed). */
  feedback?: DetectionFeedbackState;
}

/** Services whose first record is remembered (for per-service learning periods). */
const MAX_SERVICES = 10_000;

/** The ensemble's open score at the default sensitivity (0.5). */
const BASE_OPEN_SCORE = 0.6;

/**
 * The open score for a sensitivity: 0.5 gives BASE_OPEN_SCORE; 1 opens at 0.35, 0.1 at 0.8.
 * Exported for tests and the settings API, which explains it.
 */
export function openScoreFor(sensitivity: number): number {
  const s = Math.min(1, Math.max(0.01, sensitivity));
  return Math.min(0.95, Math.max(0.3, BASE_OPEN_SCORE + (0.5 - s) * 0.5));
}

/**
 * Bounds of an open score moved by feedback: 0.2 at the lowest (below it nearly any candidate
 * opens, even far under its detector's own threshold, a score of 0.5); 0.99 at the highest (only
 * a near-certain candidate opens; a key that should not open at all is muted instead).
 */
const MIN_FEEDBACK_OPEN_SCORE = 0.2;
const MAX_FEEDBACK_OPEN_SCORE = 0.99;

/** An open score shifted by feedback, within the bounds above. */
export function shiftedOpenScore(openScore: number, shift: number): number {
  return Math.min(MAX_FEEDBACK_OPEN_SCORE, Math.max(MIN_FEEDBACK_OPEN_SCORE, openScore + shift));
}

/**
 * Everything detection keeps for one tenant: its detectors (one of each enabled kind, each keyed
 * by service inside), the ensemble that turns their candidates into anomalies, and the event
 * clock. Pure and synchronous; the detection module feeds it records and ticks. People's verdicts
 * on anomalies (a DetectionFeedback) shift the open score per detector, service and pattern, or
 * mute them.
 *
 * @example
 *   const detection = new TenantDetection(DEFAULT_DETECTION_CONFIG, factory, () => randomUUID());
 *   const changes: AnomalyChange[] = [];
 *   detection.observe(observation, changes);
 *   detection.advance(detection.clock + 1000, changes);
 */
export class TenantDetection {
  readonly #detectors: StreamingDetector[] = [];
  readonly #ensemble: AnomalyEnsemble;
  readonly #candidates: Candidate[] = [];
  /** Service → event time of its first record; insertion order, at most MAX_SERVICES. */
  readonly #firstSeen = new Map<string, number>();
  readonly #feedback: DetectionFeedback;
  #config: DetectionConfig;
  #clock = 0;

  constructor(
    config: DetectionConfig,
    private readonly factory: DetectorFactory,
    newId: () => string,
    state?: unknown,
  ) {
    this.#config = config;
    const ensembleOptions: Partial<EnsembleOptions> = {
      corroborationMs: config.settings.windowMs,
      quietMs: 3 * config.settings.windowMs,
    };
    const s = state === undefined ? undefined : validState(state);
    this.#ensemble = s
      ? AnomalyEnsemble.fromState(s.ensemble, ensembleOptions, newId)
      : new AnomalyEnsemble(ensembleOptions, newId);
    this.#clock = s?.clock ?? 0;
    for (const [service, at] of s?.firstSeen ?? []) this.#firstSeen.set(service, at);
    this.#feedback =
      s?.feedback === undefined ? new DetectionFeedback() : DetectionFeedback.fromState(s.feedback);
    for (const kind of config.enabled) {
      const saved = s?.detectors[kind];
      const make = factory[kind];
      this.#detectors.push(
        saved === undefined ? make.create(config.settings) : make.restore(saved, config.settings),
      );
    }
  }

  /** The latest event time seen or advanced to. */
  get clock(): number {
    return this.#clock;
  }

  get config(): DetectionConfig {
    return this.#config;
  }

  /**
   * Takes a new configuration. Per-service changes apply at once; changed tenant settings or
   * detectors rebuild the detectors from their state (a detector switched on starts learning).
   */
  reconfigure(config: DetectionConfig, out: AnomalyChange[]): void {
    const old = this.#config;
    this.#config = config;
    if (
      JSON.stringify(old.settings) === JSON.stringify(config.settings) &&
      JSON.stringify(old.enabled) === JSON.stringify(config.enabled)
    ) {
      return;
    }
    const states = new Map(this.#detectors.map((d) => [d.kind, d.toState()]));
    this.#detectors.length = 0;
    for (const kind of config.enabled) {
      const saved = states.get(kind);
      const make = this.factory[kind];
      this.#detectors.push(
        saved === undefined ? make.create(config.settings) : make.restore(saved, config.settings),
      );
    }
    if (config.enabled.length === 0) this.#ensemble.resolveAll(out);
  }

  observe(o: Observation, out: AnomalyChange[]): void {
    if (o.at > this.#clock) this.#clock = o.at;
    if (!this.#firstSeen.has(o.service)) {
      this.#firstSeen.set(o.service, o.at);
      if (this.#firstSeen.size > MAX_SERVICES) {
        this.#firstSeen.delete(this.#firstSeen.keys().next().value as string);
      }
    }
    const candidates = this.#candidates;
    for (const d of this.#detectors) d.observe(o, candidates);
    if (candidates.length > 0) this.#consider(out);
  }

  /** Moves event time to `now` (never backwards): windows close, quiet anomalies resolve. */
  advance(now: number, out: AnomalyChange[]): void {
    if (now > this.#clock) this.#clock = now;
    const candidates = this.#candidates;
    for (const d of this.#detectors) d.advance(this.#clock, candidates);
    if (candidates.length > 0) this.#consider(out);
    this.#ensemble.advance(this.#clock, out);
  }

  /** Resolves every open anomaly now (detection switched off, say). */
  resolveAll(out: AnomalyChange[]): void {
    this.#ensemble.resolveAll(out);
  }

  /**
   * Takes a person's verdict on what a detector raised; later candidates of its key face a
   * shifted open score or are muted. `feedbackForAnomaly` (feedback-keys.ts) gives the
   * records a verdict on a whole anomaly stands for.
   */
  applyFeedback(feedback: DetectionFeedbackRecord): void {
    this.#feedback.apply(feedback);
  }

  /** Forgets feedback (all of it, or that matching the filter), unmuting what it muted. */
  resetFeedback(filter?: Parameters<DetectionFeedback['reset']>[0]): number {
    return this.#feedback.reset(filter);
  }

  get openAnomalies() {
    return this.#ensemble.open;
  }

  toState(): TenantDetectionState {
    const detectors: Partial<Record<DetectorKind, unknown>> = {};
    for (const d of this.#detectors) detectors[d.kind] = d.toState();
    return {
      version: 1,
      clock: this.#clock,
      firstSeen: [...this.#firstSeen],
      detectors,
      ensemble: this.#ensemble.toState(),
      feedback: this.#feedback.toState(this.#clock),
    };
  }

  #consider(out: AnomalyChange[]): void {
    const candidates = this.#candidates;
    const tenantSensitivity = this.#config.settings.sensitivity;
    const feedback = this.#feedback;
    for (const c of candidates) {
      const service = this.#config.services[c.service];
      if (service?.muted) continue;
      if (service?.enabled && !service.enabled.includes(c.kind)) continue;
      if (service?.learningMs !== undefined) {
        const first = this.#firstSeen.get(c.service) ?? c.to;
        if (c.to - first < service.learningMs) continue;
      }
      const openScore = openScoreFor(service?.sensitivity ?? tenantSensitivity);
      if (feedback.size === 0) {
        this.#ensemble.add(c, out, openScore);
        continue;
      }
      const adjustment = feedback.adjustment(feedbackKeyOf(c), c.to);
      if (adjustment.muted) continue;
      this.#ensemble.add(c, out, shiftedOpenScore(openScore, adjustment.shift));
    }
    candidates.length = 0;
  }
}

function validState(state: unknown): TenantDetectionState {
  const s = state as Partial<TenantDetectionState> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    s.version !== 1 ||
    typeof s.clock !== 'number' ||
    typeof s.detectors !== 'object' ||
    s.detectors === null
  ) {
    throw new TypeError('invalid tenant detection state');
  }
  return s as TenantDetectionState;
}
