import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { isUuid } from '../../common/ids/uuid';
import { NoticeTargets, SlackSigningSecrets } from './actions/slack-interactivity';
import { AlertRepository } from './alert.repository';
import { AlertConfigPort } from './alerting.types';

/** What a Slack button's notification was about: its group and alerts, from its row. */
@Injectable()
export class NotificationTargets extends NoticeTargets {
  constructor(private readonly repo: AlertRepository) {
    super();
  }

  async find(tenantId: string, noticeId: string) {
    const n = await this.repo.notification(tenantId, noticeId);
    if (n === null) return null;
    return { groupKey: n.groupKey, fingerprints: n.notice.alerts.map((a) => a.fingerprint) };
  }
}

/**
 * The Slack signing secret of a Slack channel, for its interactivity endpoint: the channel id
 * in the URL names the tenant (looked up across tenants, by the owner connection), and the
 * secret is opened from the channel's sealed configuration in that tenant.
 */
@Injectable()
export class SlackChannelSecrets extends SlackSigningSecrets {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AlertConfigPort,
  ) {
    super();
  }

  async secretFor(channelId: string): Promise<{ tenantId: string; secret: string } | null> {
    if (!isUuid(channelId)) return null;
    const [row] = await this.db.query<Array<{ tenant_id: string }>>(
      `SELECT tenant_id FROM alert_channels WHERE id = $1 AND kind = 'slack'`,
      [channelId],
    );
    if (!row) return null;
    const channel = await this.config.channelTarget(row.tenant_id, channelId);
    const secret =
      channel?.target.kind === 'slack' && 'signingSecret' in channel.target
        ? channel.target.signingSecret
        : undefined;
    return typeof secret === 'string' && secret !== '' ? { tenantId: row.tenant_id, secret } : null;
  }
}
