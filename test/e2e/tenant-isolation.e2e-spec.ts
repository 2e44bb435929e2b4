import { randomBytes } from 'node:crypto';

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

/**
 * The tenant-isolation suite: two tenants ship marker strings through every ingest path, then
 * every read path is tried with each tenant's key. Nothing of one tenant may ever reach the
 * other, and each tenant must see all of its own markers.
 *
 * To cover a new module, add its ingest paths to INGEST_PATHS and its reads to READ_PATHS (or
 * LIVE_READ_PATHS for subscriptions). A read returns whatever it received; the suite searches the
 * JSON of it for the other tenant's private tokens (markers, service, host, dataset, trace id).
 */

interface Side {
  label: 'a' | 'b';
  tenant: TestTenant;
  service: string;
  host: string;
  dataset: string;
  traceId: string;
  /** One marker per record that must be stored and visible to this tenant only. */
  stored: string[];
  /** Markers sent in items that must be refused: visible to nobody. */
  refused: string[];
}

interface IngestContext {
  sut: TestVigil;
  self: Side;
  other: Side;
  /** A fresh marker: one word for the full-text index, unique to this run, tenant and item. */
  marker(item: string): string;
}

interface IngestPath {
  name: string;
  ship(ctx: IngestContext): Promise<void>;
}

interface ReadContext {
  sut: TestVigil;
  self: Side;
  other: Side;
}

interface ReadPath {
  name: string;
  /** Everything the read returned; extra expectations may be asserted inside. */
  read(ctx: ReadContext): Promise<unknown>;
}

interface LiveReadPath {
  name: string;
  /** Starts listening before anything is shipped; `received` resolves with what arrived. */
  start(ctx: ReadContext): Promise<{ received(): Promise<unknown> }>;
}

const RUN = randomBytes(4).toString('hex');

interface BulkReply {
  errors: boolean;
  items: Array<Record<string, { status: number; error?: { type: string } }>>;
}

function doc(ctx: IngestContext, m: string, extra: Record<string, unknown> = {}) {
  return {
    message: `${m} happened in ${ctx.self.service}`,
    service: ctx.self.service,
    host: ctx.self.host,
    trace_id: ctx.self.traceId,
    marker: m,
    level: 'error',
    ...extra,
  };
}

async function post(url: string, key: string, body: string, contentType: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body,
  });
  const reply: unknown = await res.json();
  return { status: res.status, body: reply };
}

/** POSTs a bulk body; returns the status of each item in order. */
async function bulk(url: string, key: string, lines: unknown[]): Promise<BulkReply['items']> {
  const res = await post(url, key, ndjson(lines), 'application/x-ndjson');
  expect(res.status).toBe(200);
  return (res.body as BulkReply).items;
}

const statusOf = (item: BulkReply['items'][number] | undefined) =>
  Object.values(item ?? {})[0]?.status;
const errorOf = (item: BulkReply['items'][number] | undefined) =>
  Object.values(item ?? {})[0]?.error?.type;

/** Expects the items to be stored (201) or refused with an invalid index name, as given. */
function expectItems(items: BulkReply['items'], expected: Array<'stored' | 'invalid_index'>) {
  expect(items.map((i) => (statusOf(i) === 201 ? 'stored' : errorOf(i)))).toEqual(
    expected.map((e) => (e === 'stored' ? 'stored' : 'invalid_index_name_exception')),
  );
}

const INGEST_PATHS: IngestPath[] = [
  {
    name: 'ES _bulk on the ES port, _index in the action',
    async ship(ctx) {
      const m = ctx.marker('esbulk');
      const items = await bulk(`${ctx.sut.esUrl}/_bulk`, ctx.self.tenant.ingestKey, [
        { create: { _index: ctx.self.dataset } },
        doc(ctx, m),
      ]);
      expectItems(items, ['stored']);
      ctx.self.stored.push(m);
    },
  },
  {
    name: 'ES _bulk under /es on the main port',
    async ship(ctx) {
      const m = ctx.marker('mainbulk');
      const items = await bulk(`${ctx.sut.url}/es/_bulk`, ctx.self.tenant.ingestKey, [
        { index: { _index: ctx.self.dataset } },
        doc(ctx, m),
      ]);
      expectItems(items, ['stored']);
      ctx.self.stored.push(m);
    },
  },
  {
    name: '/{index}/_bulk with index names *, _all, ../b and the other tenant’s slug',
    async ship(ctx) {
      const paths: Array<[string, 'stored' | 'invalid_index']> = [
        ['*', 'invalid_index'],
        ['_all', 'stored'],
        [encodeURIComponent(`../${ctx.other.tenant.slug}`), 'invalid_index'],
        [ctx.other.tenant.slug, 'stored'],
        [encodeURIComponent(ctx.other.tenant.id), 'stored'],
      ];
      for (const [i, [index, outcome]] of paths.entries()) {
        const m = ctx.marker(`pathbulk${i}`);
        const items = await bulk(`${ctx.sut.esUrl}/${index}/_bulk`, ctx.self.tenant.ingestKey, [
          { create: {} },
          doc(ctx, m),
        ]);
        expectItems(items, [outcome]);
        (outcome === 'stored' ? ctx.self.stored : ctx.self.refused).push(m);
      }
    },
  },
  {
    name: '_index in bulk actions: *, _all, ../b, the other tenant’s slug and id',
    async ship(ctx) {
      const indexes: Array<[string, 'stored' | 'invalid_index']> = [
        ['*', 'invalid_index'],
        ['_all', 'stored'],
        [`../${ctx.other.tenant.slug}`, 'invalid_index'],
        [ctx.other.tenant.slug, 'stored'],
        [ctx.other.tenant.id, 'stored'],
        [`${ctx.other.tenant.slug},${ctx.self.tenant.slug}`, 'invalid_index'],
      ];
      const markers = indexes.map((_, i) => ctx.marker(`actionindex${i}`));
      const items = await bulk(
        `${ctx.sut.esUrl}/${ctx.self.dataset}/_bulk`,
        ctx.self.tenant.ingestKey,
        indexes.flatMap(([index], i) => [{ create: { _index: index } }, doc(ctx, markers[i]!)]),
      );
      expectItems(
        items,
        indexes.map(([, outcome]) => outcome),
      );
      indexes.forEach(([, outcome], i) =>
        (outcome === 'stored' ? ctx.self.stored : ctx.self.refused).push(markers[i]!),
      );
    },
  },
  {
    name: 'documents carrying tenant fields that name the other tenant (ES _bulk)',
    async ship(ctx) {
      const smuggled = [
        { tenant: ctx.other.tenant.slug },
        { tenant_id: ctx.other.tenant.id },
        { tenantId: ctx.other.tenant.id },
        { '@tenant': ctx.other.tenant.slug },
        { tenant: { id: ctx.other.tenant.id, slug: ctx.other.tenant.slug } },
        { _tenant: ctx.other.tenant.id, 'vigil.tenant_id': ctx.other.tenant.id },
      ];
      const markers = smuggled.map((_, i) => ctx.marker(`smuggledbulk${i}`));
      const items = await bulk(
        `${ctx.sut.esUrl}/_bulk`,
        ctx.self.tenant.ingestKey,
        smuggled.flatMap((fields, i) => [
          { create: { _index: ctx.self.dataset } },
          doc(ctx, markers[i]!, fields),
        ]),
      );
      expectItems(
        items,
        smuggled.map(() => 'stored'),
      );
      ctx.self.stored.push(...markers);
    },
  },
  {
    name: '/{index}/_doc and /{index}/_create/{id} with odd and foreign index names',
    async ship(ctx) {
      const key = ctx.self.tenant.ingestKey;
      const json = 'application/json';
      const toOther = ctx.marker('esdocother');
      const res1 = await post(
        `${ctx.sut.esUrl}/${ctx.other.tenant.slug}/_doc`,
        key,
        JSON.stringify(doc(ctx, toOther, { tenant_id: ctx.other.tenant.id })),
        json,
      );
      expect(res1.status).toBe(201);
      ctx.self.stored.push(toOther);

      const toAll = ctx.marker('esdocall');
      const res2 = await post(
        `${ctx.sut.esUrl}/_all/_create/${toAll}`,
        key,
        JSON.stringify(doc(ctx, toAll)),
        json,
      );
      expect(res2.status).toBe(201);
      ctx.self.stored.push(toAll);

      for (const [i, index] of ['*', encodeURIComponent(`../${ctx.other.tenant.slug}`)].entries()) {
        const m = ctx.marker(`esdocrefused${i}`);
        const res = await post(
          `${ctx.sut.esUrl}/${index}/_doc`,
          key,
          JSON.stringify(doc(ctx, m)),
          json,
        );
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: { type: 'invalid_index_name_exception' } });
        ctx.self.refused.push(m);
      }
    },
  },
  {
    name: '/api/v1/logs NDJSON, JSON array and text, with the other tenant as dataset and fields',
    async ship(ctx) {
      const key = ctx.self.tenant.ingestKey;
      const url = `${ctx.sut.url}/api/v1/logs?dataset=${ctx.other.tenant.slug}&service=${ctx.self.service}`;
      const nd = [0, 1].map((i) => ctx.marker(`apindjson${i}`));
      const res1 = await post(
        url,
        key,
        ndjson([
          doc(ctx, nd[0]!, { tenant: ctx.other.tenant.slug }),
          doc(ctx, nd[1]!, { tenantId: ctx.other.tenant.id, '@tenant': ctx.other.tenant.slug }),
        ]),
        'application/x-ndjson',
      );
      expect(res1).toMatchObject({ status: 200, body: { accepted: 2, rejected: 0 } });

      const arr = [0, 1].map((i) => ctx.marker(`apiarray${i}`));
      const res2 = await post(
        url,
        key,
        JSON.stringify(arr.map((m) => doc(ctx, m, { tenant_id: ctx.other.tenant.id }))),
        'application/json',
      );
      expect(res2).toMatchObject({ status: 200, body: { accepted: 2, rejected: 0 } });

      const text = [0, 1].map((i) => ctx.marker(`apitext${i}`));
      const res3 = await post(
        url,
        key,
        text.map((m) => `${m} tenant=${ctx.other.tenant.slug} plain line`).join('\n'),
        'text/plain',
      );
      expect(res3).toMatchObject({ status: 200, body: { accepted: 2, rejected: 0 } });
      ctx.self.stored.push(...nd, ...arr, ...text);
    },
  },
];

const RECORD_FIELDS = 'id body service host dataset format severityText traceId attributes';

interface LogsReply {
  logs: {
    totalCount: number;
    edges: Array<{ cursor: string; node: { body: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function logs(ctx: ReadContext, filter: Record<string, unknown>, first = 1000) {
  const res = await ctx.sut.graphql<LogsReply>(
    ctx.self.tenant.adminKey,
    `query($f: LogFilter!, $n: Int) { logs(filter: $f, first: $n) {
       totalCount edges { cursor node { ${RECORD_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
    { f: filter, n: first },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.logs;
}

const READ_PATHS: ReadPath[] = [
  {
    name: 'logs without a query: every own record, nothing else',
    async read(ctx) {
      const page = await logs(ctx, {});
      expect(page.totalCount).toBe(ctx.self.stored.length);
      const text = JSON.stringify(page);
      for (const m of ctx.self.stored) expect(text).toContain(m);
      return page;
    },
  },
  {
    name: 'logs text search for each of the other tenant’s markers',
    async read(ctx) {
      const pages = [];
      for (const m of [...ctx.other.stored, ...ctx.other.refused]) {
        const page = await logs(ctx, { query: m });
        expect({ m, n: page.totalCount, edges: page.edges.length }).toEqual({ m, n: 0, edges: 0 });
        pages.push(page);
      }
      return pages;
    },
  },
  {
    name: 'logs text search for each own marker finds exactly it',
    async read(ctx) {
      const pages = [];
      for (const m of ctx.self.stored) {
        const page = await logs(ctx, { query: m });
        expect({ m, n: page.totalCount }).toEqual({ m, n: 1 });
        pages.push(page);
      }
      for (const m of ctx.self.refused) {
        expect((await logs(ctx, { query: m })).totalCount).toBe(0);
      }
      return pages;
    },
  },
  {
    name: 'logs field queries naming the other tenant',
    async read(ctx) {
      const { other, self } = ctx;
      const queries = [
        `service:${other.service}`,
        `host:${other.host}`,
        `dataset:${other.dataset}`,
        `dataset:${self.tenant.slug}`,
        `marker:${other.stored[0]}`,
        `tenant:${self.tenant.slug}`,
        `tenant_id:"${self.tenant.id}"`,
        `tenantId:"${self.tenant.id}"`,
        `traceId:${other.traceId}`,
        `${other.service} OR ${other.host} OR ${other.stored.join(' OR ')}`,
        `NOT ${self.service}`,
      ];
      // Only the answers are returned: the queries themselves name the other tenant's tokens.
      const pages = [];
      for (const query of queries) pages.push(await logs(ctx, { query }));
      return pages;
    },
  },
  {
    name: 'logs filtered by the other tenant’s trace id and service',
    async read(ctx) {
      const byTrace = await logs(ctx, { traceId: ctx.other.traceId });
      expect(byTrace.totalCount).toBe(0);
      const byService = await logs(ctx, { services: [ctx.other.service] });
      expect(byService.totalCount).toBe(0);
      const own = await logs(ctx, { traceId: ctx.self.traceId });
      expect(own.totalCount).toBeGreaterThan(0);
      return [byTrace, byService, own];
    },
  },
  {
    name: 'pagination: own cursors page on, the other tenant’s and edited ones are refused',
    async read(ctx) {
      const first = await logs(ctx, {}, 2);
      const cursor = first.pageInfo.endCursor!;
      const next = await logs(ctx, {}, 1000);
      const after = await ctx.sut.graphql<LogsReply>(
        ctx.self.tenant.adminKey,
        `query($c: String) { logs(filter: {}, first: 1000, after: $c) { totalCount edges { node { body } } } }`,
        { c: cursor },
      );
      expect(after.data?.logs.edges).toHaveLength(next.edges.length - 2);

      // A cursor issued to the other tenant, and one edited to point elsewhere.
      const theirs = await ctx.sut.graphql<LogsReply>(
        ctx.other.tenant.adminKey,
        `query { logs(filter: {}, first: 1) { pageInfo { endCursor } } }`,
      );
      const foreign = theirs.data!.logs.pageInfo.endCursor!;
      const [position, mac] = cursor.split('.') as [string, string];
      const [ts, id] = Buffer.from(position, 'base64url').toString().split(':') as [string, string];
      const edited = `${Buffer.from(`${Number(ts) + 86_400_000}:${id}`).toString('base64url')}.${mac}`;
      const refused = [];
      for (const bad of [foreign, edited]) {
        const res = await ctx.sut.graphql(
          ctx.self.tenant.adminKey,
          `query($c: String) { logs(filter: {}, after: $c) { edges { node { body } } } }`,
          { c: bad },
        );
        expect(res.data).toBeNull();
        expect(res.errors?.[0]?.extensions?.code).toBe('BAD_CURSOR');
        refused.push(res);
      }
      return [after, refused];
    },
  },
  {
    name: 'logHistogram',
    async read(ctx) {
      const hist = async (filter: Record<string, unknown>) => {
        const res = await ctx.sut.graphql<{ logHistogram: Array<{ count: number }> }>(
          ctx.self.tenant.adminKey,
          `query($f: LogFilter!) { logHistogram(filter: $f, interval: "1h") { start count } }`,
          { f: filter },
        );
        expect(res.errors).toBeUndefined();
        return res.data!.logHistogram;
      };
      const sum = (buckets: Array<{ count: number }>) => buckets.reduce((n, b) => n + b.count, 0);
      const all = await hist({});
      expect(sum(all)).toBe(ctx.self.stored.length);
      const theirs = await hist({ query: ctx.other.stored.join(' OR ') });
      expect(sum(theirs)).toBe(0);
      const theirService = await hist({ services: [ctx.other.service] });
      expect(sum(theirService)).toBe(0);
      return [all, theirs, theirService];
    },
  },
  {
    name: 'logFacets: service, host, dataset, level, traceId and attributes',
    async read(ctx) {
      const facets = async (field: string) => {
        const res = await ctx.sut.graphql<{ logFacets: Array<{ value: string; count: number }> }>(
          ctx.self.tenant.adminKey,
          `query($f: String!) { logFacets(filter: {}, field: $f, size: 1000) { value count } }`,
          { f: field },
        );
        expect(res.errors).toBeUndefined();
        return res.data!.logFacets;
      };
      const out: Record<string, unknown> = {};
      for (const field of [
        'service',
        'host',
        'dataset',
        'level',
        'traceId',
        'format',
        'marker',
        'tenant',
        'tenant_id',
        'tenantId',
        '@tenant',
      ]) {
        out[field] = await facets(field);
      }
      expect(out.service).toEqual([{ value: ctx.self.service, count: ctx.self.stored.length }]);
      const markers = (out.marker as Array<{ value: string }>).map((f) => f.value).sort();
      // The text lines carry no `marker` attribute.
      expect(markers).toEqual(ctx.self.stored.filter((m) => !m.includes('apitext')).sort());
      return out;
    },
  },
];

const TAIL = `subscription { logTail(filter: {}) { ${RECORD_FIELDS} } }`;
const clients: Client[] = [];

const LIVE_READ_PATHS: LiveReadPath[] = [
  {
    name: 'logTail subscription over graphql-ws',
    async start(ctx) {
      const client = createClient({
        url: ctx.sut.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${ctx.self.tenant.adminKey}` },
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      const received: Array<{ body: string }> = [];
      // Settles once every record this tenant stored has arrived; checked on each event and
      // when asked, since the last event may come before the suite asks.
      let complete!: () => void;
      const allArrived = new Promise<void>((r) => (complete = r));
      let asked = false;
      const check = () => {
        const seen = received.map((r) => r.body).join('\n');
        if (asked && ctx.self.stored.every((m) => seen.includes(m))) complete();
      };
      const iterator = client.iterate<{ logTail: { body: string } }>({ query: TAIL });
      const failed = (async () => {
        for await (const event of iterator) {
          if (event.errors) throw new Error(JSON.stringify(event.errors));
          received.push(event.data!.logTail);
          check();
        }
        throw new Error('the subscription ended');
      })();
      await new Promise((r) => setTimeout(r, 500)); // the subscription reaches Redis
      const received_ = async () => {
        asked = true;
        check();
        await withTimeout(Promise.race([allArrived, failed]), 15_000);
        // Anything of the other tenant would have been published with the same writes.
        await new Promise((r) => setTimeout(r, 300));
        return [...received];
      };
      return { received: received_ };
    },
  },
];

describe('tenant isolation', () => {
  let sut: TestVigil;
  let a: Side;
  let b: Side;
  const live: Array<{ name: string; self: Side; other: Side; received(): Promise<unknown> }> = [];

  const side = (label: 'a' | 'b', tenant: TestTenant): Side => ({
    label,
    tenant,
    service: `svc${label}${RUN}`,
    host: `host${label}${RUN}`,
    dataset: `ds${label}${RUN}`,
    traceId: `${label.repeat(8)}${RUN}${'0'.repeat(16)}`,
    stored: [],
    refused: [],
  });

  beforeAll(async () => {
    sut = await TestVigil.start();
    // Slugs that read like index names, so that naming the other tenant as an index is tempting.
    a = side('a', await sut.createTenant(`iso-a-${RUN}`));
    b = side('b', await sut.createTenant(`iso-b-${RUN}`));
    for (const path of LIVE_READ_PATHS) {
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        live.push({ name: path.name, self, other, ...(await path.start({ sut, self, other })) });
      }
    }
    for (const path of INGEST_PATHS) {
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        let n = 0;
        await path.ship({
          sut,
          self,
          other,
          marker: (item) => `mk${self.label}${RUN}${item}n${n++}end`,
        });
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await sut.close();
  });

  /** Everything that belongs to `side` alone: none of it may appear in the other's reads. */
  const privateTokens = (s: Side) => [
    ...s.stored,
    ...s.refused,
    s.service,
    s.host,
    s.dataset,
    s.traceId,
  ];

  const expectNoLeak = (self: Side, other: Side, received: unknown) => {
    const text = JSON.stringify(received).toLowerCase();
    const leaked = privateTokens(other).filter((t) => text.includes(t.toLowerCase()));
    expect({ viewer: self.tenant.slug, leaked }).toEqual({ viewer: self.tenant.slug, leaked: [] });
  };

  it('stored each tenant’s records under its own tenant, whatever the request named', () => {
    expect(a.stored.length).toBeGreaterThan(20);
    expect(b.stored.length).toBe(a.stored.length);
    expect(a.refused.length).toBeGreaterThan(0);
  });

  describe.each(READ_PATHS.map((p) => [p.name, p] as const))('%s', (_name, path) => {
    it('shows tenant A nothing of B', async () => {
      expectNoLeak(a, b, await path.read({ sut, self: a, other: b }));
    });
    it('shows tenant B nothing of A', async () => {
      expectNoLeak(b, a, await path.read({ sut, self: b, other: a }));
    });
  });

  describe.each(LIVE_READ_PATHS.map((p) => [p.name] as const))('%s', (name) => {
    it('delivers each tenant all of its own records and nothing of the other’s', async () => {
      for (const probe of live.filter((l) => l.name === name)) {
        const received = await probe.received();
        const text = JSON.stringify(received);
        for (const m of probe.self.stored) expect(text).toContain(m);
        expectNoLeak(probe.self, probe.other, received);
      }
    });
  });
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}
