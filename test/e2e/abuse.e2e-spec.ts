import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { basicAuth, ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

type GqlBody = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

const MAX_DOC_BYTES = 256 * 1024;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A gzip body that inflates to `inflated` zero bytes (about 1 KiB of gzip per MiB). */
async function zipBomb(inflated: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const zeros = Buffer.alloc(1024 * 1024);
  const gzip = createGzip({ level: 9 });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const feeding = (async () => {
    for (let sent = 0; sent < inflated; sent += zeros.length) {
      if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
    }
    gzip.end();
  })();
  await Promise.all([feeding, pipeline(gzip, sink)]);
  return Buffer.concat(chunks);
}

function nestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('abuse: hostile requests get a 4xx or a GraphQL error and cost nothing else', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start({
      INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      INGEST_MAX_DOCUMENT_BYTES: String(MAX_DOC_BYTES),
    });
    tenant = await sut.createTenant('abuse');
  });
  afterAll(async () => {
    await sut.close();
  });

  afterEach(async () => {
    const res = await fetch(`${sut.url}/healthz`);
    expect(res.status).toBe(200);
  });

  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${sut.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlBody };
  };

  const bulk = async (lines: string[]) => {
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(tenant.ingestKey),
        'content-type': 'application/x-ndjson',
      },
      body: lines.join('\n') + '\n',
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        errors: boolean;
        items: Array<Record<string, { status: number; error?: { reason: string } }>>;
      },
    };
  };

  const search = async (query: string) => {
    const { body } = await post(
      `query($f: LogFilter!) { logs(filter: $f, first: 100) { edges { node { body attributes } } } }`,
      { f: { query } },
    );
    expect(body.errors).toBeUndefined();
    const logs = body.data?.['logs'] as {
      edges: Array<{ node: { body: string; attributes: Record<string, unknown> } }>;
    };
    return logs.edges.map((e) => e.node);
  };

  const statuses = (items: Array<Record<string, { status: number }>>) =>
    items.map((item) => Object.values(item)[0]?.status);

  describe('GraphQL', () => {
    it('refuses a query nested past the depth limit', async () => {
      let selection = 'body';
      for (let i = 0; i < 40; i++) selection = `node { ${selection} }`;
      const { status, body } = await post(`{ logs(filter: {}) { edges { ${selection} } } }`);
      expect(status).toBe(400);
      expect(body.errors?.map((e) => e.message).join(' ')).toMatch(/depth limit of 12/i);
    });

    it('applies the same limits to graphql-ws subscriptions', async () => {
      const client = createClient({
        url: sut.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { apiKey: tenant.adminKey },
        retryAttempts: 0,
        lazy: true,
      });
      try {
        let selection = 'body';
        for (let i = 0; i < 40; i++) selection = `attributes { ${selection} }`;
        const errors = await new Promise<unknown>((resolve) => {
          client.subscribe(
            { query: `subscription { logTail(filter: {}) { ${selection} } }` },
            { next: (v) => resolve(v.errors), error: resolve, complete: () => resolve(null) },
          );
        });
        expect(JSON.stringify(errors)).toMatch(/depth limit of 12/i);
      } finally {
        await client.dispose();
      }
    });

    it('closes a graphql-ws connection that sends an oversized message with 1009', async () => {
      const socket = new WebSocket(sut.wsUrl, 'graphql-transport-ws');
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const closed = new Promise<number>((resolve) =>
        socket.once('close', (code) => resolve(code)),
      );
      // 64 KiB is the default cap; this connection_init carries 256 KiB of padding.
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { apiKey: tenant.adminKey, pad: 'x'.repeat(256 * 1024) },
        }),
      );
      expect(await closed).toBe(1009);
    });

    it('refuses alias amplification', async () => {
      const aliases = Array.from(
        { length: 50 },
        (_, i) => `a${i}: logs(filter: {}) { totalCount }`,
      );
      const { status, body } = await post(`{ ${aliases.join(' ')} }`);
      expect(status).toBe(400);
      expect(body.errors?.map((e) => e.message).join(' ')).toMatch(/aliases limit of 15/i);
    });

    it.each([
      ['a literal', `{ logs(filter: {}, first: 100000) { edges { cursor } } }`, {}],
      [
        'a variable',
        `query($n: Int) { logs(filter: {}, first: $n) { edges { cursor } } }`,
        { n: 100000 },
      ],
    ])('refuses a page size above 1000 given as %s', async (_how, query, variables) => {
      const { status, body } = await post(query, variables);
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({
        message: 'logs(first: 100000): first must be at most 1000',
        extensions: { code: 'BAD_USER_INPUT', maxPageSize: 1000 },
      });
    });

    it('refuses a cost bomb made of pages within the limits', async () => {
      const page = `logs(filter: {}, first: 1000) { totalCount edges { cursor node { body service host severityText } } }`;
      const aliases = Array.from({ length: 10 }, (_, i) => `p${i}: ${page}`);
      const { status, body } = await post(`{ ${aliases.join(' ')} }`);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'COST_LIMIT_EXCEEDED',
        maxCost: 10000,
      });
      expect(body.errors?.[0]?.extensions?.['cost']).toBeGreaterThan(10000);
    });

    it('refuses a batched array of operations', async () => {
      const res = await fetch(`${sut.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminKey}` },
        body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ __typename }' }))),
      });
      expect(res.status).toBe(400);
    });

    it('refuses GET and multipart requests that lack the CSRF preflight header', async () => {
      const auth = { authorization: `Bearer ${tenant.adminKey}` };
      const url = `${sut.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
      const simpleGet = await fetch(url, { headers: auth });
      expect(simpleGet.status).toBe(400);
      expect(await simpleGet.text()).toMatch(/CSRF/);

      const form = new FormData();
      form.append('operations', JSON.stringify({ query: '{ __typename }' }));
      const multipart = await fetch(`${sut.url}/graphql`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      expect(multipart.status).toBeGreaterThanOrEqual(400);
      expect(multipart.status).toBeLessThan(500);

      const preflighted = await fetch(url, {
        headers: { ...auth, 'apollo-require-preflight': 'true' },
      });
      expect(preflighted.status).toBe(200);
    });

    it('refuses introspection outside development', async () => {
      const { body } = await post('{ __schema { types { name } } }');
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    });

    it('refuses prototype-pollution keys in variables and pollutes nothing', async () => {
      const res = await fetch(`${sut.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminKey}` },
        body: `{"query":"query($f: LogFilter!) { logs(filter: $f) { edges { cursor } } }","variables":{"f":{"__proto__":{"polluted":true},"query":"x"}}}`,
      });
      expect(res.status).toBe(400);
      const constructorKey = await post(
        `query($f: LogFilter!) { logs(filter: $f) { edges { cursor } } }`,
        { f: { constructor: { prototype: { polluted: true } } } },
      );
      expect(constructorKey.status).toBeGreaterThanOrEqual(400);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  describe('ingest', () => {
    it('answers a zip bomb with 413 without inflating it in memory', async () => {
      const bomb = await zipBomb(512 * 1024 * 1024);
      expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
      const before = process.memoryUsage().rss;
      for (const url of [`${sut.esUrl}/_bulk`, `${sut.url}/api/v1/logs`]) {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: basicAuth(tenant.ingestKey),
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
          },
          body: bomb,
        });
        expect(res.status).toBe(413);
        await res.arrayBuffer();
      }
      // Inflating it would take 512 MiB; the limit stops at 8 MiB.
      expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
    });

    it('stores prototype-pollution keys as plain data and pollutes no prototype', async () => {
      const hostile = `{"message":"proto-bulk","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"nested":{"__proto__":{"admin":true}}}`;
      const { status, body } = await bulk([
        '{"create":{"_index":"abuse"}}',
        hostile,
        '{"create":{"_index":"abuse"}}',
        '{"message":"proto-neighbour"}',
      ]);
      expect(status).toBe(200);
      expect(statuses(body.items)).toEqual([201, 201]);

      const api = await fetch(`${sut.url}/api/v1/logs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.ingestKey}`,
          'content-type': 'application/json',
        },
        body: `[{"message":"proto-api","__proto__":{"polluted":"yes"},"prototype":{"x":1}}]`,
      });
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ accepted: 1, rejected: 0 });

      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
      const [stored] = await search('"proto-bulk"');
      expect(stored?.attributes).toMatchObject({
        '__proto__.polluted': 'yes',
        'constructor.prototype.polluted': 'yes',
        'nested.__proto__.admin': true,
      });
      expect(await search('"proto-api"')).toHaveLength(1);
      expect(await search('"proto-neighbour"')).toHaveLength(1);
    });

    it('keeps a bounded slice of a 10,000-field document and stores its neighbours', async () => {
      const fields = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i]));
      const { status, body } = await bulk([
        '{"create":{"_index":"abuse"}}',
        JSON.stringify({ message: 'wide-doc', ...fields }),
        '{"create":{"_index":"abuse"}}',
        '{"message":"wide-neighbour"}',
      ]);
      expect(status).toBe(200);
      expect(statuses(body.items)).toEqual([201, 201]);
      const [wide] = await search('"wide-doc"');
      expect(Object.keys(wide?.attributes ?? {}).length).toBeLessThanOrEqual(300);
      expect(await search('"wide-neighbour"')).toHaveLength(1);
    });

    it('rejects a very deep document on its own, on both ingest endpoints', async () => {
      // Deep enough that JSON.stringify would overflow the stack, small enough for the size limit.
      const deep = nestedJson(40_000);
      const { status, body } = await bulk([
        '{"create":{"_index":"abuse"}}',
        `{"message":"deep-bulk","x":${deep}}`,
        '{"create":{"_index":"abuse"}}',
        '{"message":"deep-neighbour-bulk"}',
      ]);
      expect(status).toBe(200);
      expect(statuses(body.items)).toEqual([400, 201]);
      expect(Object.values(body.items[0] ?? {})[0]?.error?.reason).toBe(
        'the document nests deeper than 32 levels',
      );

      const api = await fetch(`${sut.url}/api/v1/logs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.ingestKey}`,
          'content-type': 'application/x-ndjson',
        },
        body: `{"message":"deep-api","x":${nestedJson(40)}}\n{"message":"deep-neighbour-api"}\n`,
      });
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual({
        accepted: 1,
        rejected: 1,
        errors: [{ index: 0, error: 'the document nests deeper than 32 levels' }],
      });
      expect(await search('"deep-neighbour-bulk"')).toHaveLength(1);
      expect(await search('"deep-neighbour-api"')).toHaveLength(1);
    });

    it('rejects over-long lines on their own in bulk, NDJSON and text bodies', async () => {
      const long = JSON.stringify({ message: 'long-line', pad: 'x'.repeat(MAX_DOC_BYTES) });
      const { body } = await bulk([
        '{"create":{"_index":"abuse"}}',
        long,
        '{"create":{"_index":"abuse"}}',
        '{"message":"long-neighbour-bulk"}',
      ]);
      expect(statuses(body.items)).toEqual([400, 201]);
      expect(Object.values(body.items[0] ?? {})[0]?.error?.reason).toMatch(
        /more than the limit of 262144/,
      );

      for (const [type, lines] of [
        ['application/x-ndjson', [long, '{"message":"long-neighbour-ndjson"}']],
        ['text/plain', ['y'.repeat(MAX_DOC_BYTES + 1), 'long-neighbour-text']],
      ] as const) {
        const res = await fetch(`${sut.url}/api/v1/logs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': type },
          body: lines.join('\n'),
        });
        expect(res.status).toBe(200);
        const result = (await res.json()) as { accepted: number; errors: Array<{ index: number }> };
        expect(result).toMatchObject({ accepted: 1, rejected: 1 });
        expect(result.errors[0]?.index).toBe(0);
      }
      expect(await search('"long-neighbour-bulk"')).toHaveLength(1);
      expect(await search('"long-neighbour-ndjson"')).toHaveLength(1);
      expect(await search('"long-neighbour-text"')).toHaveLength(1);
    });
  });
});

describe('abuse: rate limits', () => {
  let sut: TestVigil;
  const clients: Client[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start({
      RATE_LIMIT_GRAPHQL_PER_SECOND: '1',
      RATE_LIMIT_GRAPHQL_BURST: '3',
      RATE_LIMIT_INGEST_REQUESTS_PER_SECOND: '1',
      RATE_LIMIT_INGEST_RECORDS_PER_SECOND: '10',
      RATE_LIMIT_SUBSCRIBE_PER_MINUTE: '2',
      RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_TENANT: '1',
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await sut.close();
  });

  it('answers GraphQL over the per-credential limit with 429, Retry-After and RATE_LIMITED', async () => {
    const t = await sut.createTenant('rl-graphql');
    const other = await sut.createTenant('rl-graphql-other');
    const ask = (key: string) =>
      fetch(`${sut.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(t.adminKey));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3] as Response;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'RATE_LIMITED', retryAfter: 1 } }],
    });
    // Another credential is not affected.
    expect((await ask(other.adminKey)).status).toBe(200);
  });

  it('answers ingest over the per-tenant request limit with 429 and an ES error body', async () => {
    const t = await sut.createTenant('rl-requests');
    const statusesSeen: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 6; i++) {
      last = await fetch(`${sut.esUrl}/_bulk`, {
        method: 'POST',
        headers: { authorization: basicAuth(t.ingestKey), 'content-type': 'application/x-ndjson' },
        body: ndjson([{ create: { _index: 'rl' } }, { message: `r${i}` }]),
      });
      statusesSeen.push(last.status);
    }
    expect(statusesSeen).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last?.headers.get('retry-after')).toBe('1');
    expect(await last?.json()).toMatchObject({
      status: 429,
      error: { type: 'es_rejected_execution_exception' },
    });
  });

  it('charges records per tenant: a large batch passes once, the next waits', async () => {
    const t = await sut.createTenant('rl-records');
    const send = () =>
      fetch(`${sut.url}/api/v1/logs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ message: `rec ${i}` }))),
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 100 });
    // The charge is settled asynchronously; a refused request costs nothing, so poll a little.
    let second = await send();
    for (let i = 0; i < 20 && second.status === 200; i++) second = await send();
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await second.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('limits subscribe attempts per credential and open subscriptions per tenant', async () => {
    const t = await sut.createTenant('rl-subs');
    const client = createClient({
      url: sut.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: t.adminKey },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    const query = 'subscription { logTail(filter: {}) { body } }';
    const subscribe = () =>
      new Promise<{ errors?: unknown; unsubscribe: () => void; open: Promise<void> }>((resolve) => {
        let settled = false;
        const unsubscribe = client.subscribe(
          { query },
          {
            next: (v) => {
              if (!settled) resolve({ errors: v.errors, unsubscribe, open: Promise.resolve() });
              settled = true;
            },
            error: (errors) => {
              if (!settled) resolve({ errors, unsubscribe, open: Promise.resolve() });
              settled = true;
            },
            complete: () => undefined,
          },
        );
        // An accepted subscription sends nothing until a record arrives.
        setTimeout(() => {
          if (!settled) resolve({ unsubscribe, open: Promise.resolve() });
          settled = true;
        }, 1500);
      });

    const first = await subscribe();
    expect(first.errors).toBeUndefined();
    const second = await subscribe();
    expect(JSON.stringify(second.errors)).toMatch(/RATE_LIMITED/);
    expect(JSON.stringify(second.errors)).toMatch(/open subscriptions/);
    const third = await subscribe();
    expect(JSON.stringify(third.errors)).toMatch(/too many subscribe attempts/);
    first.unsubscribe();
    expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });
});
