import { type Labels } from './labels';

/** What the correlator knows of an alert. */
export interface CorrelationInput {
  fingerprint: string;
  /** Epoch ms. */
  startsAt: number;
  /** `service` and `host` (label names configurable) are used. */
  labels: Labels;
  traceIds?: string[];
  patternIds?: string[];
  /** Upstream services this alert's service calls. */
  dependencies?: string[];
  /** When the anomaly behind the alert began (defaults to `startsAt`). */
  anomalyStartedAt?: number;
}

export interface IncidentAlert {
  fingerprint: string;
  service: string | null;
  host: string | null;
  startsAt: number;
  anomalyStartedAt: number;
  dependencies: string[];
  resolvedAt: number | null;
}

export interface RootCause {
  fingerprint: string;
  service: string | null;
  /** One line a person can read. */
  reason: string;
}

export interface Incident {
  id: string;
  openedAt: number;
  /** Latest `startsAt` among its alerts. */
  lastAlertAt: number;
  closedAt: number | null;
  /** Set when a later alert linked this incident with an older one, which absorbed it. */
  mergedInto?: string;
  alerts: IncidentAlert[];
  traceIds: string[];
  patternIds: string[];
  rootCause: RootCause;
}

export interface CorrelatorOptions {
  /** An alert joins an incident whose alerts started within this many ms of it (default 10 min). */
  windowMs?: number;
  serviceLabel?: string;
  hostLabel?: string;
  /** Open incidents; beyond it the one with the oldest last alert is closed (default 1,000). */
  maxOpenIncidents?: number;
  /** Closed incidents kept for lookups, oldest dropped first (default 1,000). */
  maxClosedIncidents?: number;
  /** Trace and pattern ids kept per incident, each (default 1,000; later ones are not linked). */
  maxKeysPerIncident?: number;
  /** Incident ids are `${idPrefix}${sequence}` (default 'inc-'). */
  idPrefix?: string;
}

export interface CorrelatorState {
  sequence: number;
  /** Open and closed, oldest opened first. */
  incidents: Incident[];
}

/**
 * Groups alerts into incidents, in the spirit of PagerDuty Event Intelligence's intelligent
 * alert grouping: an alert joins an open incident when it started within `windowMs` of the
 * incident's alerts and shares a service, a host, a trace, a log pattern, or a dependency edge
 * (its service calls one of the incident's services, or the reverse). When it links several
 * incidents, the oldest absorbs the others. An incident closes when all its alerts resolved.
 *
 * Root-cause guess: when the incident's services are linked by dependency edges, the most
 * upstream one (no dependency inside the incident, most services depending on it, transitively;
 * ties by earliest anomaly); otherwise the alert whose anomaly started first.
 * `add` is O(open incidents) in the worst case.
 *
 * @example
 *   const sut = new Correlator();
 *   const a = sut.add({ fingerprint: 'db', startsAt: 0, labels: { service: 'db' } }, 0);
 *   const b = sut.add({ fingerprint: 'api', startsAt: 60_000, labels: { service: 'api' },
 *     dependencies: ['db'] }, 60_000);
 *   a === b; // true, root cause 'db'
 */
export class Correlator {
  readonly #incidents = new Map<string, Incident>();
  /** Open incidents only. */
  readonly #byFingerprint = new Map<string, string>();
  readonly #window: number;
  readonly #serviceLabel: string;
  readonly #hostLabel: string;
  readonly #maxOpen: number;
  readonly #maxClosed: number;
  readonly #maxKeys: number;
  readonly #prefix: string;
  #sequence = 0;
  #open = 0;

  constructor(options: CorrelatorOptions = {}) {
    this.#window = options.windowMs ?? 600_000;
    if (!(this.#window >= 0 && Number.isFinite(this.#window))) {
      throw new RangeError(`windowMs must be >= 0, got ${this.#window}`);
    }
    this.#serviceLabel = options.serviceLabel ?? 'service';
    this.#hostLabel = options.hostLabel ?? 'host';
    this.#maxOpen = positive('maxOpenIncidents', options.maxOpenIncidents ?? 1_000);
    this.#maxClosed = positive('maxClosedIncidents', options.maxClosedIncidents ?? 1_000);
    this.#maxKeys = positive('maxKeysPerIncident', options.maxKeysPerIncident ?? 1_000);
    this.#prefix = options.idPrefix ?? 'inc-';
  }

  /** Puts the alert in an incident (joining, merging or opening one); returns the incident id. */
  add(input: CorrelationInput, now: number): string {
    if (!Number.isFinite(input.startsAt)) throw new RangeError('startsAt must be finite');
    const known = this.#byFingerprint.get(input.fingerprint);
    if (known !== undefined) {
      const incident = this.#incidents.get(known)!;
      const alert = incident.alerts.find((a) => a.fingerprint === input.fingerprint)!;
      alert.resolvedAt = null;
      return known;
    }
    const alert: IncidentAlert = {
      fingerprint: input.fingerprint,
      service: input.labels[this.#serviceLabel] ?? null,
      host: input.labels[this.#hostLabel] ?? null,
      startsAt: input.startsAt,
      anomalyStartedAt: input.anomalyStartedAt ?? input.startsAt,
      dependencies: [...new Set(input.dependencies ?? [])],
      resolvedAt: null,
    };
    const linked: Incident[] = [];
    for (const incident of this.#incidents.values()) {
      if (incident.closedAt === null && this.#links(incident, alert, input)) linked.push(incident);
    }
    let target = linked[0];
    if (target === undefined) {
      if (this.#open >= this.#maxOpen) this.#closeOldest(now);
      target = {
        id: `${this.#prefix}${++this.#sequence}`,
        openedAt: input.startsAt,
        lastAlertAt: input.startsAt,
        closedAt: null,
        alerts: [],
        traceIds: [],
        patternIds: [],
        rootCause: { fingerprint: alert.fingerprint, service: alert.service, reason: '' },
      };
      this.#incidents.set(target.id, target);
      this.#open++;
    }
    for (const other of linked.slice(1)) this.#absorb(target, other, now);
    target.alerts.push(alert);
    target.openedAt = Math.min(target.openedAt, alert.startsAt);
    target.lastAlertAt = Math.max(target.lastAlertAt, alert.startsAt);
    this.#addKeys(target.traceIds, input.traceIds);
    this.#addKeys(target.patternIds, input.patternIds);
    this.#byFingerprint.set(alert.fingerprint, target.id);
    target.rootCause = rootCause(target.alerts);
    return target.id;
  }

  /** Marks the alert resolved; returns its incident id and whether the incident closed. */
  resolve(fingerprint: string, now: number): { incidentId: string; closed: boolean } | null {
    const id = this.#byFingerprint.get(fingerprint);
    if (id === undefined) return null;
    const incident = this.#incidents.get(id)!;
    incident.alerts.find((a) => a.fingerprint === fingerprint)!.resolvedAt = now;
    const closed = incident.alerts.every((a) => a.resolvedAt !== null);
    if (closed) this.#close(incident, now);
    return { incidentId: id, closed };
  }

  get(id: string): Incident | undefined {
    return this.#incidents.get(id);
  }

  /** The open incident holding this alert. */
  incidentOf(fingerprint: string): string | undefined {
    return this.#byFingerprint.get(fingerprint);
  }

  openIncidents(): Incident[] {
    return [...this.#incidents.values()].filter((i) => i.closedAt === null);
  }

  toState(): CorrelatorState {
    return {
      sequence: this.#sequence,
      incidents: [...this.#incidents.values()].map((i) => structuredClone(i)),
    };
  }

  static fromState(state: CorrelatorState, options: CorrelatorOptions = {}): Correlator {
    const c = new Correlator(options);
    c.#sequence = state.sequence;
    for (const i of state.incidents) {
      const incident = structuredClone(i);
      c.#incidents.set(incident.id, incident);
      if (incident.closedAt !== null) continue;
      c.#open++;
      for (const a of incident.alerts) c.#byFingerprint.set(a.fingerprint, incident.id);
    }
    return c;
  }

  #links(incident: Incident, alert: IncidentAlert, input: CorrelationInput): boolean {
    if (alert.startsAt < incident.openedAt - this.#window) return false;
    if (alert.startsAt > incident.lastAlertAt + this.#window) return false;
    for (const other of incident.alerts) {
      if (alert.service !== null && other.service === alert.service) return true;
      if (alert.host !== null && other.host === alert.host) return true;
      if (other.service !== null && alert.dependencies.includes(other.service)) return true;
      if (alert.service !== null && other.dependencies.includes(alert.service)) return true;
    }
    return (
      (input.traceIds ?? []).some((t) => incident.traceIds.includes(t)) ||
      (input.patternIds ?? []).some((p) => incident.patternIds.includes(p))
    );
  }

  #absorb(into: Incident, other: Incident, now: number): void {
    for (const a of other.alerts) {
      into.alerts.push(a);
      this.#byFingerprint.set(a.fingerprint, into.id);
    }
    into.openedAt = Math.min(into.openedAt, other.openedAt);
    into.lastAlertAt = Math.max(into.lastAlertAt, other.lastAlertAt);
    this.#addKeys(into.traceIds, other.traceIds);
    this.#addKeys(into.patternIds, other.patternIds);
    other.mergedInto = into.id;
    other.alerts = [];
    this.#close(other, now);
  }

  #addKeys(into: string[], keys: readonly string[] | undefined): void {
    for (const k of keys ?? []) {
      if (into.length >= this.#maxKeys) return;
      if (!into.includes(k)) into.push(k);
    }
  }

  #closeOldest(now: number): void {
    let oldest: Incident | undefined;
    for (const i of this.#incidents.values()) {
      if (i.closedAt === null && (oldest === undefined || i.lastAlertAt < oldest.lastAlertAt))
        oldest = i;
    }
    if (oldest !== undefined) this.#close(oldest, now);
  }

  #close(incident: Incident, now: number): void {
    incident.closedAt = now;
    this.#open--;
    for (const a of incident.alerts) {
      if (this.#byFingerprint.get(a.fingerprint) === incident.id)
        this.#byFingerprint.delete(a.fingerprint);
    }
    this.#incidents.delete(incident.id);
    this.#incidents.set(incident.id, incident);
    let closed = this.#incidents.size - this.#open;
    for (const i of this.#incidents.values()) {
      if (closed <= this.#maxClosed) break;
      if (i.closedAt !== null) {
        this.#incidents.delete(i.id);
        closed--;
      }
    }
  }
}

/** The root-cause guess for a set of alerts (see `Correlator`). */
export function rootCause(alerts: readonly IncidentAlert[]): RootCause {
  const earliest = new Map<string, IncidentAlert>();
  for (const a of alerts) {
    const key = a.service ?? `#${a.fingerprint}`;
    const seen = earliest.get(key);
    if (seen === undefined || a.anomalyStartedAt < seen.anomalyStartedAt) earliest.set(key, a);
  }
  const edges = new Map<string, Set<string>>();
  for (const a of alerts) {
    for (const d of a.dependencies) {
      if (a.service === null || d === a.service || !earliest.has(d)) continue;
      let set = edges.get(a.service);
      if (set === undefined) edges.set(a.service, (set = new Set()));
      set.add(d);
    }
  }
  const first = (xs: IncidentAlert[]): IncidentAlert =>
    xs.reduce((best, a) => (a.anomalyStartedAt < best.anomalyStartedAt ? a : best));
  let best: { alert: IncidentAlert; dependents: string[] } | null = null;
  for (const [service, alert] of earliest) {
    if (edges.has(service)) continue;
    const dependents = dependentsOf(service, edges);
    if (dependents.length === 0) continue;
    if (
      best === null ||
      dependents.length > best.dependents.length ||
      (dependents.length === best.dependents.length &&
        alert.anomalyStartedAt < best.alert.anomalyStartedAt)
    ) {
      best = { alert, dependents };
    }
  }
  if (best !== null) {
    const { alert, dependents } = best;
    return {
      fingerprint: alert.fingerprint,
      service: alert.service,
      reason:
        `${alert.service} is the most upstream service: ${dependents.join(', ')} ` +
        `${dependents.length === 1 ? 'depends' : 'depend'} on it; its anomaly started ` +
        `${new Date(alert.anomalyStartedAt).toISOString()}`,
    };
  }
  const alert = first([...earliest.values()]);
  return {
    fingerprint: alert.fingerprint,
    service: alert.service,
    reason: `${alert.service ?? alert.fingerprint} has the earliest anomaly, started ${new Date(alert.anomalyStartedAt).toISOString()}`,
  };
}

/** Services that depend on `service` directly or transitively, sorted. */
function dependentsOf(service: string, edges: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const stack = [service];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const [from, tos] of edges) {
      if (tos.has(s) && !found.has(from) && from !== service) {
        found.add(from);
        stack.push(from);
      }
    }
  }
  return [...found].sort();
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
