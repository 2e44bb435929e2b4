import { createHash } from 'node:crypto';

import type { TenantTx } from '../../common/database/tenant-transaction';
import type { AlertRepository, AlertRow } from './alert.repository';
import type { AlertRuleRow } from './alerting.types';
import type { AlertNotice, NoticeAlert } from './channels/alert-channel';
import { AlertTracker, type AlertTrackerState } from './engine/alert-state';
import { Correlator, type CorrelatorState } from './engine/correlation';
import { GroupRouter, type GroupRouterState, type Notification } from './engine/grouping';
import { inhibitedBy, type InhibitRule } from './engine/inhibition';
import { fingerprint, type Labels } from './engine/labels';
import { type MaintenanceWindow, type Silence, SilenceSet } from './engine/silences';

/** What the engine remembers of an alert between runs. */
interface TrackedAlert {
  ruleId: string;
  /**
   * The subjects keeping it active (open anomalies, as `subjectKey`s): it resolves when the last
   * one ends.
   */
  open: string[];
  labels: Labels;
  startsAt: number;
  endsAt: number | null;
  explanation: string;
  /** The latest anomalies (the alert's row keeps them all). */
  anomalyIds: string[];
  patternIds: string[];
  incidentId: string | null;
  groupKey: string | null;
}

/** A tenant's engine state as stored between runs (JSON). */
export interface EngineState {
  version: 1;
  tracker: AlertTrackerState;
  routers: Record<string, GroupRouterState>;
  correlator: CorrelatorState;
  alerts: Record<string, TrackedAlert>;
}

/** One rule's evaluation of one subject (an anomaly, say). */
export interface Evaluation {
  labels: Labels;
  /** The subject (an anomaly id): an alert stays active while any of its subjects is. */
  identity: string;
  active: boolean;
  startsAt: number;
  explanation: string;
  anomalyId?: string;
  patternIds?: string[];
}

export interface EngineDeps {
  /** Transient suppression delay, ms (0: off). */
  transientMs: number;
  rules: AlertRuleRow[];
  silences: Silence[];
  windows: MaintenanceWindow[];
  inhibitRules: InhibitRule[];
  repo: AlertRepository;
  tx: TenantTx;
  /** Fingerprints whose alert changed (for `alertUpdated` subscribers). */
  changed: string[];
  /** Counts for /metrics: an alert began firing (muted says why it was not notified), an incident opened. */
  count?: (event: 'fired' | 'incident', muted?: string) => void;
  /** One-click links of a notice (acknowledge, not useful) for its first alert and group. */
  links?: (fingerprint: string, groupKey: string, title: string) => AlertNotice['links'];
}

/** Subjects (open anomalies) tracked per alert; more than this open at once count as this many. */
const MAX_SUBJECTS = 100;

/** Anomaly ids kept in the state per alert: enough to write the new ones to its row. */
const MAX_RECENT_ANOMALIES = 10;

/**
 * A subject's identity as the state keeps it: 72 bits of its SHA-1, a third of a UUID's length
 * (an alert may hold a hundred, and the state is written on every run).
 */
function subjectKey(identity: string): string {
  return createHash('sha1').update(identity).digest('base64url').slice(0, 12);
}

/** Resolved alerts forgotten this long after they ended. */
const FORGET_RESOLVED_MS = 24 * 3_600_000;

/**
 * One run of a tenant's alerting over its stored state: evaluates rules' conditions into alerts
 * (state, silences, inhibition), groups them into notifications and correlates them into
 * incidents, writing alerts, timeline entries and incidents through the repository as it goes.
 */
export class TenantEngine {
  readonly #tracker: AlertTracker;
  readonly #correlator: Correlator;
  readonly #routers = new Map<string, GroupRouter>();
  readonly #alerts: Record<string, TrackedAlert>;
  readonly #rules: Map<string, AlertRuleRow>;
  readonly #silences = new SilenceSet();
  /** Incidents whose alerts changed in this run: written once, when the run ends. */
  readonly #touchedIncidents = new Set<string>();
  /** Alert rows changed in this run (the last write of each, with every anomaly it named). */
  readonly #alertWrites = new Map<string, Omit<AlertRow, 'updatedAt'>>();
  /** Timeline entries of this run, in order. */
  readonly #events: Array<{ fingerprint: string; kind: string; details: Record<string, unknown> }> =
    [];
  /** Groups acknowledged in this run, to tell their channels (PagerDuty acknowledges). */
  readonly #acknowledged = new Map<string, { rule: AlertRuleRow; fingerprints: string[] }>();

  constructor(
    readonly tenantId: string,
    readonly now: number,
    stored: EngineState | undefined,
    private readonly deps: EngineDeps,
  ) {
    const trackerOptions = { transientMs: deps.transientMs };
    this.#tracker = stored
      ? AlertTracker.fromState(stored.tracker, trackerOptions)
      : new AlertTracker(trackerOptions);
    this.#correlator = stored ? Correlator.fromState(stored.correlator) : new Correlator();
    this.#alerts = stored ? { ...stored.alerts } : {};
    this.#rules = new Map(deps.rules.map((r) => [r.id, r]));
    for (const rule of deps.rules) {
      const saved = stored?.routers[rule.id];
      const options = routeOptions(rule);
      this.#routers.set(
        rule.id,
        saved ? GroupRouter.fromState(saved, options) : new GroupRouter(options),
      );
    }
    for (const s of deps.silences) this.#silences.add(s);
    for (const w of deps.windows) this.#silences.addMaintenance(w);
  }

  async evaluate(rule: AlertRuleRow, e: Evaluation): Promise<void> {
    // Deduplication: one alert per rule and labels, however many anomalies keep it going.
    const fp = fingerprint(rule.id, e.labels);
    let tracked = this.#alerts[fp];
    if (tracked === undefined) {
      if (!e.active) return;
      tracked = {
        ruleId: rule.id,
        open: [],
        labels: e.labels,
        startsAt: e.startsAt,
        endsAt: null,
        explanation: e.explanation,
        anomalyIds: [],
        patternIds: [],
        incidentId: null,
        groupKey: null,
      };
      this.#alerts[fp] = tracked;
    }
    const key = subjectKey(e.identity);
    // States written before subjects were hashed hold the identities themselves.
    let at = tracked.open.indexOf(key);
    if (at < 0) at = tracked.open.indexOf(e.identity);
    if (e.active && at < 0 && tracked.open.length < MAX_SUBJECTS) tracked.open.push(key);
    if (!e.active && at >= 0) tracked.open.splice(at, 1);
    const active = tracked.open.length > 0;
    if (active && this.#tracker.get(fp)?.status === 'resolved') {
      tracked.startsAt = e.startsAt;
      tracked.endsAt = null;
      tracked.incidentId = null;
    }
    // The alert's row is written only when something a reader sees changed.
    let changed = tracked.explanation !== e.explanation || tracked.groupKey === null;
    tracked.explanation = e.explanation;
    if (e.anomalyId && !tracked.anomalyIds.includes(e.anomalyId)) {
      changed = true;
      tracked.anomalyIds.push(e.anomalyId);
      if (tracked.anomalyIds.length > MAX_RECENT_ANOMALIES) tracked.anomalyIds.shift();
    }
    for (const p of e.patternIds ?? []) {
      if (!tracked.patternIds.includes(p) && tracked.patternIds.length < MAX_SUBJECTS) {
        tracked.patternIds.push(p);
      }
    }
    const transitions = this.#tracker.observe(fp, active, this.now, rule.forMs);
    for (const t of transitions) {
      this.#events.push({
        fingerprint: fp,
        kind: t.kind === 'status' ? t.to : t.kind,
        details: { from: t.from, to: t.to, ...(t.held ? { held: t.held } : {}) },
      });
    }
    const status = this.#tracker.get(fp)?.status;
    if (status === 'firing' && tracked.incidentId === null) {
      tracked.incidentId = this.#correlator.add(
        {
          fingerprint: fp,
          startsAt: tracked.startsAt,
          labels: tracked.labels,
          patternIds: tracked.patternIds,
        },
        this.now,
      );
      if (this.#correlator.get(tracked.incidentId)?.alerts.length === 1) {
        this.deps.count?.('incident');
      }
    }
    if (status === 'resolved') {
      tracked.endsAt ??= this.now;
      this.#correlator.resolve(fp, this.now);
      this.#silences.alertResolved(fp, this.now);
    }
    const muted = await this.#route(rule, fp, tracked, changed || transitions.length > 0);
    if (transitions.some((t) => t.kind === 'status' && t.to === 'firing')) {
      this.deps.count?.('fired', muted ?? undefined);
    }
  }

  /** Acknowledges by alert, group or incident; returns how many alerts changed. */
  async acknowledge(
    target: { fingerprint: string } | { groupKey: string } | { incidentId: string },
    by: string,
  ): Promise<number> {
    const fps = Object.entries(this.#alerts)
      .filter(([fp, a]) =>
        'fingerprint' in target
          ? fp === target.fingerprint
          : 'groupKey' in target
            ? a.groupKey === target.groupKey
            : a.incidentId === target.incidentId,
      )
      .map(([fp]) => fp);
    let n = 0;
    for (const fp of fps) {
      const t = this.#tracker.acknowledge(fp, this.now, by);
      if (t === null) continue;
      n++;
      this.#events.push({ fingerprint: fp, kind: 'acknowledged', details: { by } });
      const tracked = this.#alerts[fp] as TrackedAlert;
      const rule = this.#rules.get(tracked.ruleId);
      if (rule) await this.#route(rule, fp, tracked);
      if (rule && tracked.groupKey) {
        const group = this.#acknowledged.get(tracked.groupKey) ?? { rule, fingerprints: [] };
        group.fingerprints.push(fp);
        this.#acknowledged.set(tracked.groupKey, group);
      }
    }
    if ('incidentId' in target) {
      await this.deps.repo.acknowledgeIncident(this.deps.tx, target.incidentId, by);
    }
    return n;
  }

  /** A person resolved the alert: its condition counts as gone until it comes back. */
  async resolveByHand(fp: string, by: string): Promise<boolean> {
    const tracked = this.#alerts[fp];
    const rule = tracked && this.#rules.get(tracked.ruleId);
    if (!tracked || !rule) return false;
    this.#events.push({ fingerprint: fp, kind: 'resolved_by_hand', details: { by } });
    tracked.open.length = 0;
    await this.evaluate(rule, {
      labels: tracked.labels,
      identity: '',
      active: false,
      startsAt: tracked.startsAt,
      explanation: tracked.explanation,
    });
    return true;
  }

  /**
   * Re-checks silences and inhibition of every alert still firing (a silence that expired makes
   * its alert notifiable again), forgets alerts resolved long ago, and writes what the run
   * changed: alert rows, timeline entries and incidents. Every run ends with it.
   */
  async refresh(): Promise<void> {
    for (const [fp, tracked] of Object.entries(this.#alerts)) {
      const rule = this.#rules.get(tracked.ruleId);
      if (!rule) continue;
      const status = this.#tracker.get(fp)?.status;
      if (status === 'resolved' && tracked.endsAt !== null) {
        if (this.now - tracked.endsAt > FORGET_RESOLVED_MS) delete this.#alerts[fp];
        continue;
      }
      if (status === 'firing' || status === 'acknowledged') {
        await this.#route(rule, fp, tracked, false);
      }
    }
    // What the run changed is written at its end, a statement per table (not one per alert).
    await this.deps.repo.upsertAlerts(this.deps.tx, [...this.#alertWrites.values()]);
    this.#alertWrites.clear();
    await this.deps.repo.addEvents(this.deps.tx, this.#events);
    this.#events.length = 0;
    for (const id of this.#touchedIncidents) {
      const incident = this.#correlator.get(id);
      if (!incident) continue;
      await this.deps.repo.upsertIncident(this.deps.tx, {
        id: incident.id,
        title: incidentTitle(incident.alerts.map((a) => a.service)),
        status: incident.closedAt === null ? 'open' : 'resolved',
        openedAt: incident.openedAt,
        closedAt: incident.closedAt,
        rootCause: incident.rootCause,
        alertCount: incident.alerts.length,
        acknowledgedBy: null,
      });
    }
    this.#touchedIncidents.clear();
  }

  /** Group notifications due now, as notices (without their per-channel id). */
  due(): Array<{ rule: AlertRuleRow; notice: Omit<AlertNotice, 'id'>; kind: string }> {
    const out = [];
    for (const [ruleId, router] of this.#routers) {
      const rule = this.#rules.get(ruleId);
      if (!rule) continue;
      for (const n of router.due(this.now)) {
        out.push({ rule, notice: this.#notice(rule, n), kind: n.kind });
      }
    }
    return out;
  }

  /** Notices telling channels that groups were acknowledged in this run. */
  acknowledgedNotices(): Array<{ rule: AlertRuleRow; notice: Omit<AlertNotice, 'id'> }> {
    const out = [];
    for (const [groupKey, { rule, fingerprints }] of this.#acknowledged) {
      const alerts = fingerprints.map((fp) => {
        const a = this.#alerts[fp] as TrackedAlert;
        return {
          fingerprint: fp,
          labels: a.labels,
          status: 'firing' as const,
          startsAt: a.startsAt,
          notifiable: true,
          annotations: { explanation: a.explanation },
        };
      });
      const notice = this.#notice(rule, {
        groupKey,
        routeId: rule.id,
        receiver: rule.name,
        groupLabels: {},
        alerts,
        firing: alerts.length,
        resolved: 0,
        kind: 'update',
        isUpdate: true,
        at: this.now,
      });
      out.push({ rule, notice: { ...notice, status: 'acknowledged' as const } });
    }
    return out;
  }

  /** When the next group notification falls due (null: none is pending). */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const router of this.#routers.values()) {
      const at = router.nextDueAt();
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  toState(): EngineState {
    const routers: Record<string, GroupRouterState> = {};
    for (const [id, r] of this.#routers) routers[id] = r.toState();
    return {
      version: 1,
      tracker: this.#tracker.toState(),
      routers,
      correlator: this.#correlator.toState(),
      alerts: this.#alerts,
    };
  }

  /**
   * Updates the alert's row, incident and group from its current state; returns why the alert
   * is not notified (silenced, inhibited, held), or null.
   */
  async #route(
    rule: AlertRuleRow,
    fp: string,
    tracked: TrackedAlert,
    write = true,
  ): Promise<string | null> {
    const record = this.#tracker.get(fp);
    const reported = this.#tracker.reportStatus(fp);
    if (!record || reported === null) return null;
    // The firing alerts' labels are only needed (and only gathered) when there are inhibit rules.
    const firingSources =
      this.deps.inhibitRules.length === 0
        ? []
        : Object.entries(this.#alerts)
            .filter(([other]) => other !== fp && this.#tracker.reportStatus(other) === 'firing')
            .map(([, a]) => a.labels);
    const silenced = this.#silences.isSilenced(tracked.labels, fp, this.now);
    const inhibited = inhibitedBy(tracked.labels, firingSources, this.deps.inhibitRules);
    const notifiable = this.#tracker.notifiable(fp) && silenced === null && inhibited === null;
    const router = this.#routers.get(rule.id);
    const key = router?.update(
      {
        fingerprint: fp,
        labels: tracked.labels,
        status: reported,
        startsAt: tracked.startsAt,
        ...(tracked.endsAt !== null ? { endsAt: tracked.endsAt } : {}),
        notifiable,
        acknowledged: record.status === 'acknowledged',
        annotations: { explanation: tracked.explanation },
      },
      this.now,
    );
    if (key) tracked.groupKey = key;
    const muted = silenced ? 'silenced' : inhibited ? 'inhibited' : notifiable ? null : 'held';
    if (!write) return muted;
    this.deps.changed.push(fp);
    const status =
      record.status === 'inactive' ? 'resolved' : (record.status as 'pending' | 'firing');
    this.#write({
      fingerprint: fp,
      ruleId: rule.id,
      labels: tracked.labels,
      annotations: {
        explanation: tracked.explanation,
        ...(silenced ? { silenced_by: silenced.id } : {}),
        ...(inhibited ? { inhibited: 'true' } : {}),
      },
      severity: rule.severity,
      status,
      startedAt: tracked.startsAt,
      endedAt: tracked.endsAt,
      groupKey: tracked.groupKey,
      incidentId: tracked.incidentId,
      anomalyIds: tracked.anomalyIds,
      patternIds: tracked.patternIds,
      acknowledgedBy: record.acknowledgedBy,
    });
    if (tracked.incidentId !== null) this.#touchedIncidents.add(tracked.incidentId);
    return muted;
  }

  /** Keeps an alert row for the end of the run; anomalies named by earlier writes stay named. */
  #write(row: Omit<AlertRow, 'updatedAt'>): void {
    const earlier = this.#alertWrites.get(row.fingerprint);
    const anomalyIds = earlier
      ? [...new Set([...earlier.anomalyIds, ...row.anomalyIds])]
      : [...row.anomalyIds];
    this.#alertWrites.set(row.fingerprint, {
      ...row,
      anomalyIds,
      patternIds: [...row.patternIds],
    });
  }

  #notice(rule: AlertRuleRow, n: Notification): Omit<AlertNotice, 'id'> {
    const alerts: NoticeAlert[] = n.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: a.annotations ?? {},
      status: a.status,
      startsAt: new Date(a.startsAt),
      endsAt: a.endsAt === undefined ? null : new Date(a.endsAt),
      explanation: a.annotations?.explanation ?? '',
    }));
    const first = alerts[0];
    const service = first?.labels.service;
    const firing = n.firing > 0;
    const title = `${rule.name}${service ? ` on ${service}` : ''}${alerts.length > 1 ? ` (${alerts.length} alerts)` : ''}`;
    return {
      tenantId: this.tenantId,
      groupKey: n.groupKey,
      dedupKey: fingerprint(rule.id, { group: n.groupKey }),
      status: firing ? 'firing' : 'resolved',
      severity: rule.severity,
      title,
      summary: first?.explanation ?? rule.name,
      alerts,
      links: first && this.deps.links ? this.deps.links(first.fingerprint, n.groupKey, title) : {},
      groupLabels: n.groupLabels,
      createdAt: new Date(this.now),
    };
  }
}

function routeOptions(rule: AlertRuleRow) {
  return {
    routeId: rule.id,
    receiver: rule.name,
    groupBy: rule.route.groupBy,
    groupWaitMs: rule.route.groupWaitMs,
    groupIntervalMs: rule.route.groupIntervalMs,
    repeatIntervalMs: rule.route.repeatIntervalMs,
  };
}

function incidentTitle(services: ReadonlyArray<string | null>): string {
  const names = [...new Set(services.filter((s): s is string => s !== null))];
  if (names.length === 0) return 'Incident';
  return `Incident on ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
}
