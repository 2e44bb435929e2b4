import {
  type AnomalyKind,
  type Candidate,
  DETECTOR_KINDS,
  type DetectorKind,
  type Evidence,
} from './detector';

/** An anomaly as the ensemble keeps it: one per service and stretch of time. */
export interface EnsembleAnomaly {
  id: string;
  service: string;
  /** The kind of the strongest candidate (`trend`: raised by forecasting, not the ensemble). */
  kind: AnomalyKind;
  /** Every kind that contributed, strongest first. */
  kinds: AnomalyKind[];
  /** The highest combined score reached, in [0, 1]. */
  score: number;
  status: 'open' | 'resolved';
  /** Event time the first contributing candidate starts. */
  from: number;
  /** Event time the last contributing candidate ends; null while open. */
  to: number | null;
  /** Event time the anomaly opened (the detection time, for time-to-detect). */
  detectedAt: number;
  /** Event time of the last contributing candidate. */
  lastActivity: number;
  /** The strongest candidate's explanation. */
  explanation: string;
  /** The strongest candidate's evidence, with patterns and examples of the others added. */
  evidence: Evidence;
  /** What the candidates were about (pattern ids, sessions, ...), at most MAX_SUBJECTS. */
  subjects: string[];
  /** Candidates that contributed. */
  candidates: number;
}

export interface AnomalyChange {
  type: 'opened' | 'updated' | 'resolved';
  /** A copy: later changes do not alter it. */
  anomaly: EnsembleAnomaly;
}

export interface EnsembleOptions {
  /** Combined score at which an anomaly opens (a service's sensitivity may pass another). */
  openScore: number;
  /** Candidates of one service this close in event time corroborate each other, ms. */
  corroborationMs: number;
  /** An open anomaly with no contributing candidate for this long resolves, ms. */
  quietMs: number;
  /** Anomalies open at once per tenant; beyond it the quietest resolves early. */
  maxOpen: number;
  /** A rise of the combined score by at least this much is reported as an update. */
  updateStep: number;
  /**
   * Kinds whose candidates open an anomaly on their own only from this score: a window whose
   * pattern mix is unusual, with nothing else unusual, is weak evidence.
   */
  soloFloor: Partial<Record<DetectorKind, number>>;
}

export const DEFAULT_ENSEMBLE_OPTIONS: EnsembleOptions = {
  openScore: 0.6,
  corroborationMs: 60_000,
  quietMs: 180_000,
  maxOpen: 1000,
  updateStep: 0.05,
  soloFloor: { window_outlier: 0.75 },
};

const MAX_SUBJECTS = 20;
const MAX_PATTERNS = 10;
const MAX_EXAMPLES = 5;
/** Weak candidates kept per service while no anomaly is open. */
const MAX_PENDING = 32;

interface ServiceState {
  /** Recent candidates not (yet) part of an anomaly. */
  pending: Candidate[];
  open: EnsembleAnomaly | null;
  /** Per kind, the best score contributing to the open anomaly. */
  best: Partial<Record<DetectorKind, number>>;
}

export interface EnsembleState {
  version: 1;
  services: Array<{
    service: string;
    pending: Candidate[];
    open: EnsembleAnomaly | null;
    best: Partial<Record<DetectorKind, number>>;
  }>;
}

/**
 * Combines detector candidates into anomalies a person can follow: per service, one anomaly
 * opens when the candidates of the last `corroborationMs` reach `openScore` together (the best
 * score per detector kind, combined as a noisy-OR, so independent detectors agreeing count more
 * than one detector repeating itself), is updated while candidates keep coming (new kinds, new
 * subjects, a higher score), and resolves after `quietMs` without one. Event time throughout.
 * Kinds listed in `soloFloor` (window outliers) need another kind beside them, or a high score,
 * to open an anomaly.
 *
 * The noisy-OR combination of independent evidence follows Pearl, "Probabilistic Reasoning in
 * Intelligent Systems" (1988), ch. 4.3.
 *
 * @example
 *   const ensemble = new AnomalyEnsemble({}, () => randomUUID());
 *   const changes: AnomalyChange[] = [];
 *   for (const c of candidates) ensemble.add(c, changes);
 *   ensemble.advance(now, changes); // resolves what went quiet
 */
export class AnomalyEnsemble {
  readonly options: EnsembleOptions;
  readonly #services = new Map<string, ServiceState>();
  #openCount = 0;

  constructor(
    options: Partial<EnsembleOptions>,
    private readonly newId: () => string,
  ) {
    this.options = { ...DEFAULT_ENSEMBLE_OPTIONS, ...options };
    const o = this.options;
    if (!(o.openScore > 0 && o.openScore <= 1)) {
      throw new RangeError(`openScore must be in (0, 1], got ${o.openScore}`);
    }
    for (const key of ['corroborationMs', 'quietMs', 'maxOpen'] as const) {
      if (!(o[key] > 0)) throw new RangeError(`${key} must be positive, got ${o[key]}`);
    }
  }

  /** Anomalies open now. */
  get open(): EnsembleAnomaly[] {
    const out: EnsembleAnomaly[] = [];
    for (const s of this.#services.values()) if (s.open) out.push(copy(s.open));
    return out;
  }

  /**
   * Takes one candidate. `openScore` overrides the ensemble's for this service (its
   * sensitivity); a candidate below half of it still extends an open anomaly's life only if it
   * is at least that strong.
   */
  add(c: Candidate, out: AnomalyChange[], openScore = this.options.openScore): void {
    const state = this.#state(c.service);
    const open = state.open;
    if (open !== null) {
      if (c.score < openScore / 2) return;
      this.#contribute(state, open, c, out);
      return;
    }
    const horizon = c.to - this.options.corroborationMs;
    const pending = state.pending.filter((p) => p.to >= horizon);
    pending.push(c);
    if (pending.length > MAX_PENDING) pending.splice(0, pending.length - MAX_PENDING);
    state.pending = pending;
    const best = bestPerKind(pending);
    if (combined(best) < openScore || this.#onlyWeak(best)) return;
    this.#openWith(state, pending, out);
  }

  /** Moves event time: anomalies quiet for `quietMs` resolve. */
  advance(now: number, out: AnomalyChange[]): void {
    for (const [service, state] of this.#services) {
      const open = state.open;
      if (open !== null && now - open.lastActivity >= this.options.quietMs) {
        this.#resolve(state, open, out);
      }
      if (state.open === null) {
        state.pending = state.pending.filter((p) => p.to >= now - this.options.corroborationMs);
        if (state.pending.length === 0) this.#services.delete(service);
      }
    }
  }

  /** Resolves every open anomaly at once (detection switched off for the tenant, say). */
  resolveAll(out: AnomalyChange[]): void {
    for (const state of this.#services.values()) {
      if (state.open) this.#resolve(state, state.open, out);
    }
  }

  toState(): EnsembleState {
    return {
      version: 1,
      services: [...this.#services].map(([service, s]) => ({
        service,
        pending: s.pending.map((c) => ({ ...c, evidence: { ...c.evidence } })),
        open: s.open ? copy(s.open) : null,
        best: { ...s.best },
      })),
    };
  }

  static fromState(
    state: unknown,
    options: Partial<EnsembleOptions>,
    newId: () => string,
  ): AnomalyEnsemble {
    const s = state as EnsembleState | null;
    if (s === null || typeof s !== 'object' || s.version !== 1 || !Array.isArray(s.services)) {
      throw new TypeError('invalid anomaly ensemble state');
    }
    const ensemble = new AnomalyEnsemble(options, newId);
    for (const entry of s.services) {
      if (typeof entry?.service !== 'string' || !Array.isArray(entry.pending)) {
        throw new TypeError('invalid anomaly ensemble state: service entry');
      }
      ensemble.#services.set(entry.service, {
        pending: entry.pending,
        open: entry.open ?? null,
        best: entry.best ?? {},
      });
      if (entry.open) ensemble.#openCount++;
    }
    return ensemble;
  }

  #state(service: string): ServiceState {
    let state = this.#services.get(service);
    if (state === undefined) {
      state = { pending: [], open: null, best: {} };
      this.#services.set(service, state);
    }
    return state;
  }

  /** True when every kind present needs corroboration and none reaches its solo floor. */
  #onlyWeak(best: Partial<Record<DetectorKind, number>>): boolean {
    const floors = this.options.soloFloor;
    for (const k of DETECTOR_KINDS) {
      const score = best[k];
      if (score === undefined) continue;
      const floor = floors[k];
      if (floor === undefined || score >= floor) return false;
    }
    return true;
  }

  #openWith(state: ServiceState, pending: Candidate[], out: AnomalyChange[]): void {
    if (this.#openCount >= this.options.maxOpen) this.#resolveQuietest(out);
    const sorted = [...pending].sort((a, b) => b.score - a.score);
    const top = sorted[0] as Candidate;
    const anomaly: EnsembleAnomaly = {
      id: this.newId(),
      service: top.service,
      kind: top.kind,
      kinds: [],
      score: 0,
      status: 'open',
      from: Math.min(...pending.map((p) => p.from)),
      to: null,
      detectedAt: Math.max(...pending.map((p) => p.to)),
      lastActivity: 0,
      explanation: top.explanation,
      evidence: { ...top.evidence, patternIds: [], exampleLogIds: [], templates: [] },
      subjects: [],
      candidates: 0,
    };
    state.open = anomaly;
    state.pending = [];
    state.best = {};
    this.#openCount++;
    for (const c of sorted) this.#merge(state, anomaly, c);
    out.push({ type: 'opened', anomaly: copy(anomaly) });
  }

  #contribute(
    state: ServiceState,
    open: EnsembleAnomaly,
    c: Candidate,
    out: AnomalyChange[],
  ): void {
    const before = { score: open.score, kinds: open.kinds.length, subjects: open.subjects.length };
    this.#merge(state, open, c);
    if (
      open.score >= before.score + this.options.updateStep ||
      open.kinds.length > before.kinds ||
      open.subjects.length > before.subjects
    ) {
      out.push({ type: 'updated', anomaly: copy(open) });
    }
  }

  /** Folds a candidate into an anomaly: score, kinds, subjects, evidence, time span. */
  #merge(state: ServiceState, a: EnsembleAnomaly, c: Candidate): void {
    a.candidates++;
    if (c.from < a.from) a.from = c.from;
    if (c.to > a.lastActivity) a.lastActivity = c.to;
    if (c.score > (state.best[c.kind] ?? 0)) state.best[c.kind] = c.score;
    a.kinds = DETECTOR_KINDS.filter((k) => state.best[k] !== undefined).sort(
      (x, y) => (state.best[y] ?? 0) - (state.best[x] ?? 0),
    );
    a.kind = a.kinds[0] as DetectorKind;
    // The strongest candidate of the leading kind explains the anomaly.
    if (c.kind === a.kind && c.score >= (state.best[a.kind] ?? 0)) {
      a.explanation = c.explanation;
      const { patternIds, exampleLogIds, templates } = a.evidence;
      a.evidence = { ...c.evidence, patternIds, exampleLogIds };
      if (templates) a.evidence.templates = templates;
      else delete a.evidence.templates;
    }
    const score = combined(state.best);
    if (score > a.score) a.score = score;
    if (a.subjects.length < MAX_SUBJECTS && !a.subjects.includes(c.subject)) {
      a.subjects.push(c.subject);
    }
    mergeEvidence(a.evidence, c.evidence);
  }

  #resolve(state: ServiceState, open: EnsembleAnomaly, out: AnomalyChange[]): void {
    open.status = 'resolved';
    open.to = open.lastActivity;
    state.open = null;
    state.best = {};
    this.#openCount--;
    out.push({ type: 'resolved', anomaly: copy(open) });
  }

  #resolveQuietest(out: AnomalyChange[]): void {
    let quietest: ServiceState | undefined;
    for (const s of this.#services.values()) {
      if (
        s.open &&
        (!quietest || s.open.lastActivity < (quietest.open as EnsembleAnomaly).lastActivity)
      ) {
        quietest = s;
      }
    }
    if (quietest?.open) this.#resolve(quietest, quietest.open, out);
  }
}

/** Noisy-OR of the best score per kind. */
function combined(best: Partial<Record<DetectorKind, number>>): number {
  let miss = 1;
  for (const k of DETECTOR_KINDS) {
    const s = best[k];
    if (s !== undefined) miss *= 1 - Math.min(1, Math.max(0, s));
  }
  return 1 - miss;
}

function bestPerKind(candidates: readonly Candidate[]): Partial<Record<DetectorKind, number>> {
  const best: Partial<Record<DetectorKind, number>> = {};
  for (const c of candidates) if (c.score > (best[c.kind] ?? 0)) best[c.kind] = c.score;
  return best;
}

function mergeEvidence(into: Evidence, from: Evidence): void {
  const templates = into.templates ?? [];
  from.patternIds.forEach((id, i) => {
    if (into.patternIds.length >= MAX_PATTERNS || into.patternIds.includes(id)) return;
    into.patternIds.push(id);
    const template = from.templates?.[i];
    if (template !== undefined) {
      templates[into.patternIds.length - 1] = template;
    }
  });
  if (templates.length > 0) into.templates = Array.from(templates, (t) => t ?? '');
  for (const id of from.exampleLogIds) {
    if (into.exampleLogIds.length >= MAX_EXAMPLES) break;
    if (!into.exampleLogIds.includes(id)) into.exampleLogIds.push(id);
  }
}

function copy(a: EnsembleAnomaly): EnsembleAnomaly {
  return {
    ...a,
    kinds: [...a.kinds],
    subjects: [...a.subjects],
    evidence: {
      ...a.evidence,
      patternIds: [...a.evidence.patternIds],
      exampleLogIds: [...a.evidence.exampleLogIds],
      ...(a.evidence.templates ? { templates: [...a.evidence.templates] } : {}),
      ...(a.evidence.sequence ? { sequence: [...a.evidence.sequence] } : {}),
    },
  };
}
