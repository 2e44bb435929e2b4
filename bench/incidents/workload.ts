/**
 * A deterministic synthetic multi-service workload with labelled incidents, for scoring the
 * anomaly ensemble on a replayed week (`npm run eval:incidents`). Five services (web, database,
 * auth, queue, checkout) log from weighted templates with a daily (3x night to day) and weekly
 * (weekends at 60%) rhythm and Poisson noise; checkout and web requests are traced flows across
 * services; benign scheduled traffic (cron, backup, log rotation, bursts) must not be flagged.
 * Incidents follow the taxonomy of the LogHub/AIOps evaluations (error bursts, new failure
 * templates, silences, latency drifts, broken sessions, volume drops; cf. He et al., "Loghub",
 * ISSRE 2023; Du et al., "DeepLog", CCS 2017).
 *
 * Records are generated lazily, minute by minute, so a week never sits in memory; every call of
 * `records()` replays the same sequence for the same seed.
 *
 * @example
 *   const w = generateWorkload({ seed: 1, start: Date.UTC(2026, 0, 5), days: 7 });
 *   for (const rec of w.records()) driver.push(rec);
 *   console.log(w.incidents.length);
 */
import { BROKEN_MODES, type BrokenMode, FLOWS } from './flows';
import { Rand } from './prng';
import { emitScheduled } from './scheduled';
import {
  NOVEL_FAILURES,
  SERVICES,
  type ServiceDef,
  type Severity,
  type Template,
} from './services';

export type { Severity } from './services';

export type IncidentKind =
  | 'error_burst'
  | 'new_failure_pattern'
  | 'dependency_silent'
  | 'latency_drift'
  | 'broken_sequence'
  | 'volume_drop';

export const INCIDENT_KINDS: readonly IncidentKind[] = [
  'error_burst',
  'new_failure_pattern',
  'dependency_silent',
  'latency_drift',
  'broken_sequence',
  'volume_drop',
];

/** Where each kind makes sense (traced flows for sequences, dependencies for silences). */
export const ELIGIBLE_SERVICES: Readonly<Record<IncidentKind, readonly string[]>> = {
  error_burst: ['web', 'database', 'auth', 'queue', 'checkout'],
  new_failure_pattern: ['web', 'database', 'auth', 'queue', 'checkout'],
  dependency_silent: ['database', 'auth', 'queue'],
  latency_drift: ['web', 'database', 'auth', 'queue', 'checkout'],
  broken_sequence: ['checkout', 'web'],
  volume_drop: ['web', 'checkout'],
};

export interface GeneratedRecord {
  at: number;
  service: string;
  host: string;
  severity: Severity;
  message: string;
  traceId: string | null;
}

export interface LabelledIncident {
  id: string;
  kind: IncidentKind;
  /** The service where the incident shows. */
  service: string;
  /** True interval [from, to), epoch ms, minute-aligned. */
  from: number;
  to: number;
  description: string;
}

export interface WorkloadOptions {
  seed: number;
  /** Epoch ms, minute-aligned. */
  start: number;
  days: number;
  /** Mean background records per minute per service on a weekday (default 40). */
  ratePerMinute?: number;
  /** Default 4. */
  incidentsPerDay?: number;
  /** No incident starts in the first N hours (default 12). */
  warmupHours?: number;
}

export interface Workload {
  /** Time-ordered, lazily generated; each call replays the same records. */
  records(): Iterable<GeneratedRecord>;
  incidents: LabelledIncident[];
  services: string[];
  days: number;
  start: number;
  end: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Incidents on one service are at least this far apart, so slack never joins two. */
const SAME_SERVICE_GAP = 20 * MINUTE;
const VOLUME_DROP_FACTOR = 0.05;
const BROKEN_FLOW_SHARE = 0.7;

/** What the generator needs to play an incident, beyond its label. */
interface IncidentPlan {
  label: LabelledIncident;
  errorShare: number;
  drift: number;
  mode: BrokenMode;
  novelPerMinute: number;
  novel: (r: Rand) => string;
  novelSeverity: 'error' | 'fatal';
}

/** Builds the workload: plans the incidents now, generates records on demand. */
export function generateWorkload(opts: WorkloadOptions): Workload {
  const { seed, start, days } = opts;
  const rate = opts.ratePerMinute ?? 40;
  const perDay = opts.incidentsPerDay ?? 4;
  const warmupHours = opts.warmupHours ?? 12;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isFinite(start) || start % MINUTE !== 0) {
    throw new RangeError(`start must be a minute-aligned epoch ms, got ${start}`);
  }
  if (!(days > 0 && Number.isFinite(days))) throw new RangeError(`days must be > 0, got ${days}`);
  if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`ratePerMinute must be > 0`);
  if (!(perDay >= 0 && Number.isFinite(perDay)))
    throw new RangeError(`incidentsPerDay must be >= 0`);
  if (!(warmupHours >= 0)) throw new RangeError(`warmupHours must be >= 0`);
  const end = start + Math.round(days * 1440) * MINUTE;
  const plans = planIncidents(new Rand(seed ^ 0x5bd1e995), start + warmupHours * HOUR, end, perDay);
  return {
    records: () => ({ [Symbol.iterator]: () => generateRecords(seed, start, end, rate, plans) }),
    incidents: plans.map((p) => p.label),
    services: SERVICES.map((s) => s.name),
    days,
    start,
    end,
  };
}

function planIncidents(r: Rand, from: number, end: number, perDay: number): IncidentPlan[] {
  const span = end - from;
  if (span <= 0 || perDay === 0) return [];
  const count = Math.round((perDay * span) / DAY);
  const kinds = Array.from({ length: count }, (_, i) => INCIDENT_KINDS[i % INCIDENT_KINDS.length]!);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const plans: IncidentPlan[] = [];
  let novelIndex = 0;
  for (const kind of kinds) {
    for (let attempt = 0; attempt < 500; attempt++) {
      const service = r.pick(ELIGIBLE_SERVICES[kind]);
      const duration = r.int(5, 40) * MINUTE;
      const lastStart = Math.floor((end - duration - from) / MINUTE);
      if (lastStart < 0) break;
      const at = from + r.int(0, lastStart) * MINUTE;
      const clash = plans.some(
        (p) =>
          p.label.service === service &&
          at < p.label.to + SAME_SERVICE_GAP &&
          p.label.from < at + duration + SAME_SERVICE_GAP,
      );
      if (clash) continue;
      plans.push(makePlan(r, kind, service, at, at + duration, novelIndex));
      if (kind === 'new_failure_pattern') novelIndex++;
      break;
    }
  }
  plans.sort((a, b) => a.label.from - b.label.from);
  plans.forEach((p, i) => (p.label.id = `inc-${String(i + 1).padStart(3, '0')}`));
  return plans;
}

function makePlan(
  r: Rand,
  kind: IncidentKind,
  service: string,
  from: number,
  to: number,
  novelIndex: number,
): IncidentPlan {
  const errorShare = 0.2 + 0.3 * r.next();
  const drift = 5 + 15 * r.next();
  const mode = r.pick(BROKEN_MODES);
  const novelPerMinute = r.int(3, 10);
  const makeNovel = NOVEL_FAILURES[novelIndex % NOVEL_FAILURES.length]!;
  const round = Math.floor(novelIndex / NOVEL_FAILURES.length);
  const component = `${service}-${['core', 'pool', 'io', 'sched'][round % 4]}`;
  const novel = (rr: Rand): string => makeNovel.render(rr, component);
  const minutes = (to - from) / MINUTE;
  const what: Record<IncidentKind, string> = {
    error_burst: `errors rise to ~${Math.round(errorShare * 100)}% of ${service} traffic`,
    new_failure_pattern: `new error "${novel(new Rand(novelIndex))}" ~${novelPerMinute}/min`,
    dependency_silent: `${service} ${SERVICES.find((d) => d.name === service)?.keyPatterns ?? 'key patterns'} stop`,
    latency_drift: `${service} request duration drifts to ${drift.toFixed(1)}x normal`,
    broken_sequence: `${Math.round(BROKEN_FLOW_SHARE * 100)}% of ${service} traced flows: ${mode}`,
    volume_drop: `${service} volume falls to ${VOLUME_DROP_FACTOR * 100}%`,
  };
  return {
    label: { id: '', kind, service, from, to, description: `${what[kind]} for ${minutes} min` },
    errorShare,
    drift,
    mode,
    novelPerMinute,
    novel,
    novelSeverity: makeNovel.severity,
  };
}

/** Daily rhythm (0.5 at 04:00 UTC to 1.5 at 16:00, i.e. 3x) times 0.6 on weekends. */
export function seasonality(at: number): number {
  const hour = (at % DAY) / HOUR;
  const daily = 1 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
  const weekday = new Date(at).getUTCDay();
  return weekday === 0 || weekday === 6 ? 0.6 * daily : daily;
}

interface ServiceRuntime {
  def: ServiceDef;
  cumulative: Float64Array;
  total: number;
  errors: Template[];
  errorCumulative: Float64Array;
}

function runtime(def: ServiceDef): ServiceRuntime {
  const cumulative = new Float64Array(def.templates.length);
  let total = 0;
  def.templates.forEach((tp, i) => (cumulative[i] = total += tp.weight));
  const errors = def.templates.filter((tp) => tp.severity === 'error');
  const errorCumulative = new Float64Array(errors.length);
  let errorTotal = 0;
  errors.forEach((tp, i) => (errorCumulative[i] = errorTotal += tp.weight));
  return { def, cumulative, total, errors, errorCumulative };
}

function pickIndex(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function* generateRecords(
  seed: number,
  start: number,
  end: number,
  rate: number,
  plans: readonly IncidentPlan[],
): Generator<GeneratedRecord> {
  const r = new Rand(seed);
  const services = SERVICES.map(runtime);
  const hostsOf = new Map(SERVICES.map((s) => [s.name, s.hosts]));
  const batch: GeneratedRecord[] = [];
  const active = new Map<string, IncidentPlan>();
  let next = 0;
  const push = (
    at: number,
    service: string,
    severity: Severity,
    message: string,
    traceId: string | null,
  ) => {
    batch.push({ at, service, host: r.pick(hostsOf.get(service)!), severity, message, traceId });
  };
  for (let minute = start; minute < end; minute += MINUTE) {
    batch.length = 0;
    for (const [service, p] of active) if (p.label.to <= minute) active.delete(service);
    while (next < plans.length && plans[next]!.label.from <= minute) {
      const p = plans[next++]!;
      active.set(p.label.service, p);
    }
    const season = seasonality(minute);
    for (const s of services)
      emitBackground(r, s, minute, rate * season, active.get(s.def.name), push);
    for (const flow of FLOWS) {
      const p = active.get(flow.owner);
      const volume = p?.label.kind === 'volume_drop' ? VOLUME_DROP_FACTOR : 1;
      const broken = p?.label.kind === 'broken_sequence' ? p.mode : null;
      const n = r.poisson(rate * flow.share * season * volume);
      for (let i = 0; i < n; i++) {
        let at = minute + Math.floor(r.next() * 57_000);
        const traceId = r.traceId();
        const mode = broken && r.chance(BROKEN_FLOW_SHARE) ? broken : null;
        flow.emit(r, mode, (service, severity, message) => {
          at += r.int(2, 40);
          push(Math.min(at, minute + MINUTE - 1), service, severity, message, traceId);
        });
      }
    }
    emitScheduled(minute, r, (service, severity, message, offsetMs) =>
      push(minute + Math.min(offsetMs, MINUTE - 1), service, severity, message, null),
    );
    batch.sort((a, b) => a.at - b.at);
    for (let i = 0; i < batch.length; i++) yield batch[i]!;
  }
}

type Push = (at: number, service: string, sev: Severity, message: string, trace: null) => void;

function emitBackground(
  r: Rand,
  s: ServiceRuntime,
  minute: number,
  lambda: number,
  p: IncidentPlan | undefined,
  push: Push,
): void {
  const name = s.def.name;
  const kind = p?.label.kind;
  const base = lambda * s.def.share * (kind === 'volume_drop' ? VOLUME_DROP_FACTOR : 1);
  let drift = 1;
  if (p && kind === 'latency_drift') {
    const progress = (minute + MINUTE - p.label.from) / (p.label.to - p.label.from);
    drift = 1 + (p.drift - 1) * Math.min(1, 2 * progress);
  }
  const silent = kind === 'dependency_silent';
  const n = r.poisson(base);
  for (let i = 0; i < n; i++) {
    const tp = s.def.templates[pickIndex(s.cumulative, r.next())]!;
    const at = minute + Math.floor(r.next() * MINUTE);
    const message = tp.render(r, tp.role === 'latency' ? drift : 1);
    if (silent && tp.role === 'key') continue;
    push(at, name, tp.severity, message, null);
  }
  if (!p) return;
  if (kind === 'error_burst') {
    const flowOwn = FLOWS.filter((f) => f.owner === name).reduce(
      (sum, f) => sum + f.share * f.ownerRecords,
      0,
    );
    const expected = base + lambda * flowOwn;
    const extra = r.poisson((expected * p.errorShare) / (1 - p.errorShare));
    for (let i = 0; i < extra; i++) {
      const tp = s.errors[pickIndex(s.errorCumulative, r.next())]!;
      push(minute + Math.floor(r.next() * MINUTE), name, 'error', tp.render(r, 1), null);
    }
  } else if (kind === 'new_failure_pattern') {
    const k = r.poisson(p.novelPerMinute * Math.max(0.5, lambda / 40));
    for (let i = 0; i < k; i++)
      push(minute + Math.floor(r.next() * MINUTE), name, p.novelSeverity, p.novel(r), null);
  }
}
