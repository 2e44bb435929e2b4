import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import { PrivacyJobRunner } from './privacy-job.runner';
import { PRIVACY_QUEUE, type PrivacyJobKind, type PrivacyQueueJob } from './privacy.jobs';

const ATTEMPTS = 3;
const ENQUEUE_TIMEOUT_MS = 5000;

/** The privacy queue: registered once here, with its retries; jobs go straight to the runner. */
@Injectable()
export class PrivacyJobProcessor implements OnModuleInit {
  #queue: TypedQueue<PrivacyQueueJob> | null = null;

  constructor(
    private readonly queues: QueueService,
    private readonly runner: PrivacyJobRunner,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<PrivacyQueueJob>({
      name: PRIVACY_QUEUE,
      processor: (job) => this.process(job),
      jobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2000 } },
    });
  }

  /** Queues a job; the BullMQ job id is the privacy job's id, so it is queued at most once. */
  async enqueue(kind: PrivacyJobKind, tenantId: string, jobId: string): Promise<void> {
    if (!this.#queue) throw new Error('the privacy queue is not registered yet');
    // BullMQ waits out Redis outages; a request must not.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('Redis did not answer in time')),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.#queue.add(kind, { jobId, tenantId }, { jobId }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async process(job: Job<PrivacyQueueJob['data'], unknown, PrivacyJobKind>): Promise<void> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    switch (job.name) {
      case 'export':
      case 'erase_tenant':
      case 'erase_subject':
        await this.runner.run(job.data.tenantId, job.data.jobId, lastAttempt);
    }
  }
}
