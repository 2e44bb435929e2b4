import { createHmac, timingSafeEqual } from 'node:crypto';

import {
  type AlertChannel,
  type AlertNotice,
  type ChannelTarget,
  type DeliveryReceipt,
  commonLabels,
  wrongTargetReceipt,
} from './alert-channel';
import { postOutbound } from './outbound-url';

/** Alertmanager writes an unset `endsAt` as Go's zero time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The Alertmanager webhook (version 4) body, plus Vigil's own fields under `vigil`. */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
  vigil: {
    noticeId: string;
    tenantId: string;
    dedupKey: string;
    status: AlertNotice['status'];
    severity: AlertNotice['severity'];
    title: string;
    summary: string;
    createdAt: string;
    links: AlertNotice['links'];
    alerts: Array<{ fingerprint: string; explanation: string; evidence: readonly string[] }>;
  };
}

/**
 * A generic webhook: POSTs an Alertmanager-compatible JSON body, so receivers written for
 * Alertmanager work unchanged, signed like Stripe/Slack webhooks: `X-Vigil-Timestamp` (unix
 * seconds) and `X-Vigil-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
 * Receivers check it with {@link verifyWebhookSignature}; `X-Vigil-Notice` (the notice id) lets
 * them drop a redelivery.
 */
export class WebhookChannel implements AlertChannel {
  readonly kind = 'webhook' as const;

  constructor(private readonly options: { now?: () => Date; timeoutMs?: number } = {}) {}

  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    if (target.kind !== 'webhook') return wrongTargetReceipt('webhook', target);
    const body = JSON.stringify(buildWebhookPayload(notice, target.receiver ?? 'vigil'));
    const timestamp = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    const result = await postOutbound({
      url: target.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vigil-Webhook/1',
        'x-vigil-notice': notice.id,
        'x-vigil-timestamp': String(timestamp),
        'x-vigil-signature': signWebhook(target.secret, timestamp, body),
      },
      body,
      allowPrivate: target.allowPrivateNetwork === true,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    return result.ok ? { ok: true, status: result.status } : result.receipt;
  }
}

export function buildWebhookPayload(notice: AlertNotice, receiver: string): WebhookPayload {
  return {
    version: '4',
    groupKey: notice.groupKey,
    truncatedAlerts: 0,
    // Alertmanager has no "acknowledged": the group still fires.
    status: notice.status === 'resolved' ? 'resolved' : 'firing',
    receiver,
    groupLabels: { ...(notice.groupLabels ?? {}) },
    commonLabels: commonLabels(notice.alerts),
    commonAnnotations: commonLabels(notice.alerts, (alert) => alert.annotations),
    externalURL: notice.externalUrl ?? '',
    alerts: notice.alerts.map((alert) => ({
      status: alert.status,
      labels: { ...alert.labels },
      annotations: { ...alert.annotations },
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt ? alert.endsAt.toISOString() : ZERO_TIME,
      generatorURL: alert.url ?? notice.links.alert ?? '',
      fingerprint: alert.fingerprint,
    })),
    vigil: {
      noticeId: notice.id,
      tenantId: notice.tenantId,
      dedupKey: notice.dedupKey,
      status: notice.status,
      severity: notice.severity,
      title: notice.title,
      summary: notice.summary,
      createdAt: notice.createdAt.toISOString(),
      links: { ...notice.links },
      alerts: notice.alerts.map((alert) => ({
        fingerprint: alert.fingerprint,
        explanation: alert.explanation,
        evidence: alert.evidence ?? [],
      })),
    },
  };
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks `X-Vigil-Signature` against the raw body and `X-Vigil-Timestamp`. False when the
 * timestamp is more than `toleranceSeconds` away from `now` (replay) or no `v1=` value matches
 * (several may be given, comma-separated, during a secret rotation). Constant-time comparison.
 *
 * @example
 *   const ok = verifyWebhookSignature(secret, req.headers['x-vigil-timestamp'], rawBody,
 *     req.headers['x-vigil-signature'], new Date());
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  body: string | Buffer,
  signature: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const seconds =
    typeof timestamp === 'number'
      ? timestamp
      : /^\d{1,12}$/.test(timestamp)
        ? Number(timestamp)
        : NaN;
  if (!Number.isSafeInteger(seconds)) return false;
  if (Math.abs(now.getTime() / 1000 - seconds) > toleranceSeconds) return false;
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${seconds}.`).update(body).digest('hex'),
  );
  let matched = false;
  for (const part of signature.split(',')) {
    const candidate = part.trim();
    if (!candidate.startsWith('v1=')) continue;
    const given = Buffer.from(candidate.slice(3));
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
