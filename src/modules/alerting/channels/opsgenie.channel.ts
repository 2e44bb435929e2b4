import { createHash } from 'node:crypto';

import {
  type AlertChannel,
  type AlertNotice,
  type AlertSeverity,
  type ChannelTarget,
  type DeliveryReceipt,
  type OpsgenieTarget,
  commonLabels,
  wrongTargetReceipt,
} from './alert-channel';
import { postOutbound } from './outbound-url';

export const OPSGENIE_API_URL = 'https://api.opsgenie.com';

/** Alert API v2 field limits (characters), from Opsgenie's "Create alert" documentation. */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  tags: 20,
  tag: 50,
  entity: 512,
  /** `details` keys and values together. */
  details: 8000,
  detailValue: 1000,
} as const;

/** The summary's share of the description, so that the links after it always fit. */
const SUMMARY = 4000;
/** Evidence lines per alert in the description, and their length. */
const EVIDENCE_LINES = 5;
const EVIDENCE_LINE = 500;

/** An ANSI escape (colours in log lines): CSI, parameters, intermediates, final byte. */
const ANSI_ESCAPE = new RegExp(String.raw`\u001b\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** Opsgenie's scale: P1 critical ... P5 informational. */
const PRIORITY: Record<AlertSeverity, 'P1' | 'P2' | 'P3' | 'P4' | 'P5'> = {
  critical: 'P1',
  high: 'P2',
  warning: 'P3',
  info: 'P5',
};

/** One Alert API call: where, and the JSON body. */
export interface OpsgenieRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * Opsgenie Alert API v2, authenticated with `Authorization: GenieKey <apiKey>`. The notice status
 * picks the call, all on `alias` = the group fingerprint, so one group is one Opsgenie alert:
 * `firing` creates (`POST /v2/alerts`; Opsgenie counts a repeat of an open alias instead of
 * opening a second alert), `acknowledged` acknowledges and `resolved` closes it
 * (`POST /v2/alerts/{alias}/acknowledge|close?identifierType=alias`).
 *
 * Opsgenie answers 202 with a `requestId` (the work itself is asynchronous): that id is the
 * receipt's `providerId`. 408/429/5xx retry (`Retry-After` honoured), other 4xx are permanent
 * (401/403: a wrong key; 422: a refused field).
 */
export class OpsgenieChannel implements AlertChannel {
  readonly kind = 'opsgenie' as const;

  constructor(private readonly options: { timeoutMs?: number } = {}) {}

  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    if (target.kind !== 'opsgenie') return wrongTargetReceipt('opsgenie', target);
    const request = buildOpsgenieRequest(notice);
    const result = await postOutbound({
      url: `${opsgenieBase(target)}${request.path}`,
      headers: {
        'content-type': 'application/json',
        authorization: `GenieKey ${target.apiKey}`,
      },
      body: JSON.stringify(request.body),
      allowPrivate: target.allowPrivateNetwork === true,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    if (!result.ok) return result.receipt;
    return { ok: true, status: result.status, ...requestIdOf(result.body) };
  }
}

/** The Alert API call for a notice: create when firing, acknowledge or close otherwise. */
export function buildOpsgenieRequest(notice: AlertNotice): OpsgenieRequest {
  const alias = opsgenieAlias(notice.dedupKey);
  if (notice.status === 'firing') return { path: '/v2/alerts', body: buildOpsgenieAlert(notice) };
  const action = notice.status === 'acknowledged' ? 'acknowledge' : 'close';
  const note =
    notice.status === 'acknowledged'
      ? 'Acknowledged in Vigil.'
      : 'Resolved in Vigil: every alert of the group has ended.';
  return {
    path: `/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`,
    body: { source: 'vigil', note },
  };
}

/** The "Create alert" body for a firing notice, every field within Opsgenie's limits. */
export function buildOpsgenieAlert(notice: AlertNotice): Record<string, unknown> {
  const labels = { ...commonLabels(notice.alerts), ...(notice.groupLabels ?? {}) };
  const services = distinctLabel(notice, 'service');
  const details = boundedDetails({
    ...labels,
    ...(notice.links.alert && labels.vigil_url === undefined
      ? { vigil_url: notice.links.alert }
      : {}),
  });
  return {
    message: clip(oneLine(notice.title), OPSGENIE_LIMITS.message),
    alias: opsgenieAlias(notice.dedupKey),
    description: clip(description(notice), OPSGENIE_LIMITS.description),
    tags: tags(notice, services),
    details,
    ...(services.length > 0 ? { entity: clip(services.join(', '), OPSGENIE_LIMITS.entity) } : {}),
    source: 'vigil',
    priority: PRIORITY[notice.severity],
  };
}

/**
 * `alias` within Opsgenie's 512 characters. A longer key keeps its first 447 characters and gets
 * the SHA-256 of the whole key appended, so two long keys sharing a prefix stay distinct.
 */
export function opsgenieAlias(key: string): string {
  if (key.length <= OPSGENIE_LIMITS.alias) return key;
  const digest = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, OPSGENIE_LIMITS.alias - digest.length - 1)}:${digest}`;
}

function opsgenieBase(target: OpsgenieTarget): string {
  return (target.apiUrl ?? OPSGENIE_API_URL).replace(/\/+$/, '');
}

/**
 * Plain text: the summary (at most 4000 characters), the links, then each alert with its
 * explanation and evidence, so that cutting at the limit loses alerts and evidence, never links.
 */
function description(notice: AlertNotice): string {
  const links = [
    notice.links.alert ? `Open in Vigil: ${notice.links.alert}` : null,
    notice.links.ack ? `Acknowledge: ${notice.links.ack}` : null,
    notice.links.notUseful ? `Not useful: ${notice.links.notUseful}` : null,
  ].filter((line) => line !== null);
  const alerts = notice.alerts.map((alert) => {
    const name = alert.labels.alertname ?? alert.fingerprint;
    const lines = [
      `- ${name} [${alert.status}] since ${alert.startsAt.toISOString()}`,
      `  ${oneLine(alert.explanation)}`,
      ...(alert.evidence ?? [])
        .slice(0, EVIDENCE_LINES)
        .map((line) => `  > ${clip(oneLine(line), EVIDENCE_LINE)}`),
    ];
    return lines.join('\n');
  });
  return [
    clip(notice.summary, SUMMARY),
    ...(links.length > 0 ? [links.join('\n')] : []),
    `Alerts (${notice.alerts.length}):\n${alerts.join('\n')}`,
  ].join('\n\n');
}

/** `vigil`, the severity, the alert name and the services; each ≤ 50 characters, at most 20. */
function tags(notice: AlertNotice, services: readonly string[]): string[] {
  const alertnames = new Set(notice.alerts.map((a) => a.labels.alertname).filter(Boolean));
  const all = [
    'vigil',
    `severity:${notice.severity}`,
    ...[...alertnames].map((name) => `alertname:${name}`),
    ...services.map((service) => `service:${service}`),
  ].map((tag) => clip(oneLine(tag), OPSGENIE_LIMITS.tag));
  return [...new Set(all)].slice(0, OPSGENIE_LIMITS.tags);
}

/** Entries in order while keys and values together stay within the 8000-character budget. */
function boundedDetails(entries: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let used = 0;
  for (const [key, raw] of Object.entries(entries)) {
    const value = clip(raw, OPSGENIE_LIMITS.detailValue);
    if (used + key.length + value.length > OPSGENIE_LIMITS.details) break;
    out[key] = value;
    used += key.length + value.length;
  }
  return out;
}

function distinctLabel(notice: AlertNotice, name: string): string[] {
  const values = new Set<string>();
  for (const alert of notice.alerts) {
    const value = alert.labels[name];
    if (value !== undefined) values.add(value);
  }
  return [...values].slice(0, 10);
}

function requestIdOf(body: string): { providerId?: string } {
  try {
    const answer = JSON.parse(body) as { requestId?: unknown };
    return typeof answer.requestId === 'string' ? { providerId: answer.requestId } : {};
  } catch {
    return {};
  }
}

/** One line of plain text: ANSI colour codes dropped, control characters and breaks as spaces. */
function oneLine(text: string): string {
  return text
    .replace(ANSI_ESCAPE, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

/** At most `max` UTF-16 units, ending in `…` when cut, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
