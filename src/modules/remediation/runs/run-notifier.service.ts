import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { AlertNotice, NoticeLinks } from '../../alerting/channels/alert-channel';
import { AlertChannelsService } from '../../alerting/config/alert-channels.service';

export interface NotifyResult {
  ok: boolean;
  retryable: boolean;
  error?: string;
  channelName?: string;
  channelKind?: string;
}

/** What an approval request says and where its answers go. */
export interface ApprovalRequest {
  runId: string;
  stepIndex: number;
  runbookName: string;
  message: string;
  deadline: Date;
  /** Per e-mail recipient: the links that approve or refuse as that person. */
  emailRecipients: ReadonlyArray<{ email: string; links: NoticeLinks }>;
  /** Links for channels that are not e-mail (Slack renders them as buttons). */
  links: NoticeLinks;
}

/**
 * Runbook messages through the tenant's alert channels: a notify step's text, and approval
 * requests (an e-mail channel writes to each member who may approve, with links of their own).
 */
@Injectable()
export class RunNotifier {
  constructor(private readonly channels: AlertChannelsService) {}

  async message(tenantId: string, channelRef: string, text: string): Promise<NotifyResult> {
    return this.#send(
      tenantId,
      channelRef,
      notice(tenantId, 'Vigil runbook', text, {}, `runbook:${randomUUID()}`),
    );
  }

  /** Asks on every channel of the step; the outcome per channel. */
  async requestApproval(
    tenantId: string,
    channelRefs: readonly string[],
    request: ApprovalRequest,
  ): Promise<NotifyResult[]> {
    const title = `Approval needed: ${request.runbookName}`;
    const text = `${request.message}\nAnswer before ${request.deadline.toISOString()}.`;
    const key = `approval:${request.runId}:${request.stepIndex}`;
    const out: NotifyResult[] = [];
    for (const ref of channelRefs) {
      const channel = await this.channels.kindOf(tenantId, ref);
      if (channel === null) {
        out.push({ ok: false, retryable: false, error: `no alert channel "${ref}"` });
      } else if (channel.kind !== 'email') {
        out.push(
          await this.#send(tenantId, ref, notice(tenantId, title, text, request.links, key)),
        );
      } else if (request.emailRecipients.length === 0) {
        out.push({
          ok: false,
          retryable: false,
          error: 'no member who may approve has an e-mail address',
          channelName: channel.name,
        });
      } else {
        // E-mail: one message per approver, each with links that act as that person.
        for (const r of request.emailRecipients) {
          const n = notice(tenantId, title, text, r.links, key);
          out.push(await this.#send(tenantId, ref, n, [r.email]));
        }
      }
    }
    return out;
  }

  async #send(
    tenantId: string,
    ref: string,
    n: AlertNotice,
    recipients?: readonly string[],
  ): Promise<NotifyResult> {
    const sent = await this.channels.sendTo(tenantId, ref, n, recipients);
    if (sent === null) return { ok: false, retryable: false, error: `no alert channel "${ref}"` };
    const { receipt, channel } = sent;
    return {
      ok: receipt.ok,
      retryable: !receipt.ok && !receipt.permanent,
      ...(receipt.ok ? {} : { error: receipt.error ?? `status ${receipt.status ?? '?'}` }),
      channelName: channel.name,
      channelKind: channel.kind,
    };
  }
}

function notice(
  tenantId: string,
  title: string,
  text: string,
  links: NoticeLinks,
  key: string,
): AlertNotice {
  const now = new Date();
  return {
    id: randomUUID(),
    tenantId,
    groupKey: key,
    dedupKey: key,
    status: 'firing',
    severity: 'info',
    title,
    summary: text,
    alerts: [
      {
        fingerprint: key,
        labels: { alertname: 'VigilRunbook' },
        annotations: {},
        status: 'firing',
        startsAt: now,
        endsAt: null,
        explanation: text,
      },
    ],
    links,
    createdAt: now,
  };
}
