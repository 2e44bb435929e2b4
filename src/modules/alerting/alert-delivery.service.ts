import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';

import { MetricsService } from '../../common/metrics/metrics.service';
import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import { AlertEngineService } from './alert-engine.service';
import { AlertEscalationService } from './alert-escalation.service';
import { AlertRepository } from './alert.repository';
import { ALERT_DELIVERY_QUEUE, type AlertDeliveryJob, DELIVERY_ATTEMPTS } from './alerting.jobs';
import { AlertConfigPort } from './alerting.types';
import type { AlertNotice } from './channels/alert-channel';
import { ChannelRegistry } from './channels/channel-registry';
import { EmailChannel } from './channels/email.channel';
import { OpsgenieChannel } from './channels/opsgenie.channel';
import { PagerDutyChannel } from './channels/pagerduty.channel';
import { SlackChannel } from './channels/slack.channel';
import { TeamsChannel } from './channels/teams.channel';
import { WebhookChannel } from './channels/webhook.channel';

/** Notification kinds that follow up the group's message (edited in place where possible). */
const FOLLOW_UPS = new Set(['update', 'acknowledged']);

/**
 * Delivers notifications: a BullMQ job per notification row, retried with exponential backoff
 * while the channel's failures are retryable (a provider's Retry-After stretches the wait); a
 * permanent failure, or the last attempt failing, leaves the notification `dead`, visible in
 * GraphQL and retryable by hand. A row already sent is never sent again.
 */
@Injectable()
export class AlertDeliveryService implements OnModuleInit, OnApplicationShutdown {
  readonly #logger = new Logger(AlertDeliveryService.name);
  readonly #email = new EmailChannel();
  readonly #registry = new ChannelRegistry([
    new SlackChannel(),
    new PagerDutyChannel(),
    this.#email,
    new WebhookChannel(),
    new TeamsChannel(),
    new OpsgenieChannel(),
  ]);
  #queue: TypedQueue<AlertDeliveryJob> | null = null;

  constructor(
    private readonly repo: AlertRepository,
    private readonly config: AlertConfigPort,
    private readonly queues: QueueService,
    private readonly engine: AlertEngineService,
    private readonly escalation: AlertEscalationService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<AlertDeliveryJob>({
      name: ALERT_DELIVERY_QUEUE,
      processor: (job) => this.deliver(job),
      jobOptions: {
        attempts: DELIVERY_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { count: 10_000 },
        removeOnFail: { count: 10_000 },
      },
    });
    this.engine.deliveryQueue = this.#queue;
    this.escalation.deliveryQueue = this.#queue;
  }

  onApplicationShutdown(): void {
    this.#email.close();
  }

  /** Queues a dead or failed notification again; false when there is none such. */
  async retry(tenantId: string, notificationId: string): Promise<boolean> {
    if (!(await this.repo.requeueNotification(tenantId, notificationId))) return false;
    await this.#queue?.add(
      'notification.deliver',
      { tenantId, notificationId },
      { jobId: `${notificationId}-retry-${Date.now()}` },
    );
    return true;
  }

  async deliver(job: Job<AlertDeliveryJob['data']>): Promise<void> {
    const { tenantId, notificationId } = job.data;
    const n = await this.repo.notification(tenantId, notificationId);
    if (n === null || n.status === 'sent') return;
    const channel = await this.config.channelTarget(tenantId, n.channelId);
    if (channel === null) {
      await this.#dead(tenantId, notificationId, 'the channel no longer exists');
      throw new UnrecoverableError('the channel no longer exists');
    }
    const thread = FOLLOW_UPS.has(n.kind)
      ? await this.repo.threadOf(tenantId, n.groupKey, n.channelId)
      : null;
    // An escalation step paging people sends to their addresses through the e-mail channel.
    const target =
      n.recipients !== undefined && channel.target.kind === 'email'
        ? { ...channel.target, to: n.recipients }
        : channel.target;
    const receipt = await this.#registry.send(
      channel.kind,
      revive(n.notice),
      target,
      thread ?? undefined,
    );
    if (receipt.ok) {
      await this.repo.markNotification(tenantId, notificationId, 'sent', null, receipt.providerId);
      this.metrics.alertNotifications.inc({ outcome: 'sent' });
      return;
    }
    const error = receipt.error ?? `status ${receipt.status ?? '?'}`;
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? DELIVERY_ATTEMPTS);
    if (receipt.permanent || last) {
      await this.#dead(tenantId, notificationId, error);
      throw new UnrecoverableError(error);
    }
    await this.repo.markNotification(tenantId, notificationId, 'failed', error);
    this.metrics.alertNotifications.inc({ outcome: 'retried' });
    if (receipt.retryAfterMs !== undefined && receipt.retryAfterMs > 0) {
      // The provider asked for a pause: wait it out before the retry the throw schedules.
      await new Promise((r) => setTimeout(r, Math.min(receipt.retryAfterMs!, 30_000)));
    }
    throw new Error(error);
  }

  async #dead(tenantId: string, id: string, error: string): Promise<void> {
    await this.repo.markNotification(tenantId, id, 'dead', error);
    this.metrics.alertNotifications.inc({ outcome: 'dead' });
    this.#logger.warn(`notification ${id} of ${tenantId} is dead: ${error}`);
  }
}

/** A notice read back from JSON: its dates are strings again. */
function revive(notice: AlertNotice): AlertNotice {
  return {
    ...notice,
    createdAt: new Date(notice.createdAt),
    alerts: notice.alerts.map((a) => ({
      ...a,
      startsAt: new Date(a.startsAt),
      endsAt: a.endsAt === null ? null : new Date(a.endsAt),
    })),
  };
}
