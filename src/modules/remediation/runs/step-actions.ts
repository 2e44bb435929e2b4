import { Injectable } from '@nestjs/common';

import { AnomalyCatalogService } from '../../detection/anomaly-catalog.service';
import { LogSearchService } from '../../logs/log-search.service';
import { SecretsService } from '../../secrets/secrets.service';
import { HttpActions, httpCallFor } from '../actions/http.actions';
import { KubernetesActions, type KubernetesActionRequest } from '../actions/kubernetes.actions';
import type { PlannedAction } from '../runbook/plan';
import type { VerifyCheck } from '../runbook/runbook.types';
import type { ClusterSettings } from './remediation-settings.service';
import { RunNotifier } from './run-notifier.service';

/** How a step's action went; `output` is what later steps read as `steps.<id>.output`. */
export interface StepOutcome {
  ok: boolean;
  retryable: boolean;
  retryAfterMs?: number;
  error?: string;
  output: Record<string, unknown>;
}

export interface ActionOptions {
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  expectStatus?: number[];
  clusters: Readonly<Record<string, ClusterSettings>>;
}

/** Responses kept in a step's output (and its audit entry): a trigger's answer, not a download. */
const MAX_KEPT_RESPONSE = 4096;

/**
 * What a target is, for rate limits and the blast radius: a Kubernetes object, or an HTTP
 * endpoint that a writing call (anything but GET and HEAD) changes. Null for what touches nothing.
 */
export function targetOf(action: PlannedAction): string | null {
  switch (action.kind) {
    case 'kubernetes': {
      const resource =
        action.action === 'delete_pod'
          ? 'pod'
          : action.action === 'cordon_node'
            ? 'node'
            : 'deployment';
      const where = action.namespace ? `${action.namespace}/` : '';
      return `kubernetes:${action.cluster ?? 'default'}/${resource}/${where}${action.name}`;
    }
    case 'http':
    case 'webhook': {
      if (action.method === 'GET' || action.method === 'HEAD') return null;
      const url = new URL(action.url);
      return `http:${url.origin}${url.pathname}`;
    }
    default:
      return null;
  }
}

/**
 * Performs the acting steps of a run — HTTP, webhook, Kubernetes, notify — and the checks of a
 * verify step. Every outcome is a value; nothing here throws for what the remote side did.
 */
@Injectable()
export class StepActions {
  readonly #http = new HttpActions();

  constructor(
    private readonly secrets: SecretsService,
    private readonly logs: LogSearchService,
    private readonly anomalies: AnomalyCatalogService,
    private readonly notifier: RunNotifier,
  ) {}

  async perform(
    tenantId: string,
    action: PlannedAction,
    options: ActionOptions,
  ): Promise<StepOutcome> {
    switch (action.kind) {
      case 'http':
      case 'webhook': {
        const r = await this.#http.call(httpCallFor(action), {
          allowPrivateNetwork: options.allowPrivateNetwork,
          timeoutMs: options.timeoutMs,
          ...(options.expectStatus ? { expectStatus: options.expectStatus } : {}),
        });
        const response = r.response?.slice(0, MAX_KEPT_RESPONSE);
        return {
          ok: r.ok,
          retryable: r.retryable,
          ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
          ...(r.error !== undefined ? { error: r.error } : {}),
          output: {
            ...(r.status !== undefined ? { status: r.status } : {}),
            ...(response !== undefined ? { response, json: parseJson(response) } : {}),
            durationMs: r.durationMs,
          },
        };
      }
      case 'kubernetes':
        return this.#kubernetes(tenantId, action, options);
      case 'notify': {
        const r = await this.notifier.message(tenantId, action.channel, action.message);
        return {
          ok: r.ok,
          retryable: r.retryable,
          ...(r.error !== undefined ? { error: r.error } : {}),
          output: { channel: r.channelName ?? action.channel },
        };
      }
      default:
        return {
          ok: false,
          retryable: false,
          error: `${action.kind} is not an action`,
          output: {},
        };
    }
  }

  /** What a verify step's condition sees for records (or anomaly state) in [from, to]. */
  async check(
    tenantId: string,
    check: VerifyCheck,
    from: Date,
    to: Date,
  ): Promise<{ count: number; open: boolean }> {
    if (check.source === 'logs') {
      const host = check.host === undefined ? '' : ` AND host:${JSON.stringify(check.host)}`;
      const count = await this.logs.count(tenantId, {
        query: host ? `(${check.query})${host}` : check.query,
        services: check.service === undefined ? null : [check.service],
        from,
        to,
      });
      return { count, open: count > 0 };
    }
    const page = await this.anomalies.list(
      tenantId,
      {
        services: [check.service],
        status: 'open',
        ...(check.anomalyKind !== undefined ? { kinds: [check.anomalyKind] } : {}),
      },
      100,
      null,
    );
    return { count: page.anomalies.length, open: page.anomalies.length > 0 };
  }

  async #kubernetes(
    tenantId: string,
    action: Extract<PlannedAction, { kind: 'kubernetes' }>,
    options: ActionOptions,
  ): Promise<StepOutcome> {
    const name = action.cluster ?? 'default';
    const cluster = options.clusters[name];
    if (!cluster) {
      return {
        ok: false,
        retryable: false,
        error: `no Kubernetes cluster "${name}" is configured in the remediation settings`,
        output: {},
      };
    }
    const token = cluster.tokenSecret
      ? await this.secrets.get(tenantId, cluster.tokenSecret)
      : null;
    if (cluster.tokenSecret && token === null) {
      return {
        ok: false,
        retryable: false,
        error: `the secret "${cluster.tokenSecret}" of cluster ${name} does not exist`,
        output: {},
      };
    }
    const request = kubernetesRequest(action);
    if (typeof request === 'string')
      return { ok: false, retryable: false, error: request, output: {} };
    const r = await new KubernetesActions({ timeoutMs: options.timeoutMs }).run(
      {
        server: cluster.server,
        ...(token !== null ? { token } : {}),
        ...(cluster.caData !== undefined ? { caData: cluster.caData } : {}),
        ...(cluster.skipTlsVerify !== undefined ? { skipTlsVerify: cluster.skipTlsVerify } : {}),
      },
      request,
    );
    return {
      ok: r.ok,
      retryable: r.retryable ?? false,
      ...(r.ok ? {} : { error: r.message }),
      output: {
        message: r.message,
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...r.details,
      },
    };
  }
}

function kubernetesRequest(
  a: Extract<PlannedAction, { kind: 'kubernetes' }>,
): KubernetesActionRequest | string {
  if (a.action === 'cordon_node') return { action: 'cordon_node', name: a.name };
  if (a.namespace === undefined) return `${a.action} needs a namespace`;
  if (a.action === 'scale') {
    if (a.replicas === undefined) return 'scale needs replicas';
    return { action: 'scale', namespace: a.namespace, name: a.name, replicas: a.replicas };
  }
  return { action: a.action, namespace: a.namespace, name: a.name };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
