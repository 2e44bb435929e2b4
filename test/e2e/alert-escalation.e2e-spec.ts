import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Queue } from 'bullmq';

import { UserRepository } from 'src/modules/tenancy/user.repository';

import { TestSmtp } from '../support/test-smtp';
import { createMember } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Records the services named in the notifications it receives. */
class Receiver {
  readonly bodies: string[] = [];
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.bodies.push(Buffer.concat(chunks).toString());
      res.writeHead(200).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  about(service: string): number {
    return this.bodies.filter((b) => b.includes(`"service":"${service}"`)).length;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

describe('escalation policies on delayed jobs', () => {
  let sut: TestVigil;
  let replica: TestVigil | null = null;
  let tenant: TestTenant;
  const first = new Receiver();
  const second = new Receiver();
  let queue: Queue;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('escalation-a');
    const [firstUrl, secondUrl] = [await first.start(), await second.start()];
    queue = new Queue('alert-escalation', {
      connection: { url: REDIS },
      prefix: `${sut.redisPrefix}bull`,
    });
    await gql(
      'mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }',
    );
    const channel = async (name: string, url: string) =>
      (
        await gql<{ createAlertChannel: { channel: { id: string } } }>(
          'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
          { i: { name, allowPrivateNetwork: true, webhook: { url } } },
        )
      ).createAlertChannel.channel.id;
    const [primary, backup] = [
      await channel('primary', firstUrl),
      await channel('backup', secondUrl),
    ];
    const policy = await gql<{ createEscalationPolicy: { id: string } }>(
      'mutation ($i: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }',
      {
        i: {
          name: 'on-call',
          levels: [
            { channelIds: [primary], timeoutSeconds: 600 },
            { channelIds: [backup], timeoutSeconds: 600 },
          ],
        },
      },
    );
    await gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
      i: {
        name: 'Page on new errors',
        severity: 'CRITICAL',
        condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'] },
        route: {
          channelIds: [],
          policyId: policy.createEscalationPolicy.id,
          groupBy: ['service'],
          groupWaitSeconds: 0,
        },
      },
    });
  });
  afterAll(async () => {
    await queue?.close();
    await first.close();
    await second.close();
    await replica?.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await (replica ?? sut).graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const ship = async (vigil: TestVigil, service: string, message: string) => {
    const res = await fetch(`${vigil.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { '@timestamp': new Date().toISOString(), level: 'error', service, message },
      ]),
    });
    expect(res.status).toBe(200);
  };
  /** The delayed next step of a group's escalation, promoted to run now. */
  const promoteNext = async () => {
    const delayed = await until(
      () => queue.getJobs(['delayed']),
      (jobs) => jobs.length > 0,
    );
    for (const job of delayed) await job.promote();
    return delayed.length;
  };

  it('notifies the first level at once, and the next one after its timeout, across a restart', async () => {
    // The instance that starts the escalation stops before its next step is due.
    const starter = await sut.replica();
    try {
      await ship(starter, 'ledger', 'Ledger replica diverged from the primary at offset 1200');
      await until(
        async () => first.about('ledger'),
        (n) => n > 0,
        15_000,
      );
    } finally {
      await starter.close();
    }
    expect(second.about('ledger')).toBe(0);

    // The step waits in Redis; another instance runs it when it is due.
    replica = await sut.replica();
    expect(await promoteNext()).toBe(1);
    expect(
      await until(
        async () => second.about('ledger'),
        (n) => n > 0,
        15_000,
      ),
    ).toBe(1);
    // Only once: the step's job id is its group, round and level.
    expect(second.about('ledger')).toBe(1);
  });

  it('stops escalating once the alert is acknowledged', async () => {
    const vigil = replica as TestVigil;
    await ship(vigil, 'billing', 'Invoice numbering sequence exhausted for tenant 12');
    await until(
      async () => first.about('billing'),
      (n) => n > 0,
      15_000,
    );
    const alerts = await gql<{
      alerts: Array<{ fingerprint: string; labels: { service: string } }>;
    }>('query { alerts { fingerprint labels } }');
    const billing = alerts.alerts.find((a) => a.labels.service === 'billing')!;
    await gql('mutation ($fp: ID!) { acknowledgeAlert(fingerprint: $fp) }', {
      fp: billing.fingerprint,
    });
    await promoteNext();
    // The step ran (no job left waiting) and sent nothing.
    await until(
      () => queue.getJobCounts('delayed', 'waiting', 'active'),
      (c) => (c.delayed ?? 0) + (c.waiting ?? 0) + (c.active ?? 0) === 0,
    );
    expect(second.about('billing')).toBe(0);
    // The step wrote no notification (rows are written before their delivery jobs).
    const notes = await gql<{ alertNotifications: Array<{ kind: string; title: string }> }>(
      'query { alertNotifications { kind title } }',
    );
    const billingNotes = notes.alertNotifications.filter((n) => n.title.includes('billing'));
    expect(billingNotes.map((n) => n.kind)).toEqual(['escalation:0:0']);
  });

  it('pages whoever of a rotation is on call, by e-mail, and shows who that is', async () => {
    const vigil = replica as TestVigil;
    const smtp = await TestSmtp.start();
    try {
      const port = Number(new URL(smtp.url).port);
      await createMember(vigil, tenant, 'ada@example.com', 'viewer');
      await createMember(vigil, tenant, 'grace@example.com', 'viewer');
      const members = await vigil.vigil.app.get(UserRepository).members(tenant.id);
      const id = (email: string) => members.find((m) => m.user.email === email)!.user.id;
      const mail = await gql<{ createAlertChannel: { channel: { id: string } } }>(
        'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
        {
          i: {
            name: 'pager-mail',
            allowPrivateNetwork: true,
            email: {
              host: '127.0.0.1',
              port,
              secure: false,
              from: 'vigil@example.com',
              to: ['team@example.com'],
            },
          },
        },
      );
      // Shifts of an hour from 90 minutes ago: the second member is on call now.
      const policy = await gql<{
        createEscalationPolicy: {
          id: string;
          levels: Array<{ rotation: { onCallNow: string } }>;
        };
      }>(
        'mutation ($i: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $i) { id levels { rotation { onCallNow } } } }',
        {
          i: {
            name: 'payroll on-call',
            levels: [
              {
                timeoutSeconds: 600,
                rotation: {
                  userIds: [id('ada@example.com'), id('grace@example.com')],
                  shiftHours: 1,
                  startsAt: new Date(Date.now() - 90 * 60_000).toISOString(),
                },
                emailChannelId: mail.createAlertChannel.channel.id,
              },
            ],
          },
        },
      );
      expect(policy.createEscalationPolicy.levels[0]!.rotation.onCallNow).toBe(
        id('grace@example.com'),
      );
      // A stranger cannot be paged.
      const stranger = await vigil.graphql(
        tenant.adminKey,
        'mutation ($i: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }',
        {
          i: {
            name: 'bad',
            levels: [
              {
                timeoutSeconds: 600,
                userIds: ['00000000-0000-4000-8000-000000000000'],
                emailChannelId: mail.createAlertChannel.channel.id,
              },
            ],
          },
        },
      );
      expect(stranger.errors?.[0]?.message).toContain('no member with id');
      await gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
        i: {
          name: 'Page payroll',
          severity: 'CRITICAL',
          condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'], services: ['payroll'] },
          route: {
            channelIds: [],
            policyId: policy.createEscalationPolicy.id,
            groupBy: ['service'],
            groupWaitSeconds: 0,
          },
        },
      });
      await ship(vigil, 'payroll', 'Payslip batch 2026-11 failed: tax table for region 7 missing');
      const paged = await smtp.mailTo('grace@example.com');
      expect(paged.to).toEqual(['grace@example.com']);
      expect(paged.raw).toContain('payroll');
      expect(smtp.received.some((m) => m.to.includes('ada@example.com'))).toBe(false);
      expect(smtp.received.some((m) => m.to.includes('team@example.com'))).toBe(false);
    } finally {
      await smtp.close();
    }
  });
});
