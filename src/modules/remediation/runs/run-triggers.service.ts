import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import { systemActor } from '../../audit/audit-actor';
import { AuditService } from '../../audit/audit.service';
import { AlertEngineService } from '../../alerting/alert-engine.service';
import { AlertQueryService } from '../../alerting/alert-query.service';
import type { AlertRow } from '../../alerting/alert.repository';
import { AlertConfigPort } from '../../alerting/alerting.types';
import type { RemediationJob } from '../remediation.jobs';
import { LogSearchService } from '../../logs/log-search.service';
import { RunbookRepository, type RunbookRow } from '../runbook.repository';
import type { ParameterSources } from '../runbook/parameters';
import { cronMatches } from '../runbook/cron';
import { RemediationSettingsService } from './remediation-settings.service';
import { RunEvents } from './run-events.service';
import { limitsOf, RunExecutorService } from './run-executor.service';
import { RunNotifier } from './run-notifier.service';
import { RunRepository } from './run.repository';

const SCHEDULE_EVERY_MS = 60_000;
/** How far before the alert (or now) the triggering line of a pattern is looked for. */
const PATTERN_LOOKBACK_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Incident severities as alert severities. */
const INCIDENT_SEVERITY: Record<string, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'warning',
  low: 'info',
};

/**
 * Starts runbooks from what happens: an alert of a rule firing, an incident, an anomaly of a kind
 * on a service, a schedule. The alerting engine tells this service after its writes commit, and
 * each trigger becomes a job on the remediation queue, so a restart loses none. One run per
 * occurrence (the alert's firing, the anomaly, the schedule slot).
 *
 * Loop detection: when an alert fires again within the loop window after a run for it succeeded,
 * that run is marked ineffective, no new run starts (a skipped run says why), and the alert
 * rule's channels are told that people must take over.
 */
@Injectable()
export class RunTriggersService implements OnModuleInit {
  readonly #logger = new Logger(RunTriggersService.name);

  constructor(
    private readonly executor: RunExecutorService,
    private readonly runbooks: RunbookRepository,
    private readonly runs: RunRepository,
    private readonly alerts: AlertQueryService,
    private readonly engine: AlertEngineService,
    private readonly alertConfig: AlertConfigPort,
    private readonly settings: RemediationSettingsService,
    private readonly notifier: RunNotifier,
    private readonly audit: AuditService,
    private readonly events: RunEvents,
    private readonly logs: LogSearchService,
  ) {}

  onModuleInit(): void {
    this.executor.triggerHandler = (job) => this.handle(job);
    this.engine.observe({
      alertsChanged: async (tenantId, fingerprints) => {
        await this.executor.queue?.add('trigger.alerts', {
          tenantId,
          fingerprints: [...fingerprints],
        });
      },
      anomalyChanged: async (c) => {
        if (c.type !== 'opened') return;
        await this.executor.queue?.add(
          'trigger.anomaly',
          {
            tenantId: c.tenantId,
            anomalyId: c.anomalyId,
            service: c.service,
            kind: c.kind,
            kinds: c.kinds,
            patternIds: c.patternIds.slice(0, 5),
          },
          { jobId: `trigger-${c.anomalyId}` },
        );
      },
    });
    void this.executor.queue?.queue
      .upsertJobScheduler(
        'runbook-schedule',
        { every: SCHEDULE_EVERY_MS },
        { name: 'trigger.schedule', data: {} },
      )
      .catch((err: unknown) => this.#logger.warn(`runbook schedule not set: ${String(err)}`));
  }

  async handle(job: Job<RemediationJob['data'], unknown, RemediationJob['name']>): Promise<void> {
    switch (job.name) {
      case 'trigger.alerts': {
        const d = job.data as Extract<RemediationJob, { name: 'trigger.alerts' }>['data'];
        return this.alertsChanged(d.tenantId, d.fingerprints);
      }
      case 'trigger.anomaly': {
        const d = job.data as Extract<RemediationJob, { name: 'trigger.anomaly' }>['data'];
        return this.anomalyOpened(d);
      }
      case 'trigger.schedule':
        return this.schedule(new Date());
      default:
        return;
    }
  }

  async alertsChanged(tenantId: string, fingerprints: readonly string[]): Promise<void> {
    const candidates = (await this.#runbooks(tenantId)).filter(
      (r) => r.definition.trigger.kind === 'alert' || r.definition.trigger.kind === 'incident',
    );
    if (candidates.length === 0) return;
    for (const fingerprint of fingerprints) {
      const alert = await this.alerts.get(tenantId, fingerprint);
      if (!alert || alert.status !== 'firing') continue;
      for (const runbook of candidates) {
        const t = runbook.definition.trigger;
        if (t.kind === 'alert' && t.ruleId === alert.ruleId) {
          await this.#fromAlert(tenantId, runbook, alert);
        } else if (
          t.kind === 'incident' &&
          alert.incidentId !== null &&
          (t.severity === undefined || INCIDENT_SEVERITY[t.severity] === alert.severity)
        ) {
          await this.executor.start(tenantId, runbook, {
            trigger: { kind: 'incident', incidentId: alert.incidentId, fingerprint },
            triggerKey: `incident:${alert.incidentId}`,
            sources: await this.#alertSources(tenantId, runbook, alert),
            context: alertContext(alert),
            alertFingerprint: fingerprint,
            actor: systemActor(tenantId, 'remediation trigger'),
            manual: false,
          });
        }
      }
    }
  }

  async #fromAlert(tenantId: string, runbook: RunbookRow, alert: AlertRow): Promise<void> {
    const sources = await this.#alertSources(tenantId, runbook, alert);
    const settings = await this.settings.get(tenantId);
    const windowMs = limitsOf(runbook.definition, settings).loopWindowSeconds * 1000;
    const previous = await this.runs.transaction(tenantId, (tx) =>
      this.runs.lastRunForAlert(
        tx,
        runbook.id,
        alert.fingerprint,
        new Date(alert.startedAt - windowMs),
      ),
    );
    const options = {
      trigger: {
        kind: 'alert' as const,
        fingerprint: alert.fingerprint,
        ruleId: alert.ruleId,
        startedAt: alert.startedAt,
      },
      triggerKey: `alert:${alert.fingerprint}:${alert.startedAt}`,
      sources,
      context: alertContext(alert),
      alertFingerprint: alert.fingerprint,
      actor: systemActor(tenantId, 'remediation trigger'),
      manual: false,
    };
    const firedAgain = previous?.finishedAt && previous.finishedAt.getTime() <= alert.startedAt;
    if (!previous || !firedAgain) {
      await this.executor.start(tenantId, runbook, options);
      return;
    }
    const minutes = Math.round(windowMs / MINUTE_MS);
    const reason = `loop: the alert fired again within ${minutes} min of run ${previous.id}, which succeeded; remediation was ineffective and people must take over`;
    const skipped = await this.executor.record(tenantId, runbook, options, reason);
    if (skipped === null) return; // this firing was handled already
    if (previous.status === 'succeeded') {
      await this.runs.transaction(tenantId, async (tx) => {
        await this.runs.updateRun(tx, previous.id, {
          status: 'ineffective',
          reason: `the alert fired again at ${new Date(alert.startedAt).toISOString()}`,
        });
        await this.audit.record(systemActor(tenantId, 'remediation'), 'runbook.run_ineffective', {
          target: { kind: 'runbook_run', id: previous.id },
          details: { runbook: runbook.id, alert: alert.fingerprint },
          tx,
        });
      });
      // Followers of the run see it turn ineffective, as they see every other change.
      await this.events
        .changed(tenantId, previous)
        .catch((err: unknown) =>
          this.#logger.warn(`run ${previous.id} change not published: ${String(err)}`),
        );
    }
    await this.#escalate(tenantId, runbook, alert, reason);
  }

  /** Tells the channels of the alert's rule that automation gave up on it. */
  async #escalate(
    tenantId: string,
    runbook: RunbookRow,
    alert: AlertRow,
    reason: string,
  ): Promise<void> {
    const rule = (await this.alertConfig.enabledRules(tenantId)).find((r) => r.id === alert.ruleId);
    const text = `Runbook "${runbook.name}" did not fix ${alert.labels.alertname ?? alert.fingerprint} (${Object.entries(
      alert.labels,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )}): ${reason}. It will not run again automatically for this alert; please investigate.`;
    for (const channelId of rule?.route.channelIds ?? []) {
      const r = await this.notifier.message(tenantId, channelId, text);
      if (!r.ok)
        this.#logger.warn(
          `escalation of ineffective runbook ${runbook.id} to ${channelId} failed: ${r.error}`,
        );
    }
  }

  async anomalyOpened(
    d: Extract<RemediationJob, { name: 'trigger.anomaly' }>['data'],
  ): Promise<void> {
    for (const runbook of await this.#runbooks(d.tenantId)) {
      const t = runbook.definition.trigger;
      if (t.kind !== 'anomaly') continue;
      if (t.anomalyKind !== d.kind && !d.kinds.includes(t.anomalyKind)) continue;
      if (t.service !== undefined && t.service !== d.service) continue;
      await this.executor.start(d.tenantId, runbook, {
        trigger: {
          kind: 'anomaly',
          anomalyId: d.anomalyId,
          service: d.service,
          anomalyKind: d.kind,
        },
        triggerKey: `anomaly:${d.anomalyId}`,
        sources: {
          anomaly: { service: d.service },
          ...(await this.#pattern(d.tenantId, runbook, d.patternIds ?? [], d.service, null)),
        },
        context: { anomaly: { id: d.anomalyId, service: d.service, kind: d.kind } },
        alertFingerprint: null,
        actor: systemActor(d.tenantId, 'remediation trigger'),
        manual: false,
      });
    }
  }

  /** Starts every scheduled runbook whose slot is this minute. */
  async schedule(now: Date): Promise<void> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    for (const { tenantId, runbookId } of await this.runbooks.scheduled()) {
      const runbook = await this.runbooks.transaction(tenantId, (tx) =>
        this.runbooks.find(tx, runbookId),
      );
      const t = runbook?.definition.trigger;
      if (!runbook || t?.kind !== 'schedule') continue;
      const due = 'cron' in t ? safeCron(t.cron, now) : minute % t.everyMinutes === 0;
      if (!due) continue;
      await this.executor
        .start(tenantId, runbook, {
          trigger: { kind: 'schedule', slot: new Date(minute * MINUTE_MS).toISOString() },
          triggerKey: `schedule:${minute}`,
          sources: {},
          context: {},
          alertFingerprint: null,
          actor: systemActor(tenantId, 'remediation schedule'),
          manual: false,
        })
        .catch((err: unknown) =>
          this.#logger.warn(`scheduled run of ${runbookId} failed to start: ${String(err)}`),
        );
    }
  }

  /** What an alert's runbook parameters may read: its labels and annotations, and its pattern. */
  async #alertSources(
    tenantId: string,
    runbook: RunbookRow,
    alert: AlertRow,
  ): Promise<ParameterSources> {
    const service = alert.labels.service;
    return {
      alert: { labels: alert.labels, annotations: alert.annotations },
      anomaly: { ...(service !== undefined ? { service } : {}) },
      ...(await this.#pattern(
        tenantId,
        runbook,
        alert.patternIds,
        service ?? null,
        alert.startedAt,
      )),
    };
  }

  /**
   * The pattern parameters of the triggering line, for runbooks that read `pattern.param.N`: the
   * newest record of the alert's (or anomaly's) first pattern on its service. Like every source,
   * they are checked against the parameter's declared type and allowlist before any step.
   */
  async #pattern(
    tenantId: string,
    runbook: RunbookRow,
    patternIds: readonly string[],
    service: string | null,
    since: number | null,
  ): Promise<Pick<ParameterSources, 'pattern'>> {
    const reads = (runbook.definition.parameters ?? []).some((p) => p.from?.startsWith('pattern.'));
    const patternId = patternIds[0];
    if (!reads || patternId === undefined) return {};
    const [record] = await this.logs.recent(
      tenantId,
      {
        patternId,
        services: service === null ? null : [service],
        from:
          since === null
            ? new Date(Date.now() - PATTERN_LOOKBACK_MS)
            : new Date(since - PATTERN_LOOKBACK_MS),
      },
      1,
    );
    return record?.patternParams ? { pattern: { params: record.patternParams } } : {};
  }

  #runbooks(tenantId: string): Promise<RunbookRow[]> {
    return this.runbooks.transaction(tenantId, (tx) => this.runbooks.list(tx));
  }
}

function safeCron(expression: string, at: Date): boolean {
  try {
    return cronMatches(expression, at);
  } catch {
    return false;
  }
}

function alertContext(alert: AlertRow) {
  return { alert: { labels: alert.labels, annotations: alert.annotations } };
}
