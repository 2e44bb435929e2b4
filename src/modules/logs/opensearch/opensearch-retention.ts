import { Logger } from '@nestjs/common';

import type { OpenSearchRequests } from './opensearch-requests';
import type { OpenSearchNames, OpenSearchStoreSettings } from './opensearch-settings';
import { ismPolicy } from './opensearch-templates';
import type { OpenSearchTransport } from './opensearch-transport';

const DAY_MS = 86_400_000;
/** Tenants per retention delete-by-query; keeps the terms query small. */
const TENANTS_PER_DELETE = 500;

interface PolicyDocument {
  _seq_no?: number;
  _primary_term?: number;
  policy?: {
    states?: Array<{ transitions?: Array<{ conditions?: { min_rollover_age?: string } }> }>;
  };
}

/**
 * Retention in two layers. ISM deletes whole backing indices once they are older than the
 * retention of everyone in them (cheap, asynchronous, on OpenSearch's clock): one policy for
 * every stream, one for the shared stream (the longest retention of any tenant), and one per
 * dedicated tenant whose retention differs from the default. A delete-by-query then cuts each
 * tenant's records at its exact retention, as the Postgres store's DELETE does.
 */
export class OpenSearchRetention {
  readonly #logger = new Logger(OpenSearchRetention.name);
  /** Retention (days) of each policy as last written or read, to skip unchanged ones. */
  readonly #applied = new Map<string, number>();

  constructor(
    private readonly transport: OpenSearchTransport,
    private readonly requests: OpenSearchRequests,
    private readonly names: OpenSearchNames,
    private readonly settings: OpenSearchStoreSettings,
  ) {}

  /** Creates or updates the policies for this retention map. */
  async syncPolicies(
    retention: ReadonlyMap<string, number | null>,
    dedicated: ReadonlySet<string>,
  ): Promise<void> {
    const defaultDays = this.settings.defaultRetentionDays;
    let maxDays = defaultDays;
    for (const days of retention.values()) maxDays = Math.max(maxDays, days ?? defaultDays);
    const onDefault: string[] = [];
    for (const tenantId of dedicated) {
      const days = retention.get(tenantId) ?? defaultDays;
      const policyId = this.names.tenantPolicy(tenantId);
      const stream = this.names.dedicatedStream(tenantId);
      if (days !== defaultDays) {
        await this.upsert(policyId, days, stream, 100, [stream]);
      } else {
        onDefault.push(stream);
        if (this.#applied.has(policyId)) await this.removeTenantPolicy(tenantId);
      }
    }
    const shared = this.names.sharedStream;
    await this.upsert(`${this.names.defaultPolicy}-shared`, maxDays, shared, 100, [shared]);
    await this.upsert(this.names.defaultPolicy, defaultDays, this.names.allStreams, 50, onDefault);
  }

  /** Deletes, per tenant, the records older than its retention; returns how many went. */
  async enforce(retention: ReadonlyMap<string, number | null>, now: number): Promise<number> {
    const byDays = new Map<number, string[]>();
    for (const [tenantId, days] of retention) {
      const keep = days ?? this.settings.defaultRetentionDays;
      byDays.set(keep, [...(byDays.get(keep) ?? []), tenantId]);
    }
    let deleted = 0;
    for (const [days, tenants] of byDays) {
      for (let i = 0; i < tenants.length; i += TENANTS_PER_DELETE) {
        const request = this.requests.retentionDelete(
          tenants.slice(i, i + TENANTS_PER_DELETE),
          now - days * DAY_MS,
        );
        const { task } = await this.transport.send<{ task: string }>(request);
        const result = await this.transport.waitForTask(task, this.requests.getTask(task));
        deleted += result.deleted ?? 0;
      }
    }
    return deleted;
  }

  async removeTenantPolicy(tenantId: string): Promise<void> {
    const policyId = this.names.tenantPolicy(tenantId);
    await this.transport.send(this.requests.deletePolicy(policyId), [404]);
    this.#applied.delete(policyId);
  }

  private async upsert(
    policyId: string,
    days: number,
    streamPattern: string,
    priority: number,
    managedStreams: readonly string[],
  ): Promise<void> {
    if (this.#applied.get(policyId) === days) return;
    const body = ismPolicy(this.settings, days, streamPattern, priority);
    const { status, body: existing } = await this.transport.sendWithStatus<PolicyDocument>(
      this.requests.getPolicy(policyId),
      [404],
    );
    if (status === 404) {
      await this.transport.send(this.requests.putPolicy(policyId, body), [409]);
    } else if (retentionOf(existing) !== days) {
      await this.transport.send(
        this.requests.putPolicy(policyId, body, {
          seqNo: existing._seq_no ?? 0,
          primaryTerm: existing._primary_term ?? 1,
        }),
      );
      // Indices ISM manages already keep the version they started with unless moved; a longer
      // retention must reach them before the old version deletes them.
      for (const stream of managedStreams) {
        await this.transport.send(this.requests.changePolicy(`.ds-${stream}-*`, policyId), [404]);
      }
      this.#logger.log(`ISM policy ${policyId} now deletes ${days} days after rollover`);
    }
    this.#applied.set(policyId, days);
  }
}

function retentionOf(policy: PolicyDocument): number | null {
  const age = policy.policy?.states?.[0]?.transitions?.[0]?.conditions?.min_rollover_age;
  const m = age ? /^(\d+)d$/.exec(age) : null;
  return m ? Number(m[1]) : null;
}
