import { createHash } from 'node:crypto';

import { createTransport, type Transporter } from 'nodemailer';

import {
  type AlertChannel,
  type AlertNotice,
  type ChannelTarget,
  type DeliveryReceipt,
  type EmailTarget,
  commonLabels,
  severityLabel,
  wrongTargetReceipt,
} from './alert-channel';
import { checkOutboundHost, refusedReceipt } from './outbound-url';

/** nodemailer error codes that name a configuration problem a retry cannot fix. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ETLS']);

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/**
 * E-mail over SMTP with nodemailer: a subject `[SEVERITY] title`, a text and an HTML body (every
 * interpolated value HTML-escaped) with the one-click links of the notice. Transports are pooled
 * and cached per host/port/TLS/user/password (at most `maxTransports`, least recently used closed
 * first); call `close()` on shutdown.
 */
export class EmailChannel implements AlertChannel {
  readonly kind = 'email' as const;
  readonly #transports = new Map<string, Transporter>();
  readonly #maxTransports: number;
  readonly #timeoutMs: number;

  constructor(options: { maxTransports?: number; timeoutMs?: number } = {}) {
    this.#maxTransports = options.maxTransports ?? 50;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(notice: AlertNotice, target: ChannelTarget): Promise<DeliveryReceipt> {
    if (target.kind !== 'email') return wrongTargetReceipt('email', target);
    if (target.to.length === 0) {
      return { ok: false, permanent: true, code: 'INVALID_TARGET', error: 'no recipients' };
    }
    try {
      await checkOutboundHost(target.host, { allowPrivate: target.allowPrivateNetwork === true });
    } catch (error) {
      return refusedReceipt(error);
    }
    const message = buildEmail(notice);
    try {
      const info = (await this.#transport(target).sendMail({
        from: target.from,
        to: [...target.to],
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'X-Vigil-Notice': notice.id },
      })) as { messageId?: string; rejected?: unknown[] };
      const rejected = (info.rejected ?? []).map(String);
      return {
        ok: true,
        ...(info.messageId ? { providerId: info.messageId } : {}),
        ...(rejected.length > 0 ? { error: `rejected recipients: ${rejected.join(', ')}` } : {}),
      };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  /** Closes every cached transport (pooled connections). */
  close(): void {
    for (const transport of this.#transports.values()) transport.close();
    this.#transports.clear();
  }

  #transport(target: EmailTarget): Transporter {
    // The password is part of the key (hashed) so a rotated secret gets a fresh transport.
    const secret = createHash('sha256')
      .update(target.password ?? '')
      .digest('hex')
      .slice(0, 16);
    const key = [target.host, target.port, target.secure, target.user ?? '', secret].join('|');
    const cached = this.#transports.get(key);
    if (cached) {
      this.#transports.delete(key);
      this.#transports.set(key, cached);
      return cached;
    }
    const transport = createTransport({
      pool: true,
      maxConnections: 2,
      host: target.host,
      port: target.port,
      secure: target.secure,
      ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
      connectionTimeout: this.#timeoutMs,
      greetingTimeout: this.#timeoutMs,
      socketTimeout: this.#timeoutMs,
    });
    this.#transports.set(key, transport);
    if (this.#transports.size > this.#maxTransports) {
      const [oldestKey, oldest] = this.#transports.entries().next().value as [string, Transporter];
      oldest.close();
      this.#transports.delete(oldestKey);
    }
    return transport;
  }
}

/** Subject, text and HTML for a notice. */
export function buildEmail(notice: AlertNotice): EmailMessage {
  const state = notice.status === 'firing' ? '' : `${capitalise(notice.status)}: `;
  const subject = `[${severityLabel(notice.severity)}] ${state}${notice.title}`.replace(
    /[\r\n]+/g,
    ' ',
  );
  const labels = commonLabels(notice.alerts);
  const facts = (['service', 'host'] as const)
    .filter((name) => labels[name] !== undefined)
    .map((name) => [name, labels[name]!] as const);
  const links = [
    ['Open in Vigil', notice.links.alert],
    ['Acknowledge', notice.status === 'firing' ? notice.links.ack : undefined],
    ['Not useful', notice.links.notUseful],
  ].filter((link): link is [string, string] => typeof link[1] === 'string');
  // An approval request: two buttons of their own, each a signed link acting as the recipient.
  const answers = [
    { label: 'Approve', href: notice.links.approve, colour: '#1a7f37' },
    { label: 'Refuse', href: notice.links.refuse, colour: '#cf222e' },
  ].filter((a): a is { label: string; href: string; colour: string } => a.href !== undefined);

  const text = [
    subject,
    '',
    notice.summary,
    '',
    ...facts.map(([name, value]) => `${name}: ${value}`),
    ...notice.alerts.flatMap((alert) => [
      '',
      `- ${alert.status} since ${alert.startsAt.toISOString()}: ${alert.explanation}`,
      ...(alert.evidence ?? []).slice(0, 3).map((line) => `    ${line}`),
    ]),
    ...(answers.length > 0
      ? ['', 'Answer this approval request (each link answers as you):', '']
      : []),
    ...answers.map(({ label, href }) => `${label}: ${href}`),
    '',
    ...links.map(([label, href]) => `${label}: ${href}`),
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(subject)}</h2>`,
    `<p>${escapeHtml(notice.summary)}</p>`,
    facts.length > 0
      ? `<table>${facts.map(([n, v]) => `<tr><th align="left">${escapeHtml(n)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`
      : '',
    '<ul>',
    ...notice.alerts.map(
      (alert) =>
        `<li><b>${escapeHtml(alert.status)}</b> since ${escapeHtml(alert.startsAt.toISOString())}: ` +
        `${escapeHtml(alert.explanation)}` +
        (alert.evidence?.length
          ? `<pre>${alert.evidence.slice(0, 3).map(escapeHtml).join('\n')}</pre>`
          : '') +
        '</li>',
    ),
    '</ul>',
    answers.length > 0
      ? `<p>${answers
          .map(
            ({ label, href, colour }) =>
              `<a href="${escapeHtml(safeHref(href))}" style="display:inline-block;padding:10px 20px;` +
              `margin-right:12px;border-radius:6px;background:${colour};color:#ffffff;` +
              `font-weight:bold;text-decoration:none">${escapeHtml(label)}</a>`,
          )
          .join('')}</p>`
      : '',
    links.length > 0
      ? `<p>${links.map(([label, href]) => `<a href="${escapeHtml(safeHref(href))}">${escapeHtml(label)}</a>`).join(' | ')}</p>`
      : '',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** Escapes the five HTML-significant characters (text and attribute values). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only http(s) links are rendered as links (no `javascript:`), others become `#`. */
function safeHref(href: string): string {
  return /^https?:\/\//i.test(href) ? href : '#';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function smtpFailure(error: unknown): DeliveryReceipt {
  const detail = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const status = typeof detail.responseCode === 'number' ? detail.responseCode : undefined;
  const code = typeof detail.code === 'string' ? detail.code : undefined;
  const permanent =
    status !== undefined ? status >= 500 : code !== undefined && PERMANENT_CODES.has(code);
  const message = typeof detail.message === 'string' ? detail.message : 'SMTP error';
  return {
    ok: false,
    permanent,
    error: code ? `${code}: ${message}` : message,
    ...(status !== undefined ? { status } : {}),
  };
}
