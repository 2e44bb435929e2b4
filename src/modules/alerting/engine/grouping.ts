import { type Labels } from './labels';

/** What the router needs to know of one alert at a time. */
export interface AlertSnapshot {
  fingerprint: string;
  labels: Labels;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt?: number;
  /**
   * False while the alert is silenced, inhibited, flapping or not yet confirmed: a firing alert
   * is then left out. The resolution of an alert that was notified is sent regardless.
   */
  notifiable: boolean;
  /** Acknowledged alerts are not repeated (a group of only acknowledged alerts stays quiet). */
  acknowledged?: boolean;
  annotations?: Record<string, string>;
}

export interface RouteOptions {
  routeId: string;
  receiver: string;
  /** Labels that make a group; `['...']` groups by all labels; `[]` puts everything in one group. */
  groupBy: string[];
  /** Wait before a new group's first notification, ms (default 30 s). */
  groupWaitMs?: number;
  /** Least time between two notifications of a group that changed, ms (default 5 min). */
  groupIntervalMs?: number;
  /** Time after which an unchanged firing group is notified again, ms (default 4 h). */
  repeatIntervalMs?: number;
  /** Groups held; alerts that would open more are dropped and counted (default 10,000). */
  maxGroups?: number;
  /** Alerts per group; further alerts are dropped and counted (default 1,000). */
  maxAlertsPerGroup?: number;
}

export interface Notification {
  groupKey: string;
  routeId: string;
  receiver: string;
  groupLabels: Labels;
  /** Firing alerts first, then the resolved ones being announced; each by start time. */
  alerts: AlertSnapshot[];
  firing: number;
  resolved: number;
  /** `initial`: first for the group; `update`: it changed; `repeat`: unchanged, repeat_interval passed. */
  kind: 'initial' | 'update' | 'repeat';
  isUpdate: boolean;
  at: number;
}

export interface GroupedAlertState {
  alert: AlertSnapshot;
  /** Ever sent as firing: its resolution must be sent. */
  notified: boolean;
  /** Sent as firing and notifiable since; false again when muted, so unmuting is a change. */
  current: boolean;
}

export interface AlertGroupState {
  key: string;
  labels: Labels;
  createdAt: number;
  lastFlushAt: number | null;
  alerts: GroupedAlertState[];
}

export interface GroupRouterState {
  groups: AlertGroupState[];
  droppedAlerts: number;
}

interface Group {
  key: string;
  labels: Labels;
  createdAt: number;
  lastFlushAt: number | null;
  alerts: Map<string, GroupedAlertState>;
}

/**
 * One route's alert grouping, after Prometheus Alertmanager's dispatcher: alerts with the same
 * `groupBy` labels share a group; a group notifies first after `group_wait`, then when it changed
 * (a new notifiable firing alert, or a resolution to announce) no more often than
 * `group_interval`, and, unchanged but firing, again after `repeat_interval`. A group whose
 * alerts all resolved sends the resolution once and is dropped. Silenced, inhibited, flapping
 * or unconfirmed alerts (`notifiable: false`) are left out; an alert that becomes notifiable
 * again counts as a change; an alert that was notified always gets its resolution.
 *
 * `update` is O(1); `due` and `nextDueAt` visit every group (run them on a scheduler tick).
 *
 * @example
 *   const sut = new GroupRouter({ routeId: 'default', receiver: 'ops', groupBy: ['service'] });
 *   sut.update({ fingerprint: 'a', labels: { service: 'api' }, status: 'firing', startsAt: 0,
 *     notifiable: true }, 0);
 *   sut.due(30_000); // one notification for {service="api"}
 */
export class GroupRouter {
  readonly #groups = new Map<string, Group>();
  readonly #groupAll: boolean;
  readonly #groupBy: string[];
  readonly #wait: number;
  readonly #interval: number;
  readonly #repeat: number;
  readonly #maxGroups: number;
  readonly #maxAlerts: number;
  #dropped = 0;

  constructor(private readonly options: RouteOptions) {
    this.#groupAll = options.groupBy.includes('...');
    this.#groupBy = [...new Set(options.groupBy)].sort();
    this.#wait = nonNegative('groupWaitMs', options.groupWaitMs ?? 30_000);
    this.#interval = nonNegative('groupIntervalMs', options.groupIntervalMs ?? 300_000);
    this.#repeat = nonNegative('repeatIntervalMs', options.repeatIntervalMs ?? 14_400_000);
    this.#maxGroups = positive('maxGroups', options.maxGroups ?? 10_000);
    this.#maxAlerts = positive('maxAlertsPerGroup', options.maxAlertsPerGroup ?? 1_000);
  }

  /** The labels that make the alert's group and the group's key, e.g. `default:{service="api"}`. */
  groupOf(labels: Labels): { key: string; labels: Labels } {
    const names = this.#groupAll ? Object.keys(labels).sort() : this.#groupBy;
    const groupLabels: Labels = {};
    for (const n of names) groupLabels[n] = labels[n] ?? '';
    const body = names.map((n) => `${n}=${JSON.stringify(groupLabels[n])}`).join(',');
    return { key: `${this.options.routeId}:{${body}}`, labels: groupLabels };
  }

  /**
   * Adds or updates an alert in its group; returns the group key, or null when the alert was
   * dropped (caps) or is a resolution of an alert never notified (nothing to announce).
   */
  update(alert: AlertSnapshot, now: number): string | null {
    if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
    const { key, labels } = this.groupOf(alert.labels);
    let group = this.#groups.get(key);
    const entry = group?.alerts.get(alert.fingerprint);
    if (alert.status === 'resolved' && entry?.notified !== true) {
      if (group !== undefined && entry !== undefined) {
        group.alerts.delete(alert.fingerprint);
        if (group.alerts.size === 0) this.#groups.delete(key);
      }
      return null;
    }
    if (group === undefined) {
      if (this.#groups.size >= this.#maxGroups) return this.#drop();
      group = { key, labels, createdAt: now, lastFlushAt: null, alerts: new Map() };
      this.#groups.set(key, group);
    }
    const snapshot = { ...alert };
    if (entry === undefined) {
      if (group.alerts.size >= this.#maxAlerts) return this.#drop();
      group.alerts.set(alert.fingerprint, { alert: snapshot, notified: false, current: false });
    } else {
      entry.alert = snapshot;
      if (!alert.notifiable || alert.status === 'resolved') entry.current = false;
    }
    return key;
  }

  /** The notifications due now, at most one per group. */
  due(now: number): Notification[] {
    const out: Notification[] = [];
    for (const group of this.#groups.values()) {
      const plan = this.#plan(group);
      if (plan === null || plan.at > now) continue;
      const firing = plan.firing.map((e) => e.alert).sort(byStart);
      const resolved = plan.resolved.map((e) => e.alert).sort(byStart);
      out.push({
        groupKey: group.key,
        routeId: this.options.routeId,
        receiver: this.options.receiver,
        groupLabels: { ...group.labels },
        alerts: [...firing, ...resolved],
        firing: firing.length,
        resolved: resolved.length,
        kind: plan.kind,
        isUpdate: plan.kind === 'update',
        at: now,
      });
      for (const e of plan.firing) e.notified = e.current = true;
      for (const e of plan.resolved) group.alerts.delete(e.alert.fingerprint);
      group.lastFlushAt = now;
      if (group.alerts.size === 0) this.#groups.delete(group.key);
    }
    return out;
  }

  /** The earliest time some group will be due, or null when none will be without new input. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const group of this.#groups.values()) {
      const plan = this.#plan(group);
      if (plan !== null && (next === null || plan.at < next)) next = plan.at;
    }
    return next;
  }

  /** Alerts dropped by the caps so far. */
  get droppedAlerts(): number {
    return this.#dropped;
  }

  get groupCount(): number {
    return this.#groups.size;
  }

  toState(): GroupRouterState {
    const groups = [...this.#groups.values()].map((g) => ({
      key: g.key,
      labels: { ...g.labels },
      createdAt: g.createdAt,
      lastFlushAt: g.lastFlushAt,
      alerts: [...g.alerts.values()].map((e) => structuredClone(e)),
    }));
    return { groups, droppedAlerts: this.#dropped };
  }

  static fromState(state: GroupRouterState, options: RouteOptions): GroupRouter {
    const router = new GroupRouter(options);
    router.#dropped = state.droppedAlerts;
    for (const g of state.groups) {
      const alerts = new Map(g.alerts.map((e) => [e.alert.fingerprint, structuredClone(e)]));
      router.#groups.set(g.key, { ...g, labels: { ...g.labels }, alerts });
    }
    return router;
  }

  /** What the group would send and from when, or null when it has nothing to send. */
  #plan(group: Group): {
    at: number;
    kind: Notification['kind'];
    firing: GroupedAlertState[];
    resolved: GroupedAlertState[];
  } | null {
    const firing: GroupedAlertState[] = [];
    const resolved: GroupedAlertState[] = [];
    let changed = false;
    let unacknowledged = false;
    for (const e of group.alerts.values()) {
      if (e.alert.status === 'resolved') {
        if (e.notified) {
          resolved.push(e);
          changed = true;
        }
      } else if (e.alert.notifiable) {
        firing.push(e);
        if (!e.current) changed = true;
        if (e.alert.acknowledged !== true) unacknowledged = true;
      }
    }
    if (group.lastFlushAt === null) {
      return firing.length === 0
        ? null
        : { at: group.createdAt + this.#wait, kind: 'initial', firing, resolved };
    }
    if (changed)
      return { at: group.lastFlushAt + this.#interval, kind: 'update', firing, resolved };
    if (unacknowledged)
      return { at: group.lastFlushAt + this.#repeat, kind: 'repeat', firing, resolved };
    return null;
  }

  #drop(): null {
    this.#dropped++;
    return null;
  }
}

function byStart(a: AlertSnapshot, b: AlertSnapshot): number {
  return (
    a.startsAt - b.startsAt ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
