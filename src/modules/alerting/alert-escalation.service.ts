import { createHash, randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import { AlertRepository } from './alert.repository';
import {
  ALERT_ESCALATION_QUEUE,
  type AlertDeliveryJob,
  type AlertEscalationJob,
} from './alerting.jobs';
import { AlertConfigPort } from './alerting.types';
import type { AlertNotice } from './channels/alert-channel';
import { onCallAt } from './engine/on-call';

/**
 * Escalation policies on BullMQ delayed jobs: each level notifies its channels and pages its
 * people (the members it lists and whoever of its rotation is on call, by e-mail), then schedules
 * the next level after its timeout, round after round (`repeat`), until the group is
 * acknowledged or resolved. Steps live in Redis, so a restart loses none; each step's job id is
 * its group, round and level, so none fires twice.
 */
@Injectable()
export class AlertEscalationService implements OnModuleInit {
  readonly #logger = new Logger(AlertEscalationService.name);
  #queue: TypedQueue<AlertEscalationJob> | null = null;
  #delivery: TypedQueue<AlertDeliveryJob> | null = null;

  constructor(
    private readonly repo: AlertRepository,
    private readonly config: AlertConfigPort,
    private readonly queues: QueueService,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<AlertEscalationJob>({
      name: ALERT_ESCALATION_QUEUE,
      processor: (job) => this.step(job),
      jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    });
  }

  set deliveryQueue(queue: TypedQueue<AlertDeliveryJob>) {
    this.#delivery = queue;
  }

  /** Starts the policy for a group that just notified for the first time. */
  async start(tenantId: string, policyId: string, notice: Omit<AlertNotice, 'id'>): Promise<void> {
    await this.#schedule(
      { tenantId, policyId, groupKey: notice.groupKey, round: 0, level: 0, notice },
      0,
    );
  }

  async step(job: Job<AlertEscalationJob['data']>): Promise<void> {
    const d = job.data;
    const open = await this.repo.alerts(
      d.tenantId,
      { groupKey: d.groupKey, status: 'firing' },
      1000,
    );
    if (open.length === 0) return; // acknowledged or resolved: the escalation stops here
    const policy = await this.config.escalationPolicy(d.tenantId, d.policyId);
    const level = policy?.levels[d.level];
    if (!policy || !level) return;
    // The level's people: those listed and whoever of its rotation is on call now.
    const onCall = level.rotation ? onCallAt(level.rotation, Date.now()) : undefined;
    const people = [...new Set([...(level.userIds ?? []), ...(onCall ? [onCall] : [])])];
    const recipients = await this.config.memberEmails(d.tenantId, people);
    const sends: Array<{ channelId: string; recipients?: string[] }> = level.channelIds.map(
      (channelId) => ({ channelId }),
    );
    if (level.emailChannelId !== undefined && recipients.length > 0) {
      sends.push({ channelId: level.emailChannelId, recipients });
    }
    const ids: string[] = [];
    await this.repo.transaction(d.tenantId, async (tx) => {
      for (const send of sends) {
        const id = randomUUID();
        await this.repo.insertNotification(tx, {
          id,
          groupKey: d.groupKey,
          channelId: send.channelId,
          kind: `escalation:${d.round}:${d.level}`,
          status: 'queued',
          attempts: 0,
          lastError: null,
          notice: { ...d.notice, id },
          ...(send.recipients ? { recipients: send.recipients } : {}),
        });
        await this.repo.addEvents(
          tx,
          open.map((a) => ({
            fingerprint: a.fingerprint,
            kind: 'escalated',
            details: {
              policyId: d.policyId,
              round: d.round,
              level: d.level,
              channelId: send.channelId,
              ...(send.recipients ? { people: people.length, onCall: onCall ?? null } : {}),
            },
          })),
        );
        ids.push(id);
      }
    });
    for (const id of ids) {
      await this.#delivery?.add(
        'notification.deliver',
        { tenantId: d.tenantId, notificationId: id },
        { jobId: id },
      );
    }
    const last = d.level + 1 >= policy.levels.length;
    if (last && d.round >= policy.repeat) return;
    const next = last ? { round: d.round + 1, level: 0 } : { round: d.round, level: d.level + 1 };
    await this.#schedule({ ...d, ...next }, level.timeoutMs);
  }

  async #schedule(data: AlertEscalationJob['data'], delay: number): Promise<void> {
    if (this.#queue === null) {
      this.#logger.warn('escalation queue not ready');
      return;
    }
    await this.#queue.add('escalation.step', data, {
      delay,
      jobId: createHash('sha256')
        .update(`${data.tenantId}\n${data.groupKey}\n${data.round}\n${data.level}`)
        .digest('hex'),
    });
  }
}
