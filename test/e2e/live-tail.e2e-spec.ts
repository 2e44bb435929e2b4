import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const TAIL = `subscription($f: LogFilter!) { logTail(filter: $f) { body service severityText dataset } }`;

interface Tailed {
  body: string;
  service: string;
  severityText: string;
}

describe('logTail subscription over graphql-ws', () => {
  let sut: TestVigil;
  let a: TestTenant;
  let b: TestTenant;
  const clients: Client[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start();
    a = await sut.createTenant('tail-a');
    b = await sut.createTenant('tail-b');
  });
  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await sut.close();
  });

  const client = (connectionParams: Record<string, unknown>, onClose?: (code: number) => void) => {
    const c = createClient({
      url: sut.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      on: onClose ? { closed: (e) => onClose((e as { code: number }).code) } : undefined,
    });
    clients.push(c);
    return c;
  };

  const ship = async (key: string, docs: unknown[]) => {
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: ndjson(docs.flatMap((d) => [{ create: { _index: 'tail' } }, d])),
    });
    expect(((await res.json()) as { errors: boolean }).errors).toBe(false);
  };

  /** Collects `n` records from a subscription, or fails after a few seconds. */
  const collect = (c: Client, filter: Record<string, unknown>, n: number) => {
    const received: Tailed[] = [];
    let ready!: () => void;
    const subscribed = new Promise<void>((r) => (ready = r));
    const done = (async () => {
      const iterator = c.iterate<{ logTail: Tailed }>({ query: TAIL, variables: { f: filter } });
      ready();
      for await (const event of iterator) {
        if (event.errors) throw new Error(JSON.stringify(event.errors));
        received.push(event.data!.logTail);
        if (received.length >= n) break;
      }
      return received;
    })();
    return { subscribed, done };
  };

  const settle = () => new Promise((r) => setTimeout(r, 400)); // the subscription reaches Redis

  it('delivers matching records of the caller’s tenant only', async () => {
    const tailA = collect(
      client({ authorization: `Bearer ${a.adminKey}` }),
      { query: 'checkout', levels: ['error'] },
      2,
    );
    const tailB = collect(client({ apiKey: b.adminKey }), {}, 1);
    await Promise.all([tailA.subscribed, tailB.subscribed]);
    await settle();

    await ship(a.ingestKey, [
      { message: 'checkout failed: card declined', level: 'error', service: 'shop' },
      { message: 'checkout ok', level: 'info', service: 'shop' },
      { message: 'inventory low', level: 'error', service: 'stock' },
      { message: 'checkout timeout talking to bank', level: 'ERROR', service: 'shop' },
    ]);
    await ship(b.ingestKey, [{ message: 'tenant b only', level: 'info', service: 'other' }]);

    const gotA = await withTimeout(tailA.done, 8000);
    expect(gotA.map((r) => r.body)).toEqual([
      'checkout failed: card declined',
      'checkout timeout talking to bank',
    ]);
    const gotB = await withTimeout(tailB.done, 8000);
    expect(gotB.map((r) => r.body)).toEqual(['tenant b only']);
  });

  it('fans records out across replicas through Redis', async () => {
    const other = await sut.replica();
    try {
      const tail = collect(
        client({ authorization: `Bearer ${a.adminKey}` }),
        { query: 'replicated' },
        1,
      );
      await tail.subscribed;
      await settle();
      // Shipped to the other replica; the subscription lives on the first one.
      const res = await fetch(`${other.esUrl}/_bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.ingestKey}`, 'content-type': 'application/x-ndjson' },
        body: ndjson([{ create: { _index: 'tail' } }, { message: 'replicated through redis' }]),
      });
      expect(res.status).toBe(200);
      const got = await withTimeout(tail.done, 8000);
      expect(got.map((r) => r.body)).toEqual(['replicated through redis']);
    } finally {
      await other.close();
    }
  });

  it('sends the backfill from the store first, oldest first, then live records', async () => {
    await ship(a.ingestKey, [
      { message: 'backfill one', '@timestamp': new Date(Date.now() - 3000).toISOString() },
      { message: 'backfill two', '@timestamp': new Date(Date.now() - 2000).toISOString() },
      { message: 'backfill three', '@timestamp': new Date(Date.now() - 1000).toISOString() },
      { message: 'not matching' },
    ]);
    const c = client({ authorization: `Bearer ${a.adminKey}` });
    const received: string[] = [];
    const iterator = c.iterate<{ logTail: Tailed }>({
      query: `subscription($f: LogFilter!) { logTail(filter: $f, backfill: 2) { body } }`,
      variables: { f: { query: 'backfill' } },
    });
    const done = (async () => {
      for await (const event of iterator) {
        if (event.errors) throw new Error(JSON.stringify(event.errors));
        received.push(event.data!.logTail.body);
        if (received.length === 2) {
          await settle();
          await ship(a.ingestKey, [{ message: 'backfill live' }]);
        }
        if (received.length >= 3) break;
      }
      return received;
    })();
    expect(await withTimeout(done, 8000)).toEqual([
      'backfill two',
      'backfill three',
      'backfill live',
    ]);
  });

  it('refuses a backfill larger than a page', async () => {
    const c = client({ authorization: `Bearer ${a.adminKey}` });
    const iterator = c.iterate({
      query: 'subscription { logTail(filter: {}, backfill: 5000) { body } }',
    });
    const first = await withTimeout(iterator.next(), 5000);
    expect(JSON.stringify(first.value)).toMatch(/backfill must be an integer from 0 to 1000/);
  });

  it('closes a connection without a valid key with 4401, and one without read scope with 4403', async () => {
    const codes: number[] = [];
    const bad = client({ authorization: 'Bearer not-a-key' }, (code) => codes.push(code));
    await expect(withTimeout(collect(bad, {}, 1).done, 5000)).rejects.toBeDefined();
    const ingestOnly = client({ authorization: `Bearer ${a.ingestKey}` }, (code) =>
      codes.push(code),
    );
    await expect(withTimeout(collect(ingestOnly, {}, 1).done, 5000)).rejects.toBeDefined();
    expect(codes).toEqual([4401, 4403]);
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
