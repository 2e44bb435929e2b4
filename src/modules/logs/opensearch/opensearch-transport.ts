import type { Client } from '@opensearch-project/opensearch';

import type { OpenSearchRequest } from './opensearch-requests';
import type { OpenSearchClock, OpenSearchStoreSettings } from './opensearch-settings';

/** Statuses worth another attempt: overload (429) and a node or proxy in trouble. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export class OpenSearchStoreError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OpenSearchStoreError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)] (AWS Architecture Blog, 2015). */
export function backoffDelay(
  attempt: number,
  settings: Pick<OpenSearchStoreSettings, 'backoffBaseMs' | 'backoffCapMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(settings.backoffCapMs, settings.backoffBaseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

interface TaskStatus {
  completed?: boolean;
  error?: { type?: string; reason?: string };
  response?: TaskResponse;
}

/** What a finished delete/update-by-query task reports. */
export interface TaskResponse {
  total?: number;
  deleted?: number;
  updated?: number;
  noops?: number;
  version_conflicts?: number;
  failures?: Array<{ cause?: { type?: string; reason?: string } }>;
}

/**
 * Sends requests through the official client with its own retries off: requests that OpenSearch
 * refuses with 429/502/503/504, or that never got an answer, are retried here with exponential
 * backoff and full jitter, `maxAttempts` times in all.
 */
export class OpenSearchTransport {
  constructor(
    private readonly client: Client,
    private readonly settings: OpenSearchStoreSettings,
    private readonly clock: OpenSearchClock,
  ) {}

  /** The response body; `accept` lists error statuses that are answers, not failures. */
  async send<T>(request: OpenSearchRequest, accept: readonly number[] = []): Promise<T> {
    const { body } = await this.sendWithStatus<T>(request, accept);
    return body;
  }

  async sendWithStatus<T>(
    request: OpenSearchRequest,
    accept: readonly number[] = [],
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.client.transport.request(
          {
            method: request.method,
            path: request.path,
            querystring: request.querystring,
            body: request.body,
            bulkBody: request.bulkBody,
          },
          { maxRetries: 0, ignore: [...accept] },
        );
        return { status: response.statusCode ?? 200, body: response.body as T };
      } catch (err) {
        const status = statusOf(err);
        const retryable = status === null ? isConnectionFailure(err) : isRetryableStatus(status);
        if (!retryable || attempt + 1 >= this.settings.maxAttempts) {
          throw new OpenSearchStoreError(
            `OpenSearch ${request.method} ${request.path} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${describe(err)}`,
            status,
            { cause: err },
          );
        }
        await this.pause(attempt);
      }
    }
  }

  pause(attempt: number): Promise<void> {
    return this.clock.sleep(backoffDelay(attempt, this.settings, () => this.clock.random()));
  }

  /** Polls `_tasks/<id>` until the task is done; its failures become an error. */
  async waitForTask(taskId: string, getTask: OpenSearchRequest): Promise<TaskResponse> {
    const deadline = this.clock.now() + this.settings.taskTimeoutMs;
    for (;;) {
      const status = await this.send<TaskStatus>(getTask);
      if (status.completed) {
        if (status.error) {
          throw new OpenSearchStoreError(
            `task ${taskId} failed: ${status.error.type ?? 'error'}: ${status.error.reason ?? ''}`,
            null,
          );
        }
        const response = status.response ?? {};
        const failure = response.failures?.[0];
        if (failure) {
          throw new OpenSearchStoreError(
            `task ${taskId} finished with ${response.failures?.length} failures, first: ${failure.cause?.type ?? 'error'}: ${failure.cause?.reason ?? ''}`,
            null,
          );
        }
        return response;
      }
      if (this.clock.now() >= deadline) {
        throw new OpenSearchStoreError(
          `task ${taskId} did not finish within ${this.settings.taskTimeoutMs} ms; it keeps running in OpenSearch`,
          null,
        );
      }
      await this.clock.sleep(this.settings.taskPollMs);
    }
  }
}

function statusOf(err: unknown): number | null {
  const meta = (err as { meta?: { statusCode?: unknown } }).meta;
  return typeof meta?.statusCode === 'number' && meta.statusCode > 0 ? meta.statusCode : null;
}

/** No answer at all (refused, reset, timed out): the request may be retried. */
function isConnectionFailure(err: unknown): boolean {
  const name = (err as { name?: unknown }).name;
  return (
    name === 'ConnectionError' || name === 'TimeoutError' || name === 'NoLivingConnectionsError'
  );
}

function describe(err: unknown): string {
  const body = (err as { meta?: { body?: unknown } }).meta?.body as
    { error?: { type?: string; reason?: string } | string } | undefined;
  const error = body?.error;
  if (typeof error === 'string') return error;
  if (error?.type) return `${error.type}: ${error.reason ?? ''}`;
  return err instanceof Error ? err.message : String(err);
}
