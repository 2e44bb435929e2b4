import { createHash } from 'node:crypto';

import {
  type AlertChannel,
  type AlertNotice,
  type AlertSeverity,
  type ChannelTarget,
  type DeliveryReceipt,
  type PagerDutyTarget,
  commonLabels,
  wrongTargetReceipt,
} from './alert-channel';
import { postOutbound } from './outbound-url';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Events API v2 limits. */
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;

const PD_SEVERITY: Record<AlertSeverity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  warning: 'warning',
  info: 'info',
};

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/**
 * PagerDuty Events API v2. The notice status picks the event: `firing` triggers, `acknowledged`
 * acknowledges, `resolved` resolves, all on `dedup_key` = the group fingerprint, so one group is
 * one incident. `acknowledge(dedupKey, target)` sends a bare acknowledge when no notice is at hand
 * (an ack clicked in Slack or Vigil).
 */
export class PagerDutyChannel implements AlertChannel {
  readonly kind = 'pagerduty' as const;

  constructor(private readonly options: { timeoutMs?: number } = {}) {}

  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    if (target.kind !== 'pagerduty') return wrongTargetReceipt('pagerduty', target);
    return this.#post(target, buildPagerDutyEvent(notice, target.routingKey));
  }

  /** Acknowledges the incident opened for `dedupKey` (the group fingerprint). */
  async acknowledge(dedupKey: string, target: PagerDutyTarget): Promise<DeliveryReceipt> {
    return this.#post(target, {
      routing_key: target.routingKey,
      event_action: 'acknowledge',
      dedup_key: pagerDutyDedupKey(dedupKey),
    });
  }

  async #post(target: PagerDutyTarget, event: object): Promise<DeliveryReceipt> {
    const result = await postOutbound({
      url: target.apiUrl ?? PAGERDUTY_EVENTS_URL,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      allowPrivate: target.allowPrivateNetwork === true,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    if (!result.ok) return result.receipt;
    let answer: { status?: unknown; dedup_key?: unknown; message?: unknown };
    try {
      answer = JSON.parse(result.body) as typeof answer;
    } catch {
      return { ok: false, status: result.status, permanent: false, error: 'PagerDuty: not JSON' };
    }
    if (answer.status !== 'success') {
      const message = typeof answer.message === 'string' ? answer.message : 'no success status';
      return { ok: false, status: result.status, permanent: false, error: `PagerDuty: ${message}` };
    }
    return {
      ok: true,
      status: result.status,
      ...(typeof answer.dedup_key === 'string' ? { providerId: answer.dedup_key } : {}),
    };
  }
}

/** The Events API v2 event for a notice. */
export function buildPagerDutyEvent(notice: AlertNotice, routingKey: string): object {
  const action: PagerDutyAction =
    notice.status === 'firing'
      ? 'trigger'
      : notice.status === 'acknowledged'
        ? 'acknowledge'
        : 'resolve';
  const base = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: pagerDutyDedupKey(notice.dedupKey),
  };
  if (action !== 'trigger') return base;

  const labels = commonLabels(notice.alerts);
  const links = [
    notice.links.alert ? { href: notice.links.alert, text: 'Open in Vigil' } : null,
    notice.links.ack ? { href: notice.links.ack, text: 'Acknowledge in Vigil' } : null,
    notice.links.notUseful ? { href: notice.links.notUseful, text: 'Not useful' } : null,
  ].filter((link) => link !== null);
  return {
    ...base,
    client: 'Vigil',
    ...(notice.links.alert ? { client_url: notice.links.alert } : {}),
    payload: {
      summary: clip(`${notice.title}: ${notice.summary}`, MAX_SUMMARY),
      source: labels.host ?? labels.service ?? 'vigil',
      severity: PD_SEVERITY[notice.severity],
      timestamp: notice.createdAt.toISOString(),
      ...(labels.service ? { component: labels.service } : {}),
      group: notice.groupKey,
      ...(labels.alertname ? { class: labels.alertname } : {}),
      custom_details: {
        notice_id: notice.id,
        tenant_id: notice.tenantId,
        group_key: notice.groupKey,
        alerts: notice.alerts.map((alert) => ({
          fingerprint: alert.fingerprint,
          status: alert.status,
          labels: alert.labels,
          explanation: alert.explanation,
          starts_at: alert.startsAt.toISOString(),
          ...(alert.evidence?.length ? { evidence: alert.evidence.slice(0, 5) } : {}),
        })),
      },
    },
    links,
  };
}

/**
 * `dedup_key` within PagerDuty's 255 characters. A longer key keeps its first 190 characters and
 * gets the SHA-256 of the whole key appended, so two long keys sharing a prefix stay distinct.
 */
export function pagerDutyDedupKey(key: string): string {
  if (key.length <= MAX_DEDUP_KEY) return key;
  const digest = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUP_KEY - digest.length - 1)}:${digest}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
