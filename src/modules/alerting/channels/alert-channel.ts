import { type AlertingErrorCode } from '../alerting.errors';

/** The delivery channels Vigil speaks. */
export type ChannelKind = 'slack' | 'pagerduty' | 'email' | 'webhook' | 'teams' | 'opsgenie';

/** Vigil's severities, most urgent first. Each channel maps them onto its provider's scale. */
export type AlertSeverity = 'critical' | 'high' | 'warning' | 'info';

/** The state of one alert inside a notice (Alertmanager's two states). */
export type AlertStatus = 'firing' | 'resolved';

/**
 * The state a notice announces. `acknowledged` is sent once a person has taken the group: PagerDuty
 * acknowledges the incident, the other channels post an "acknowledged" message.
 */
export type NoticeStatus = 'firing' | 'acknowledged' | 'resolved';

/** One alert of the group, as the channels render it. */
export interface NoticeAlert {
  /** Stable identity of the alert (hash of its labels), as in Alertmanager. */
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: AlertStatus;
  readonly startsAt: Date;
  /** `null` while the alert still fires. */
  readonly endsAt: Date | null;
  /** Why Vigil raised it, in one or two plain sentences (detector output made readable). */
  readonly explanation: string;
  /** A few representative log lines, most telling first; already redacted upstream. */
  readonly evidence?: readonly string[];
  /** Where this alert can be seen in Vigil (Alertmanager's `generatorURL`). */
  readonly url?: string;
}

/** One-click links a notice offers; absent links are simply not rendered. */
export interface NoticeLinks {
  /** The alert group in the Vigil UI. */
  readonly alert?: string;
  /** Acknowledges the group (signed, single-purpose URL minted by the alerting service). */
  readonly ack?: string;
  /** Marks the notice as not useful (feedback for the detectors). */
  readonly notUseful?: string;
  /** Approves the runbook step a notice asks about (signed, like `ack`). */
  readonly approve?: string;
  /** Refuses the runbook step a notice asks about. */
  readonly refuse?: string;
}

/**
 * What is being notified: one alert group at one moment. Built by the alerting service, rendered
 * by every channel; channels never look anything up, so everything they show is in here.
 *
 * Identity: `id` names this notification (it is the value of the Slack buttons and part of the
 * delivery job key), `groupKey` names the group for people and Alertmanager receivers, `dedupKey`
 * (the group fingerprint) is the provider-side identity that lets a `resolved` notice close the
 * incident a `firing` one opened.
 */
export interface AlertNotice {
  readonly id: string;
  readonly tenantId: string;
  readonly groupKey: string;
  readonly dedupKey: string;
  readonly status: NoticeStatus;
  readonly severity: AlertSeverity;
  /** One line, plain text (channels escape it for their markup). */
  readonly title: string;
  /** A short paragraph, plain text. */
  readonly summary: string;
  /** At least one alert; the first is the most representative. */
  readonly alerts: readonly NoticeAlert[];
  readonly links: NoticeLinks;
  /** The labels the group is keyed on (e.g. `{ service: 'api' }`); `{}` when not grouped. */
  readonly groupLabels?: Readonly<Record<string, string>>;
  /** When the alerting service produced this notice (the provider event timestamp). */
  readonly createdAt: Date;
  /** Base URL of the Vigil UI (Alertmanager's `externalURL`). */
  readonly externalUrl?: string;
}

/** Fields every target may carry. */
export interface TargetBase {
  /** Lets the target point at loopback/private addresses (self-hosted receivers, tests). */
  readonly allowPrivateNetwork?: boolean;
}

/** Verifies the Slack app's button clicks at the interactivity endpoint (not used to send). */
export interface SlackSigning {
  readonly signingSecret?: string;
}

export type SlackTarget = TargetBase &
  SlackSigning & { readonly kind: 'slack' } & (
    | { readonly webhookUrl: string }
    | {
        readonly token: string;
        readonly channel: string;
        /** Slack Web API base, default `https://slack.com/api`. */
        readonly apiUrl?: string;
      }
  );

export interface PagerDutyTarget extends TargetBase {
  readonly kind: 'pagerduty';
  /** Integration (routing) key of an Events API v2 service. */
  readonly routingKey: string;
  /** Default `https://events.pagerduty.com/v2/enqueue`. */
  readonly apiUrl?: string;
}

export interface EmailTarget extends TargetBase {
  readonly kind: 'email';
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
}

export interface WebhookTarget extends TargetBase {
  readonly kind: 'webhook';
  readonly url: string;
  /** HMAC key for `X-Vigil-Signature`. */
  readonly secret: string;
  /** Alertmanager's `receiver` field; default `vigil`. */
  readonly receiver?: string;
}

/**
 * A Microsoft Teams incoming webhook, or a Workflows "when a Teams webhook request is received"
 * trigger URL.
 */
export interface TeamsTarget extends TargetBase {
  readonly kind: 'teams';
  /** The URL carries its own credential, so it is a secret. */
  readonly webhookUrl: string;
}

export interface OpsgenieTarget extends TargetBase {
  readonly kind: 'opsgenie';
  /** API key of an Opsgenie API integration (sent as `Authorization: GenieKey <apiKey>`). */
  readonly apiKey: string;
  /** Default `https://api.opsgenie.com`; EU accounts use `https://api.eu.opsgenie.com`. */
  readonly apiUrl?: string;
}

/** Where to deliver, per kind, with secrets already decrypted. Never log a target. */
export type ChannelTarget =
  SlackTarget | PagerDutyTarget | EmailTarget | WebhookTarget | TeamsTarget | OpsgenieTarget;

/**
 * The outcome of one delivery attempt. Channels report provider failures here rather than throw,
 * so the delivery job can decide: `permanent` failures are recorded and dropped, the others are
 * retried (after `retryAfterMs` when the provider asked for a pause).
 */
export interface DeliveryReceipt {
  readonly ok: boolean;
  /** HTTP status, or the SMTP reply code. */
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The provider's id for what was created (Slack `ts`, PagerDuty dedup key, Message-ID). */
  readonly providerId?: string;
  readonly error?: string;
  readonly permanent?: boolean;
  /** Set when Vigil itself refused (bad or forbidden target) rather than the provider. */
  readonly code?: AlertingErrorCode;
}

/**
 * A delivery channel: a small stateless adapter from a notice to one provider's API.
 *
 * `thread` is the provider id (the receipt's `providerId`) of the message an earlier notice of
 * the same group created on this target, given for follow-ups (updates, acknowledgement,
 * resolution): a channel that can edit what it sent (Slack's `chat.update`) updates that message
 * instead of posting another; the others ignore it.
 */
export interface AlertChannel {
  readonly kind: ChannelKind;
  send(notice: AlertNotice, target: ChannelTarget, thread?: string): Promise<DeliveryReceipt>;
}

/** Severity as it is shown to people, e.g. `CRITICAL`. */
export function severityLabel(severity: AlertSeverity): string {
  return severity.toUpperCase();
}

/** The receipt for a target of the wrong kind (a wiring mistake, so it is permanent). */
export function wrongTargetReceipt(expected: ChannelKind, target: ChannelTarget): DeliveryReceipt {
  return {
    ok: false,
    permanent: true,
    code: 'INVALID_TARGET',
    error: `a ${expected} channel cannot deliver to a ${target.kind} target`,
  };
}

/** Labels shared, with the same value, by every alert of the notice (Alertmanager's rule). */
export function commonLabels(
  alerts: readonly NoticeAlert[],
  pick: (alert: NoticeAlert) => Readonly<Record<string, string>> = (a) => a.labels,
): Record<string, string> {
  const [first, ...rest] = alerts;
  if (!first) return {};
  const common: Record<string, string> = {};
  for (const [key, value] of Object.entries(pick(first))) {
    if (rest.every((alert) => pick(alert)[key] === value)) common[key] = value;
  }
  return common;
}
