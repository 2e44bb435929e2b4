import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';

import { type TestTenant, TestVigil } from '../support/test-vigil';

const run = promisify(execFile);
const LOGGER = ['/usr/bin/logger', '/bin/logger'].find((p) => existsSync(p)) ?? null;
const LISTENER_KEY = `syslog-listener-${process.pid}-${Date.now()}`;
const CREATE_KEY = `mutation($name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(name: $name, scopes: $scopes) { secret key { id } }
}`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
const LOGS = `query($q: String) { logs(filter: { query: $q }, first: 100) { edges { node { body dataset format service attributes } } } }`;

interface LogNode {
  body: string;
  dataset: string;
  format: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** What util-linux logger(1) sends, for machines without it: RFC 5424 with its timeQuality SD. */
function rfc5424(message: string, sd = ''): string {
  const time = new Date().toISOString();
  return `<13>1 ${time} testhost myapp ${process.pid} - [timeQuality tzKnown="1" isSynced="0"]${sd} ${message}`;
}

async function sendTcp(payload: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(payload));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

async function sendUdp(message: string, port: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    socket.send(message, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
  socket.close();
}

describe('syslog listeners', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let tcpPort: number;
  let udpPort: number;

  beforeAll(async () => {
    // The bootstrap key of the `default` tenant doubles as the listener key.
    sut = await TestVigil.start({
      VIGIL_BOOTSTRAP_API_KEY: LISTENER_KEY,
      SYSLOG_TCP_PORT: '0',
      SYSLOG_UDP_PORT: '0',
      SYSLOG_API_KEY: LISTENER_KEY,
      SYSLOG_MAX_MESSAGE_BYTES: '4096',
      SYSLOG_FLUSH_DELAY_MS: '20',
    });
    tenant = await sut.createTenant('sysa');
    tcpPort = sut.vigil.syslog.tcpPort!;
    udpPort = sut.vigil.syslog.udpPort!;
  });
  afterAll(() => sut.close());

  const find = async (q: string, key: string): Promise<LogNode[]> => {
    const res = await sut.graphql<{ logs: { edges: Array<{ node: LogNode }> } }>(key, LOGS, { q });
    expect(res.errors).toBeUndefined();
    return res.data!.logs.edges.map((e) => e.node);
  };
  /** Polls until `count` records match (syslog has no acknowledgement to wait for). */
  const eventually = async (q: string, key: string, count: number): Promise<LogNode[]> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const found = await find(q, key);
      if (found.length >= count || Date.now() > until) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${sut.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  const describeLogger = LOGGER === null ? describe.skip : describe;
  describeLogger('with util-linux logger(1)', () => {
    const logger = (...args: string[]) =>
      run(LOGGER!, ['--server', '127.0.0.1', '-t', 'myapp', ...args]);

    it('takes RFC 5424 over TCP with LF framing, into the listener key tenant', async () => {
      await logger('--port', String(tcpPort), '--tcp', '--rfc5424', 'syslog-lf-5424 hello');
      const [record] = await eventually('"syslog-lf-5424 hello"', LISTENER_KEY, 1);
      // The header is taken apart by the format stage: the body is the message.
      expect(record).toMatchObject({
        body: 'syslog-lf-5424 hello',
        dataset: 'syslog',
        format: 'syslog-rfc5424',
        service: 'myapp',
        attributes: expect.objectContaining({ 'syslog.sd.timeQuality.tzKnown': '1' }),
      });
    });

    it('takes RFC 3164 over TCP with octet counting', async () => {
      await logger(
        '--port',
        String(tcpPort),
        '--tcp',
        '--octet-count',
        '--rfc3164',
        'syslog-octet-3164 hi',
      );
      const [record] = await eventually('"syslog-octet-3164 hi"', LISTENER_KEY, 1);
      expect(record).toMatchObject({
        body: 'syslog-octet-3164 hi',
        format: 'syslog-rfc3164',
        service: 'myapp',
      });
    });

    it('takes both formats over UDP', async () => {
      await logger('--port', String(udpPort), '--udp', '--rfc5424', 'syslog-udp-5424 one');
      await logger('--port', String(udpPort), '--udp', '--rfc3164', 'syslog-udp-3164 two');
      expect(await eventually('"syslog-udp-5424 one"', LISTENER_KEY, 1)).toHaveLength(1);
      expect(await eventually('"syslog-udp-3164 two"', LISTENER_KEY, 1)).toHaveLength(1);
    });

    it('routes a message by the API key in its structured data, and strips the key', async () => {
      await logger(
        '--port',
        String(tcpPort),
        '--tcp',
        '--rfc5424',
        '--sd-id',
        'vigil@32473',
        '--sd-param',
        `key="${tenant.ingestKey}"`,
        'syslog-sd-key routed',
      );
      const [record] = await eventually('"syslog-sd-key routed"', tenant.adminKey, 1);
      expect(record).toMatchObject({ body: 'syslog-sd-key routed', format: 'syslog-rfc5424' });
      expect(JSON.stringify(record)).not.toContain(tenant.ingestKey);
      expect(await find('"syslog-sd-key routed"', LISTENER_KEY)).toEqual([]);
    });
  });

  it('detects the framing per message on one connection and drops oversized ones', async () => {
    const octet = rfc5424('syslog-node octet framed\nwith a newline inside');
    const payload =
      `${rfc5424('syslog-node lf framed')}\n` +
      `${Buffer.byteLength(octet)} ${octet}` +
      `<13>${'x'.repeat(5000)} syslog-node too big\n` +
      `${rfc5424('syslog-node nul framed')}\0`;
    const tooLargeBefore = await metric(
      'vigil_syslog_rejected_total{transport="tcp",reason="too_large"}',
    );
    await sendTcp(payload, tcpPort);
    const found = await eventually('"syslog-node"', LISTENER_KEY, 3);
    expect(found.map((r) => r.body).sort()).toEqual([
      'syslog-node lf framed',
      'syslog-node nul framed',
      'syslog-node octet framed\nwith a newline inside',
    ]);
    expect(await metric('vigil_syslog_rejected_total{transport="tcp",reason="too_large"}')).toBe(
      tooLargeBefore + 1,
    );
  });

  it('never takes the tenant from structured data fields other than the key', async () => {
    const other = await sut.createTenant('sysb');
    await sendTcp(
      `${rfc5424('syslog-smuggle attempt', `[tenant@32473 id="${other.id}" slug="sysb"]`)}\n`,
      tcpPort,
    );
    await sendUdp(rfc5424('syslog-smuggle udp', `[vigil@32473 tenant="sysb"]`), udpPort);
    expect(await eventually('"syslog-smuggle"', LISTENER_KEY, 2)).toHaveLength(2);
    expect(await find('"syslog-smuggle"', other.adminKey)).toEqual([]);
  });

  it('stops accepting a structured-data key as soon as it is revoked', async () => {
    const created = await sut.graphql<{ createApiKey: { secret: string; key: { id: string } } }>(
      tenant.adminKey,
      CREATE_KEY,
      { name: 'syslog-sender', scopes: ['INGEST'] },
    );
    const { secret, key } = created.data!.createApiKey;
    const sd = `[vigil@32473 key="${secret}"]`;
    await sendUdp(rfc5424('syslog-revoke before', sd), udpPort);
    expect(await eventually('"syslog-revoke before"', tenant.adminKey, 1)).toHaveLength(1);

    const revoked = await sut.graphql(tenant.adminKey, REVOKE_KEY, { id: key.id });
    expect(revoked.errors).toBeUndefined();
    const refusedBefore = await metric(
      'vigil_syslog_rejected_total{transport="udp",reason="unauthorized"}',
    );
    await sendUdp(rfc5424('syslog-revoke after', sd), udpPort);
    const until = Date.now() + 5_000;
    while (
      (await metric('vigil_syslog_rejected_total{transport="udp",reason="unauthorized"}')) ===
        refusedBefore &&
      Date.now() < until
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await metric('vigil_syslog_rejected_total{transport="udp",reason="unauthorized"}')).toBe(
      refusedBefore + 1,
    );
    expect(await find('"syslog-revoke after"', tenant.adminKey)).toEqual([]);
    // Nor does it fall back to the listener's tenant.
    expect(await find('"syslog-revoke after"', LISTENER_KEY)).toEqual([]);
  });

  it('counts connections and bytes, and stays healthy after garbage', async () => {
    await sendTcp('\0\0\n\r\n99999999999 not a frame\n\xff\xfe garbage\n', tcpPort);
    await sendUdp('', udpPort);
    expect(await metric('vigil_syslog_connections_total{outcome="accepted"}')).toBeGreaterThan(0);
    expect(await metric('vigil_syslog_bytes_total{transport="tcp"}')).toBeGreaterThan(0);
    expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });
});

describe('syslog under throttling and shutdown', () => {
  it('holds messages while the tenant is throttled, then stores them all', async () => {
    const sut = await TestVigil.start({
      VIGIL_BOOTSTRAP_API_KEY: LISTENER_KEY,
      SYSLOG_TCP_PORT: '0',
      SYSLOG_API_KEY: LISTENER_KEY,
      SYSLOG_BATCH_MAX_MESSAGES: '100',
      SYSLOG_FLUSH_DELAY_MS: '10',
      RATE_LIMIT_INGEST_RECORDS_PER_SECOND: '60',
      SYSLOG_MAX_CONNECTIONS: '1',
    });
    try {
      const stored = async (count: number) => {
        const until = Date.now() + 30_000;
        let total = 0;
        while (Date.now() < until) {
          const res = await sut.graphql<{ logs: { totalCount: number } }>(
            LISTENER_KEY,
            `{ logs(filter: { query: "syslog-throttle" }, first: 1) { totalCount } }`,
          );
          total = res.data!.logs.totalCount;
          if (total >= count) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        return total;
      };
      const send = (from: number, count: number) =>
        sendTcp(
          Array.from(
            { length: count },
            (_, i) => `${rfc5424(`syslog-throttle n${from + i}`)}\n`,
          ).join(''),
          sut.vigil.syslog.tcpPort!,
        );
      // 600 records put the tenant (burst 300 at 60/s) deep in debt...
      await send(0, 600);
      expect(await stored(600)).toBe(600);
      // ...so the next batch is refused, kept, retried, and stored in the end.
      await send(600, 100);
      expect(await stored(700)).toBe(700);

      // One connection is allowed; the next is closed at once and counted.
      const port = sut.vigil.syslog.tcpPort!;
      const held = connect({ port, host: '127.0.0.1' });
      await new Promise((r) => held.once('connect', r));
      await new Promise((r) => setTimeout(r, 100));
      const refused = connect({ port, host: '127.0.0.1' });
      await new Promise<void>((resolve) => {
        refused.on('close', () => resolve());
        refused.on('error', () => undefined);
      });
      const metrics = await (await fetch(`${sut.url}/metrics`)).text();
      // The limiter did refuse batches on the way (kept and retried, none dropped).
      expect(metrics).toMatch(/vigil_syslog_deferred_batches_total\{reason="rate_limited"\} [1-9]/);
      expect(metrics).not.toMatch(/^vigil_syslog_rejected_total\{/m);
      expect(metrics).toContain('vigil_syslog_connections_total{outcome="refused"} 1');
      expect(metrics).toContain('vigil_syslog_connections 1');
      held.destroy();
    } finally {
      await sut.close();
    }
  });

  it('commits what it buffered when Vigil stops', async () => {
    const primary = await TestVigil.start({
      VIGIL_BOOTSTRAP_API_KEY: LISTENER_KEY,
      SYSLOG_TCP_PORT: '0',
      SYSLOG_API_KEY: LISTENER_KEY,
      // Far longer than the test: only the shutdown flush can commit these.
      SYSLOG_FLUSH_DELAY_MS: '10000',
    });
    const replica = await primary.replica();
    try {
      await sendTcp(`${rfc5424('syslog-shutdown flushed')}\n`, primary.vigil.syslog.tcpPort!);
      await new Promise((r) => setTimeout(r, 200));
      await primary.vigil.close();
      const res = await replica.graphql<{ logs: { edges: unknown[] } }>(LISTENER_KEY, LOGS, {
        q: '"syslog-shutdown flushed"',
      });
      expect(res.data!.logs.edges).toHaveLength(1);
    } finally {
      await replica.close();
      await primary.close();
    }
  });
});
