import { MetricsService } from 'src/common/metrics/metrics.service';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(90_000);

const PATTERN_FIELDS =
  'id service template name totalCount count trend aliases pinned userDefined examples parameters { position values { value count } otherCount numeric { count min max mean } }';
const PATTERNS = `query ($filter: PatternFilter, $first: Int, $after: String) {
  patterns(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${PATTERN_FIELDS} } } hasNextPage endCursor
  }
}`;
const PATTERN = `query ($id: ID!) { pattern(id: $id) { ${PATTERN_FIELDS} } }`;
const LOGS = `query ($filter: LogFilter!) {
  logs(filter: $filter, first: 100) { totalCount edges { node { body service patternId patternParams } } }
}`;
const RENAME = `mutation ($id: ID!, $name: String!) { renamePattern(id: $id, name: $name) { id name } }`;
const MERGE = `mutation ($from: ID!, $into: ID!) { mergePatterns(from: $from, into: $into) { id totalCount aliases } }`;
const PIN = `mutation ($id: ID!, $pinned: Boolean) { pinPattern(id: $id, pinned: $pinned) { id template pinned } }`;
const CREATE = `mutation ($service: String!, $template: String!) { createPattern(service: $service, template: $template) { id template userDefined } }`;

interface Param {
  position: number;
  values: Array<{ value: string; count: number }>;
  otherCount: number;
  numeric: { count: number; min: number; max: number; mean: number } | null;
}
interface Pattern {
  id: string;
  service: string;
  template: string;
  name: string | null;
  totalCount: number;
  count: number | null;
  trend: string | null;
  aliases: string[];
  userDefined: boolean;
  examples: string[];
  parameters: Param[];
}
interface Log {
  body: string;
  service: string;
  patternId: string | null;
  patternParams: string[];
}

describe('log patterns through ingest and GraphQL', () => {
  let sut: TestVigil;
  let first: TestVigil | null = null;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('patterns-a');
    other = await sut.createTenant('patterns-b');
    // The tenant's ingest and decisions go through `first`, which is later stopped and replaced.
    first = await sut.replica();
  });
  afterAll(async () => {
    await first?.close();
    await sut?.close();
  });

  const ingest = async (vigil: TestVigil, t: TestTenant, service: string, lines: string[]) => {
    const res = await fetch(`${vigil.url}/api/v1/logs?service=${service}&format=text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestKey}`, 'content-type': 'text/plain' },
      body: lines.join('\n'),
    });
    expect(res.status).toBe(200);
  };
  const gql = async <T>(vigil: TestVigil, key: string, q: string, v: Record<string, unknown>) => {
    const res = await vigil.graphql<T>(key, q, v);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  };
  const list = async (vigil: TestVigil, key: string, filter: Record<string, unknown> = {}) =>
    (
      await gql<{ patterns: { edges: Array<{ node: Pattern }> } }>(vigil, key, PATTERNS, {
        filter,
        first: 100,
      })
    ).patterns.edges.map((e) => e.node);

  const logins = Array.from(
    { length: 12 },
    (_, i) => `User user${i % 3} logged in from 10.0.0.${i} in ${10 + i} ms`,
  );
  const disks = Array.from(
    { length: 6 },
    (_, i) => `Disk /dev/sd${'abc'[i % 3]} is ${80 + i}% full`,
  );

  it('gives every ingested record a pattern, with counts, examples and parameter statistics', async () => {
    const vigil = first as TestVigil;
    await ingest(vigil, tenant, 'auth', logins);
    await ingest(vigil, tenant, 'disk', disks);

    const patterns = await until(
      () => list(vigil, tenant.adminKey),
      (ps) => ps.reduce((n, p) => n + (p.count ?? 0), 0) === 18,
    );
    const login = patterns.find((p) => p.service === 'auth');
    expect(login).toMatchObject({
      template: expect.stringMatching(/^User <\*> logged in from <\*> in <\*> ms$/) as string,
      count: 12,
      totalCount: 12,
      trend: 'NEW',
    });
    expect(patterns.find((p) => p.service === 'disk')?.count).toBe(6);

    const detail = await gql<{ pattern: Pattern }>(vigil, tenant.adminKey, PATTERN, {
      id: login!.id,
    });
    expect(detail.pattern.examples.length).toBeGreaterThan(0);
    expect(logins).toEqual(expect.arrayContaining(detail.pattern.examples));
    const users = detail.pattern.parameters.find((p) => p.values.some((v) => v.value === 'user0'));
    // Statistics start when the template takes its final shape (after the first line or two).
    expect(users?.values).toEqual(
      expect.arrayContaining([
        { value: 'user1', count: 4 },
        { value: 'user2', count: 4 },
      ]),
    );
    expect(users?.values.every((v) => /^user\d$/.test(v.value))).toBe(true);
    const ms = detail.pattern.parameters[detail.pattern.parameters.length - 1];
    expect(ms?.numeric?.max).toBe(21);
    expect(ms?.numeric?.min).toBeGreaterThanOrEqual(10);
    const n = ms!.numeric!.count;
    // The mean of the last n durations (10 + i for i < 12).
    expect(ms?.numeric?.mean).toBeCloseTo((21 + (22 - n)) / 2, 6);

    const logs = await gql<{ logs: { totalCount: number; edges: Array<{ node: Log }> } }>(
      vigil,
      tenant.adminKey,
      LOGS,
      { filter: { patternId: login!.id } },
    );
    expect(logs.logs.totalCount).toBe(12);
    for (const { node } of logs.logs.edges) {
      expect(node.service).toBe('auth');
      // The first line was stored before its template generalised: under an alias.
      expect([login!.id, ...login!.aliases]).toContain(node.patternId);
      const [, user, , , , ip, , ms] = node.body.split(' ');
      if (node.patternId === login!.id) expect(node.patternParams).toEqual([user, ip, ms]);
      else expect(node.patternParams).toEqual([ip, ms]);
    }
    expect(logs.logs.edges.filter((e) => e.node.patternId === login!.id)).toHaveLength(11);

    // The search language reaches the pattern (with its aliases) and each parameter by position.
    const count = async (query: string) =>
      (
        await gql<{ logs: { totalCount: number } }>(vigil, tenant.adminKey, LOGS, {
          filter: { query },
        })
      ).logs.totalCount;
    expect(await count(`pattern:${login!.id}`)).toBe(12);
    expect(await count(`pattern:${login!.id} AND param.0:user1`)).toBe(4);
    expect(await count(`pattern:${login!.id} AND param.2:2*`)).toBe(2);
    expect(await count(`param.1:10.0.0.3 OR param.0:10.0.0.0`)).toBe(2);
    expect(await count(`NOT pattern:${login!.id} AND service:auth`)).toBe(0);
  });

  it('shows another tenant none of the patterns or their logs', async () => {
    const vigil = first as TestVigil;
    await ingest(vigil, other, 'auth', ['Something else entirely happened here']);
    const mine = await list(vigil, tenant.adminKey);
    const theirs = await until(
      () => list(vigil, other.adminKey),
      (ps) => ps.length === 1,
    );
    expect(theirs).toHaveLength(1);
    expect(mine.map((p) => p.id)).not.toContain(theirs[0]!.id);
    const foreign = await gql<{ pattern: Pattern | null }>(vigil, other.adminKey, PATTERN, {
      id: mine[0]!.id,
    });
    expect(foreign.pattern).toBeNull();
    const logs = await gql<{ logs: { totalCount: number } }>(vigil, other.adminKey, LOGS, {
      filter: { patternId: mine[0]!.id },
    });
    expect(logs.logs.totalCount).toBe(0);
  });

  it('keeps a rename, a merge and a user pattern across a restart and relearning', async () => {
    const vigil = first as TestVigil;
    const before = await list(vigil, tenant.adminKey);
    const login = before.find((p) => p.service === 'auth')!;
    const disk = before.find((p) => p.service === 'disk')!;

    const renamed = await gql<{ renamePattern: { name: string } }>(vigil, tenant.adminKey, RENAME, {
      id: login.id,
      name: 'Logins',
    });
    expect(renamed.renamePattern.name).toBe('Logins');

    await ingest(vigil, tenant, 'auth', ['Session expired for user7 after 30 minutes']);
    const session = (
      await until(
        () => list(vigil, tenant.adminKey, { services: ['auth'] }),
        (ps) => ps.length === 2,
      )
    ).find((p) => p.id !== login.id)!;
    const merged = await gql<{
      mergePatterns: { id: string; totalCount: number; aliases: string[] };
    }>(vigil, tenant.adminKey, MERGE, { from: session.id, into: login.id });
    expect(merged.mergePatterns).toMatchObject({ id: login.id, totalCount: 13 });
    expect(merged.mergePatterns.aliases).toContain(session.id);

    const created = await gql<{ createPattern: { id: string; userDefined: boolean } }>(
      vigil,
      tenant.adminKey,
      CREATE,
      { service: 'disk', template: 'Disk <*> is <*>' },
    );
    expect(created.createPattern.userDefined).toBe(true);
    const userId = created.createPattern.id;
    expect(userId).not.toBe(disk.id);

    // Stop this instance and start a new one on the same database.
    await vigil.close();
    first = null;
    const restarted = await sut.replica();
    first = restarted;
    await ingest(restarted, tenant, 'auth', [
      'Session expired for user7 after 45 minutes',
      'User user5 logged in from 10.0.0.99 in 99 ms',
    ]);
    await ingest(restarted, tenant, 'disk', ['Disk /dev/sdz is 99% full']);

    const after = await until(
      () => list(restarted, tenant.adminKey),
      (ps) => ps.find((p) => p.id === login.id)?.count === 15,
    );
    const loginAfter = after.find((p) => p.id === login.id);
    expect(loginAfter).toMatchObject({ name: 'Logins', count: 15 });
    expect(after.map((p) => p.id)).not.toContain(session.id);
    expect(after.find((p) => p.id === userId)).toMatchObject({ userDefined: true, count: 1 });

    const logs = await gql<{ logs: { edges: Array<{ node: Log }> } }>(
      restarted,
      tenant.adminKey,
      LOGS,
      { filter: { services: ['disk'] } },
    );
    const sdz = logs.logs.edges.filter((e) => e.node.body.includes('/dev/sdz'));
    expect(sdz.map((e) => e.node.patternId)).toEqual([userId]);
    const expired = await gql<{ logs: { edges: Array<{ node: Log }> } }>(
      restarted,
      tenant.adminKey,
      LOGS,
      { filter: { query: '"after 45 minutes"' } },
    );
    expect(expired.logs.edges.map((e) => e.node.patternId)).toEqual([login.id]);

    const gauge = await restarted.vigil.app.get(MetricsService).templatePatterns.get();
    expect(gauge.values.find((v) => v.labels.tenant === tenant.id)?.value).toBeGreaterThan(0);
  });

  it('applies a decision made through one replica on another at once, and pins a learned pattern', async () => {
    const third = await sut.createTenant('patterns-c');
    const other = first as TestVigil;
    // `sut` has the tenant's miners loaded before the decisions are made through `other`.
    await ingest(sut, third, 'cron', ['Cron job nightly-report finished']);
    await ingest(sut, third, 'backup', ['Backup of volume vol-1 finished in 12 s']);
    const learned = await until(
      () => list(sut, third.adminKey, { services: ['cron'] }),
      (ps) => ps.length === 1,
    );
    const nightly = learned[0]!;
    expect(nightly.template).toBe('Cron job nightly-report finished');

    const pinned = await gql<{ pinPattern: { pinned: boolean } }>(other, third.adminKey, PIN, {
      id: nightly.id,
    });
    expect(pinned.pinPattern.pinned).toBe(true);
    const created = await gql<{ createPattern: { id: string } }>(other, third.adminKey, CREATE, {
      service: 'backup',
      template: 'Backup of volume <*> finished in <*> s',
    });

    const tagged = async () => {
      await ingest(sut, third, 'backup', ['Backup of volume vol-2 finished in 14 s']);
      const logs = await gql<{ logs: { edges: Array<{ node: Log }> } }>(sut, third.adminKey, LOGS, {
        filter: { query: 'vol-2', services: ['backup'] },
      });
      return logs.logs.edges.map((e) => e.node.patternId);
    };
    // The replica that did not make the decision hears of it through Redis within moments.
    const ids = await until(tagged, (ids) => ids.includes(created.createPattern.id));
    expect(ids).toContain(created.createPattern.id);

    // Pinned: a similar line becomes a pattern of its own instead of generalising the pin.
    await ingest(sut, third, 'cron', ['Cron job weekly-report finished']);
    const cron = await until(
      () => list(sut, third.adminKey, { services: ['cron'] }),
      (ps) => ps.length === 2,
    );
    expect(cron.find((p) => p.id === nightly.id)).toMatchObject({
      template: 'Cron job nightly-report finished',
      pinned: true,
    });

    const unpinned = await gql<{ pinPattern: { pinned: boolean } }>(other, third.adminKey, PIN, {
      id: nightly.id,
      pinned: false,
    });
    expect(unpinned.pinPattern.pinned).toBe(false);
    const refused = await sut.graphql(third.adminKey, PIN, {
      id: created.createPattern.id,
      pinned: false,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('erases a data subject from pattern examples, parameter statistics and stored parameters', async () => {
    const vigil = first as TestVigil;
    const orders = Array.from(
      { length: 8 },
      (_, i) => `Order ${100 + i} placed by ${i % 2 ? 'u-4711' : 'u-5000'} for ${i + 1} items`,
    );
    await ingest(vigil, tenant, 'orders', orders);
    const [order] = await until(
      () => list(vigil, tenant.adminKey, { services: ['orders'] }),
      (ps) => ps[0]?.count === 8,
    );
    const before = await gql<{ pattern: Pattern }>(vigil, tenant.adminKey, PATTERN, {
      id: order!.id,
    });
    expect(JSON.stringify(before.pattern)).toContain('u-4711');

    const erase = await gql<{ eraseSubject: { id: string } }>(
      vigil,
      tenant.adminKey,
      `mutation ($ids: SubjectIdentifiers!) { eraseSubject(identifiers: $ids) { id } }`,
      { ids: { userIds: ['u-4711'] } },
    );
    const job = await until(
      () =>
        gql<{
          privacyJob: {
            status: string;
            report: { counts: Array<{ name: string; count: number }> } | null;
          };
        }>(
          vigil,
          tenant.adminKey,
          `query ($id: ID!) { privacyJob(id: $id) { status report { counts { name count } } } }`,
          { id: erase.eraseSubject.id },
        ),
      (r) => r.privacyJob.status === 'done' || r.privacyJob.status === 'failed',
      30_000,
    );
    expect(job.privacyJob.status).toBe('done');
    expect(job.privacyJob.report?.counts).toEqual(
      expect.arrayContaining([{ name: 'patterns.patterns', count: 1 }]),
    );

    const after = await gql<{ pattern: Pattern }>(vigil, tenant.adminKey, PATTERN, {
      id: order!.id,
    });
    expect(JSON.stringify(after.pattern)).not.toContain('u-4711');
    expect(JSON.stringify(after.pattern)).toContain('u-5000');
    const values = after.pattern.parameters.flatMap((p) => p.values);
    expect(values).toEqual(expect.arrayContaining([{ value: '[erased]', count: 4 }]));
    const logs = await gql<{ logs: { edges: Array<{ node: Log }> } }>(
      vigil,
      tenant.adminKey,
      LOGS,
      { filter: { services: ['orders'] } },
    );
    expect(logs.logs.edges).toHaveLength(8);
    expect(JSON.stringify(logs.logs.edges)).not.toContain('u-4711');
    expect(logs.logs.edges.filter((e) => e.node.patternParams.includes('[erased]'))).toHaveLength(
      4,
    );
  });

  it('refuses unknown patterns and bad input, and writes only with the write permission', async () => {
    const vigil = first as TestVigil;
    const missing = await vigil.graphql(tenant.adminKey, RENAME, { id: 'nope', name: 'x' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await vigil.graphql(tenant.adminKey, CREATE, { service: 'x', template: '  ' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const denied = await vigil.graphql(tenant.ingestKey, CREATE, {
      service: 'x',
      template: 'a <*>',
    });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
