import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { isUuid } from '../../../common/ids/uuid';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { AppConfig } from '../../../config/app-config';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../tenancy/principal';
import { AlertingError } from '../alerting.errors';
import type { AlertChannelRow } from '../alerting.types';
import type {
  AlertNotice,
  ChannelKind,
  ChannelTarget,
  DeliveryReceipt,
} from '../channels/alert-channel';
import { ChannelRegistry } from '../channels/channel-registry';
import { checkOutboundHost, checkOutboundUrl } from '../channels/outbound-url';
import { AlertConfigRepository, type StoredChannel } from './alert-config.repository';
import { checkName } from './alert-config.validation';
import {
  type ChannelConfig,
  type ChannelFields,
  kindOf,
  outboundOf,
  toChannelConfig,
  toTarget,
} from './channel-settings';

export interface CreateChannel extends ChannelFields {
  name: string;
  allowPrivateNetwork?: boolean | null;
}

export type UpdateChannel = Partial<Omit<CreateChannel, 'name'>> & { name?: string | null };

/**
 * Delivery channels: created, changed, deleted and tested by admins (audited as
 * `alert_channel.created|updated|deleted|tested`, without secrets). Secret fields are sealed with
 * the SecretBox under `tenant:<id>:alert-channel:<channelId>`; the API shows their names only.
 * Every URL (and SMTP host) is checked against the SSRF guard when saved; the channels check it
 * again when they send.
 */
@Injectable()
export class AlertChannelsService {
  constructor(
    private readonly repository: AlertConfigRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
  ) {}

  list(tenantId: string): Promise<AlertChannelRow[]> {
    return this.repository.transaction(tenantId, async (tx) =>
      (await this.repository.listChannels(tx)).map((c) => this.view(tenantId, c)),
    );
  }

  async get(tenantId: string, id: string): Promise<AlertChannelRow | null> {
    if (!isUuid(id)) return null;
    const row = await this.repository.transaction(tenantId, (tx) =>
      this.repository.findChannel(tx, id),
    );
    return row === null ? null : this.view(tenantId, row);
  }

  /** The channel's target with its secrets opened (for sending); null when there is none. */
  async target(
    tenantId: string,
    id: string,
  ): Promise<{ kind: ChannelKind; name: string; target: ChannelTarget } | null> {
    if (!isUuid(id)) return null;
    const row = await this.repository.transaction(tenantId, (tx) =>
      this.repository.findChannel(tx, id),
    );
    if (row === null) return null;
    return {
      kind: row.kind,
      name: row.name,
      target: toTarget(this.open(tenantId, row), row.allowPrivateNetwork),
    };
  }

  async create(
    principal: Principal,
    input: CreateChannel,
    origin: RequestOrigin,
  ): Promise<{ channel: AlertChannelRow; signingSecret: string | null }> {
    const name = checkName(input.name, 100);
    const kind = kindOf(input);
    const { config, generatedSecret } = toChannelConfig(kind, input);
    const allowPrivateNetwork = input.allowPrivateNetwork ?? false;
    await checkOutbound(config, allowPrivateNetwork);
    const id = randomUUID();
    const tenantId = principal.tenantId;
    const row = await this.repository.transaction(tenantId, async (tx) => {
      const created = await this.repository.insertChannel(tx, {
        id,
        name,
        kind,
        settings: config.settings,
        secretSealed: this.seal(tenantId, id, config),
        allowPrivateNetwork,
      });
      await this.audit.record(principal, 'alert_channel.created', {
        target: { kind: 'alert_channel', id },
        details: { after: this.auditView(tenantId, created) },
        ...origin,
        tx,
      });
      return created;
    });
    return { channel: this.view(tenantId, row), signingSecret: generatedSecret ?? null };
  }

  async update(
    principal: Principal,
    id: string,
    input: UpdateChannel,
    origin: RequestOrigin,
  ): Promise<AlertChannelRow> {
    if (!isUuid(id)) throw notFound(id);
    const tenantId = principal.tenantId;
    const before = await this.repository.transaction(tenantId, (tx) =>
      this.repository.findChannel(tx, id),
    );
    if (before === null) throw notFound(id);
    // toChannelConfig refuses fields of another kind: a channel's kind never changes.
    const name = input.name == null ? before.name : checkName(input.name, 100);
    const { config } = toChannelConfig(before.kind, input, this.open(tenantId, before));
    const allowPrivateNetwork = input.allowPrivateNetwork ?? before.allowPrivateNetwork;
    // Resolving names can take a while: not inside the transaction.
    await checkOutbound(config, allowPrivateNetwork);
    const row = await this.repository.transaction(tenantId, async (tx) => {
      const current = await this.repository.findChannel(tx, id);
      if (current === null) throw notFound(id);
      if (current.updatedAt.getTime() !== before.updatedAt.getTime()) {
        throw new AlertingError(
          'INVALID_ARGUMENT',
          'the channel was changed meanwhile; read it again and retry',
        );
      }
      const updated = await this.repository.updateChannel(tx, {
        id,
        name,
        settings: config.settings,
        secretSealed: this.seal(tenantId, id, config),
        allowPrivateNetwork,
      });
      if (updated === null) throw notFound(id);
      await this.audit.record(principal, 'alert_channel.updated', {
        target: { kind: 'alert_channel', id },
        details: {
          before: this.auditView(tenantId, before),
          after: this.auditView(tenantId, updated),
        },
        ...origin,
        tx,
      });
      return updated;
    });
    return this.view(tenantId, row);
  }

  /** False when there was no such channel; IN_USE while rules or policies send to it. */
  async delete(principal: Principal, id: string, origin: RequestOrigin): Promise<boolean> {
    if (!isUuid(id)) return false;
    const tenantId = principal.tenantId;
    return this.repository.transaction(tenantId, async (tx) => {
      const users = await this.repository.channelUsers(tx, id);
      if (users.length > 0) {
        throw new AlertingError('IN_USE', `the channel is used by ${users.slice(0, 5).join(', ')}`);
      }
      const row = await this.repository.deleteChannel(tx, id);
      if (row === null) return false;
      await this.audit.record(principal, 'alert_channel.deleted', {
        target: { kind: 'alert_channel', id },
        details: { before: this.auditView(tenantId, row) },
        ...origin,
        tx,
      });
      return true;
    });
  }

  /** Sends a test notice through the channel; the receipt says how it went. */
  async test(principal: Principal, id: string, origin: RequestOrigin): Promise<DeliveryReceipt> {
    const found = await this.target(principal.tenantId, id);
    if (found === null) throw notFound(id);
    const receipt = await this.registry.send(found.kind, testNotice(principal, id), found.target);
    await this.audit.record(principal, 'alert_channel.tested', {
      target: { kind: 'alert_channel', id },
      details: { ok: receipt.ok, status: receipt.status ?? null },
      ...origin,
    });
    return receipt;
  }

  /** The id, name and kind of a channel named by id or by name; null when there is none. */
  async kindOf(
    tenantId: string,
    ref: string,
  ): Promise<{ id: string; name: string; kind: ChannelKind } | null> {
    const rows = await this.repository.transaction(tenantId, (tx) =>
      this.repository.listChannels(tx),
    );
    const found = rows.find((c) => c.id === ref || c.name === ref);
    return found ? { id: found.id, name: found.name, kind: found.kind } : null;
  }

  /**
   * Sends a notice through a channel named by id or by name (runbook notify and approval steps);
   * null when there is no such channel. `recipients` replace an e-mail channel's addresses.
   */
  async sendTo(
    tenantId: string,
    ref: string,
    notice: AlertNotice,
    recipients?: readonly string[],
  ): Promise<{
    receipt: DeliveryReceipt;
    channel: { id: string; name: string; kind: ChannelKind };
  } | null> {
    const id = (await this.kindOf(tenantId, ref))?.id;
    const found = id === undefined ? null : await this.target(tenantId, id);
    if (id === undefined || found === null) return null;
    const target =
      recipients !== undefined && found.target.kind === 'email'
        ? { ...found.target, to: recipients }
        : found.target;
    const receipt = await this.registry.send(found.kind, notice, target);
    return { receipt, channel: { id, name: found.name, kind: found.kind } };
  }

  private seal(tenantId: string, id: string, config: ChannelConfig): string | null {
    if (Object.keys(config.secrets).length === 0) return null;
    return this.config.secretBox.seal(JSON.stringify(config.secrets), context(tenantId, id));
  }

  private open(tenantId: string, row: StoredChannel): ChannelConfig {
    const secrets =
      row.secretSealed === null
        ? {}
        : (JSON.parse(
            this.config.secretBox.open(row.secretSealed, context(tenantId, row.id)).plaintext,
          ) as Record<string, string>);
    return { kind: row.kind, settings: row.settings, secrets };
  }

  private view(tenantId: string, row: StoredChannel): AlertChannelRow {
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      settings: row.settings,
      secretFields: Object.keys(this.open(tenantId, row).secrets).sort(),
      allowPrivateNetwork: row.allowPrivateNetwork,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  private auditView(tenantId: string, row: StoredChannel): Record<string, unknown> {
    const { name, kind, settings, secretFields, allowPrivateNetwork } = this.view(tenantId, row);
    return { name, kind, settings, secretFields, allowPrivateNetwork };
  }
}

function context(tenantId: string, channelId: string): string {
  return `tenant:${tenantId}:alert-channel:${channelId}`;
}

/** Refuses (URL_REFUSED / URL_UNRESOLVABLE) a URL or SMTP host the SSRF guard would refuse. */
async function checkOutbound(config: ChannelConfig, allowPrivate: boolean): Promise<void> {
  const { urls, hosts } = outboundOf(config);
  for (const url of urls) await checkOutboundUrl(url, { allowPrivate });
  for (const host of hosts) await checkOutboundHost(host, { allowPrivate });
}

function notFound(id: string): AlertingError {
  return new AlertingError('CHANNEL_NOT_FOUND', `no alert channel with id "${id.slice(0, 80)}"`);
}

function testNotice(principal: Principal, channelId: string): AlertNotice {
  const now = new Date();
  return {
    id: randomUUID(),
    tenantId: principal.tenantId,
    groupKey: `test:${channelId}`,
    dedupKey: `vigil-test-${channelId}`,
    status: 'firing',
    severity: 'info',
    title: 'Vigil test notification',
    summary: `A test sent by ${principal.label} to check this channel. Nothing is wrong.`,
    alerts: [
      {
        fingerprint: 'test',
        labels: { alertname: 'VigilTest' },
        annotations: {},
        status: 'firing',
        startsAt: now,
        endsAt: null,
        explanation: 'This is a test notification.',
      },
    ],
    links: {},
    createdAt: now,
  };
}
