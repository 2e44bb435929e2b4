import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';

import { AppConfig } from '../../config/app-config';

/** A queue's jobs, as a discriminated union on `name` (see STYLE.md, Queues). */
export interface QueueJob {
  name: string;
  data: unknown;
}

/** What a worker runs for each job; it switches exhaustively on `job.name`. */
export type QueueProcessor<J extends QueueJob> = (
  job: Job<J['data'], unknown, J['name']>,
) => Promise<unknown>;

export interface QueueRegistration<J extends QueueJob> {
  /** Queue name; the module's `*.jobs.ts` owns it. */
  name: string;
  /**
   * Runs each job in this process. Absent for a queue another module consumes (it calls
   * `consume` with the same name); its jobs wait in Redis meanwhile.
   */
  processor?: QueueProcessor<J>;
  /** Retries and backoff of every job of this queue, set once here. */
  jobOptions?: JobsOptions;
  /** Jobs run at once by this process; defaults to QUEUE_CONCURRENCY. */
  concurrency?: number;
}

/** Adds jobs of one queue; typed by the queue's job union. */
export class TypedQueue<J extends QueueJob> {
  constructor(readonly queue: Queue) {}

  async add<N extends J['name']>(
    name: N,
    data: Extract<J, { name: N }>['data'],
    options: JobsOptions = {},
  ): Promise<void> {
    await this.queue.add(name, data, options);
  }
}

/**
 * BullMQ on the app's Redis. A module registers its queue and processor once (in `onModuleInit`)
 * and gets back a typed queue to add jobs to; the worker runs in this process (modular monolith).
 * Keys live under `<REDIS_PREFIX>bull:`, so test runs and co-located Vigils stay apart. Workers
 * stop before the application's providers shut down, so a running job finishes against open
 * stores.
 */
@Injectable()
export class QueueService implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly #logger = new Logger(QueueService.name);
  readonly #queues = new Map<string, Queue>();
  readonly #workers: Worker[] = [];
  #connection: Redis | null = null;

  constructor(private readonly config: AppConfig) {}

  register<J extends QueueJob>(registration: QueueRegistration<J>): TypedQueue<J> {
    if (this.#queues.has(registration.name)) {
      throw new Error(`queue "${registration.name}" is registered twice`);
    }
    const connection = this.connection();
    const prefix = `${this.config.redisPrefix}bull`;
    const queue = new Queue(registration.name, {
      connection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
        ...registration.jobOptions,
      },
    });
    queue.on('error', (err) => this.warn(registration.name, err));
    this.#queues.set(registration.name, queue);
    if (registration.processor) {
      this.consume(registration.name, registration.processor, registration.concurrency);
    }
    return new TypedQueue<J>(queue);
  }

  /** Starts a worker in this process for a registered queue. */
  consume<J extends QueueJob>(name: string, processor: QueueProcessor<J>, concurrency?: number) {
    if (!this.#queues.has(name)) throw new Error(`queue "${name}" is not registered`);
    const worker = new Worker(
      name,
      (job: Job) => processor(job as Job<J['data'], unknown, J['name']>),
      {
        connection: this.connection(),
        prefix: `${this.config.redisPrefix}bull`,
        concurrency: concurrency ?? this.config.queueConcurrency,
      },
    );
    worker.on('error', (err) => this.warn(name, err));
    worker.on('failed', (job, err) => {
      this.#logger.warn(`${name} job ${job?.name ?? '?'} failed: ${err.message}`);
    });
    this.#workers.push(worker);
  }

  /** Finishes running jobs and stops taking new ones, while the rest of the app still runs. */
  async beforeApplicationShutdown(): Promise<void> {
    // Without Redis no job can finish (nor be acknowledged), and a graceful close would wait for
    // Redis forever: close at once; an interrupted job is retried once it is found stalled.
    const force = this.#connection?.status !== 'ready';
    await Promise.all(this.#workers.map((w) => w.close(force)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    const connection = this.#connection;
    if (!connection) return;
    if (connection.status !== 'ready') connection.disconnect();
    else await connection.quit().catch(() => connection.disconnect());
  }

  /** One shared command connection; BullMQ duplicates it for each worker's blocking reads. */
  private connection(): Redis {
    // BullMQ requires maxRetriesPerRequest null: its blocking commands must wait out reconnects.
    this.#connection ??= new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    return this.#connection;
  }

  #lastWarning = 0;
  private warn(queue: string, err: Error): void {
    if (Date.now() - this.#lastWarning < 60_000) return;
    this.#lastWarning = Date.now();
    this.#logger.warn(`queue ${queue}: ${err.message}`);
  }
}
