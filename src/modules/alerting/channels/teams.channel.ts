import {
  type AlertChannel,
  type AlertNotice,
  type AlertSeverity,
  type ChannelTarget,
  type DeliveryReceipt,
  commonLabels,
  severityLabel,
  wrongTargetReceipt,
} from './alert-channel';
import { httpFailureReceipt, postOutbound } from './outbound-url';

/**
 * Byte budget of the JSON body. Teams refuses messages over about 28 KB (HTTP 413); 1 KB is kept
 * back for what the connector wraps around the card.
 */
export const TEAMS_MAX_PAYLOAD_BYTES = 27 * 1024;

/** Per-field caps (characters), applied before the byte budget is checked. */
export const TEAMS_LIMITS = {
  title: 200,
  summary: 2000,
  /** The summary is halved down to this when labels and evidence are gone and it is still big. */
  minSummary: 200,
  factTitle: 100,
  factValue: 300,
  labelFacts: 10,
  evidenceLines: 5,
  evidenceLine: 300,
} as const;

/** An ANSI escape (colours in log lines): CSI, parameters, intermediates, final byte. */
const ANSI_ESCAPE = new RegExp(String.raw`\u001b\[[0-9;?]*[ -/]*[@-~]`, 'g');

type TeamsColor = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

const SEVERITY_COLOR: Record<AlertSeverity, TeamsColor> = {
  critical: 'Attention',
  high: 'Attention',
  warning: 'Warning',
  info: 'Accent',
};

const STATUS_WORD = { firing: 'Firing', acknowledged: 'Acknowledged', resolved: 'Resolved' };

/** The message a Teams incoming webhook / Workflows trigger takes: one Adaptive Card. */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }>;
}

/** The Adaptive Card 1.4 subset Vigil writes (`msteams.width` is a Teams extension). */
export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Array<Record<string, unknown>>;
  actions?: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
  msteams: { width: 'Full' };
}

/**
 * Posts a notice to a Microsoft Teams channel through an incoming webhook (Office 365 connector)
 * or a Workflows webhook, as one Adaptive Card 1.4: headline with severity, the summary, facts
 * (service, status, start, group labels), a few evidence lines in monospace, and Open-URL buttons
 * for the links the notice offers. Text from logs goes into `TextRun`s, which Teams renders
 * without Markdown, so a log line cannot turn into a link. The body stays under
 * {@link TEAMS_MAX_PAYLOAD_BYTES}.
 *
 * Answers: 2xx is delivered (the old connector says `1`, Workflows `202` with no body), except a
 * connector 200 whose body reports a Teams error, which is classified by the status it names;
 * 408/429/5xx retry (`Retry-After` honoured), other 4xx are permanent.
 */
export class TeamsChannel implements AlertChannel {
  readonly kind = 'teams' as const;

  constructor(private readonly options: { timeoutMs?: number; now?: () => number } = {}) {}

  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    if (target.kind !== 'teams') return wrongTargetReceipt('teams', target);
    const now = this.options.now ?? Date.now;
    const result = await postOutbound({
      url: target.webhookUrl,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(buildTeamsMessage(notice)),
      allowPrivate: target.allowPrivateNetwork === true,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      now,
    });
    if (!result.ok) return result.receipt;
    return connectorFailure(result.body, now()) ?? { ok: true, status: result.status };
  }
}

/**
 * The Teams message for a notice. When the body is over `maxBytes`, evidence lines go first
 * (last line first), then group-label facts, then the summary is halved down to
 * `TEAMS_LIMITS.minSummary` characters.
 */
export function buildTeamsMessage(
  notice: AlertNotice,
  maxBytes = TEAMS_MAX_PAYLOAD_BYTES,
): TeamsMessage {
  const evidence = notice.alerts
    .flatMap((alert) => alert.evidence ?? [])
    .slice(0, TEAMS_LIMITS.evidenceLines)
    .map((line) => clip(oneLine(line), TEAMS_LIMITS.evidenceLine));
  const labels = labelFacts(notice);
  let summaryMax: number = TEAMS_LIMITS.summary;
  for (;;) {
    const message = wrap(renderCard(notice, evidence, labels, summaryMax));
    if (Buffer.byteLength(JSON.stringify(message)) <= maxBytes) return message;
    if (evidence.length > 0) evidence.pop();
    else if (labels.length > 0) labels.pop();
    else if (summaryMax > TEAMS_LIMITS.minSummary) {
      summaryMax = Math.max(TEAMS_LIMITS.minSummary, Math.floor(summaryMax / 2));
    } else return message;
  }
}

/**
 * Backslash-escapes the characters that start Markdown in Teams (emphasis, links, code), for the
 * FactSet, whose titles and values Teams renders as Markdown.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\*_[\]`<]/g, (c) => `\\${c}`);
}

function wrap(content: AdaptiveCard): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content },
    ],
  };
}

function renderCard(
  notice: AlertNotice,
  evidence: readonly string[],
  labels: ReadonlyArray<{ title: string; value: string }>,
  summaryMax: number,
): AdaptiveCard {
  const state = notice.status === 'firing' ? '' : ` (${notice.status})`;
  const headline = `[${severityLabel(notice.severity)}] ${oneLine(notice.title)}`;
  const body: Array<Record<string, unknown>> = [
    richText(clip(headline, TEAMS_LIMITS.title - state.length) + state, {
      size: 'Large',
      weight: 'Bolder',
      color: notice.status === 'resolved' ? 'Good' : SEVERITY_COLOR[notice.severity],
    }),
  ];
  if (notice.status === 'resolved') {
    body.push(richText('Resolved: every alert of this group has ended.', { color: 'Good' }));
  } else if (notice.status === 'acknowledged') {
    body.push(richText('Acknowledged: someone is on it; the alerts still fire.', {}));
  }
  body.push(richText(clip(oneLine(notice.summary), summaryMax), {}));

  const facts = [...baseFacts(notice), ...labels].map((fact) => ({
    title: escapeTeamsMarkdown(clip(oneLine(fact.title), TEAMS_LIMITS.factTitle)),
    value: escapeTeamsMarkdown(clip(oneLine(fact.value), TEAMS_LIMITS.factValue)),
  }));
  body.push({ type: 'FactSet', facts });

  if (evidence.length > 0) {
    body.push({
      type: 'Container',
      style: 'emphasis',
      items: [
        richText('Evidence', { weight: 'Bolder', size: 'Small' }),
        ...evidence.map((line) => ({
          ...richText(line, { fontType: 'Monospace', size: 'Small' }),
          spacing: 'None',
        })),
      ],
    });
  }

  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    msteams: { width: 'Full' },
  };
  const actions = openUrlActions(notice);
  if (actions.length > 0) card.actions = actions;
  return card;
}

/** Service, status, start (and end, once resolved): always shown. */
function baseFacts(notice: AlertNotice): Array<{ title: string; value: string }> {
  const facts: Array<{ title: string; value: string }> = [];
  const services = distinctLabel(notice, 'service');
  if (services.length > 0) facts.push({ title: 'Service', value: services.join(', ') });
  const count = notice.alerts.length;
  facts.push({
    title: 'Status',
    value: `${STATUS_WORD[notice.status]}${count > 1 ? `, ${count} alerts` : ''}`,
  });
  const starts = notice.alerts.map((alert) => alert.startsAt.getTime());
  if (starts.length > 0) {
    facts.push({ title: 'Starts at', value: formatUtc(Math.min(...starts)) });
  }
  const ends = notice.alerts.map((alert) => alert.endsAt?.getTime() ?? null);
  if (notice.status === 'resolved' && ends.length > 0 && ends.every((end) => end !== null)) {
    facts.push({ title: 'Ended at', value: formatUtc(Math.max(...ends)) });
  }
  return facts;
}

/** The group labels other than `service` (already a fact), at most `TEAMS_LIMITS.labelFacts`. */
function labelFacts(notice: AlertNotice): Array<{ title: string; value: string }> {
  return Object.entries(notice.groupLabels ?? {})
    .filter(([name]) => name !== 'service')
    .slice(0, TEAMS_LIMITS.labelFacts)
    .map(([title, value]) => ({ title, value }));
}

function openUrlActions(notice: AlertNotice): NonNullable<AdaptiveCard['actions']> {
  const links: Array<[string, string | undefined]> = [
    ['View in Vigil', notice.links.alert ?? notice.alerts[0]?.url],
    ['Acknowledge', notice.status === 'firing' ? notice.links.ack : undefined],
    ['Not useful', notice.links.notUseful],
  ];
  return links
    .filter((link): link is [string, string] => link[1] !== undefined && isHttpUrl(link[1]))
    .map(([title, url]) => ({ type: 'Action.OpenUrl', title, url }));
}

function richText(text: string, run: Record<string, string>): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...run }] };
}

function distinctLabel(notice: AlertNotice, name: string): string[] {
  const common = commonLabels(notice.alerts)[name];
  if (common !== undefined) return [common];
  const values = new Set<string>();
  for (const alert of notice.alerts) {
    const value = alert.labels[name];
    if (value !== undefined) values.add(value);
  }
  return [...values].slice(0, 10);
}

/**
 * The old Office 365 connector answers 200 even when Teams refused the message, with the reason
 * in the body ("... Microsoft Teams endpoint returned HTTP error 429 ...").
 */
function connectorFailure(body: string, nowMs: number): DeliveryReceipt | null {
  if (!/delivery failed|returned HTTP error/i.test(body)) return null;
  const named = /returned HTTP error (\d{3})/i.exec(body)?.[1];
  return httpFailureReceipt(named === undefined ? 502 : Number(named), null, nowMs, body);
}

function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
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
