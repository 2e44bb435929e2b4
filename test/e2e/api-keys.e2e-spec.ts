import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { WsSessions } from 'src/common/graphql/ws-sessions';

import { type TestTenant, TestVigil } from '../support/test-vigil';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const KEY_FIELDS = 'id name prefix scopes createdAt lastUsedAt expiresAt revokedAt';
const CREATE = `mutation($name: String!, $scopes: [ApiKeyScope!]!, $expiresAt: DateTime) {
  createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) { secret key { ${KEY_FIELDS} } }
}`;
const ROTATE = `mutation($id: ID!, $overlap: Float!) {
  rotateApiKey(id: $id, overlapMinutes: $overlap) {
    secret key { ${KEY_FIELDS} } previous { ${KEY_FIELDS} }
  }
}`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`;
const LIST = `{ apiKeys { ${KEY_FIELDS} } }`;
const TAIL = `subscription { logTail(filter: {}) { body } }`;

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}
interface Issued {
  secret: string;
  key: KeyView;
  previous?: KeyView | null;
}

describe('API key lifecycle', () => {
  let sut: TestVigil;
  let replica: TestVigil;
  let t: TestTenant;
  const clients: Client[] = [];

  beforeAll(async () => {
    // Introspection (off outside development) shows which fields ApiKey exposes.
    sut = await TestVigil.start({ GRAPHQL_INTROSPECTION: 'true' });
    replica = await sut.replica();
    t = await sut.createTenant('keys');
  }, 60_000); // two app instances
  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await replica.close();
    await sut.close();
  });

  const create = async (
    by: string,
    name: string,
    scopes: string[],
    expiresAt?: Date,
  ): Promise<Issued> => {
    const res = await sut.graphql<{ createApiKey: Issued }>(by, CREATE, {
      name,
      scopes,
      expiresAt: expiresAt?.toISOString(),
    });
    expect(res.errors).toBeUndefined();
    return res.data!.createApiKey;
  };

  /** The HTTP status of a one-record ingest on `vigil`'s main port. */
  const ingest = async (vigil: TestVigil, key: string): Promise<number> => {
    const res = await fetch(`${vigil.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'key check' }),
    });
    await res.arrayBuffer();
    return res.status;
  };

  /** The HTTP status of a one-record _bulk on `vigil`'s ES port. */
  const bulk = async (vigil: TestVigil, key: string): Promise<number> => {
    const res = await fetch(`${vigil.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/x-ndjson' },
      body: '{"create":{"_index":"k"}}\n{"message":"key check"}\n',
    });
    await res.arrayBuffer();
    return res.status;
  };

  /** The GraphQL error code of a read with `key`, or 'OK'. */
  const read = async (vigil: TestVigil, key: string): Promise<string> => {
    const res = await vigil.graphql(
      key,
      `{ logs(filter: {}, first: 1) { pageInfo { hasNextPage } } }`,
    );
    return (res.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
  };

  const list = async (): Promise<KeyView[]> => {
    const res = await sut.graphql<{ apiKeys: KeyView[] }>(t.adminKey, LIST);
    expect(res.errors).toBeUndefined();
    return res.data!.apiKeys;
  };

  it('creates a key whose secret works once shown, and lists keys without secrets', async () => {
    const issued = await create(t.adminKey, 'shipper', ['INGEST', 'READ']);
    expect(issued.secret).toMatch(/^vgl_[0-9A-Za-z]{38}$/);
    expect(issued.key).toMatchObject({
      name: 'shipper',
      prefix: issued.secret.slice(0, 8),
      scopes: ['INGEST', 'READ'],
      expiresAt: null,
      revokedAt: null,
    });
    expect(await ingest(sut, issued.secret)).toBe(200);
    expect(await bulk(replica, issued.secret)).toBe(200);
    expect(await read(sut, issued.secret)).toBe('OK');

    const listed = await fetch(`${sut.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      body: JSON.stringify({ query: LIST }),
    }).then((r) => r.text());
    expect(listed).toContain(issued.key.id);
    expect(listed).not.toContain(issued.secret);
    expect(listed).not.toContain(issued.secret.slice(8));
    expect(listed).not.toContain(t.adminKey);
    const names = (await list()).map((k) => k.name).sort();
    expect(names).toEqual(['admin', 'ingest', 'shipper']);

    // Nothing in the schema can return a stored secret or hash.
    const type = await sut.graphql<{ __type: { fields: Array<{ name: string }> } }>(
      t.adminKey,
      `{ __type(name: "ApiKey") { fields { name } } }`,
    );
    expect(type.data!.__type.fields.map((f) => f.name).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
      'scopes',
    ]);

    // last_used_at is written in the background; it shows up shortly after the use.
    const used = await eventually(async () => {
      const k = (await list()).find((x) => x.id === issued.key.id);
      return k?.lastUsedAt ? k : null;
    });
    expect(Date.parse(used.lastUsedAt!)).toBeLessThanOrEqual(Date.now());
  }, 30_000);

  it('rotates: both keys work during the overlap, the old one is refused after it', async () => {
    const old = await create(t.adminKey, 'rotating', ['INGEST', 'READ']);
    expect(await ingest(sut, old.secret)).toBe(200);
    expect(await ingest(replica, old.secret)).toBe(200); // cached on both replicas

    const res = await sut.graphql<{ rotateApiKey: Issued }>(t.adminKey, ROTATE, {
      id: old.key.id,
      overlap: 0.05, // three seconds
    });
    expect(res.errors).toBeUndefined();
    const rotated = res.data!.rotateApiKey;
    expect(rotated.key).toMatchObject({ name: 'rotating', scopes: ['INGEST', 'READ'] });
    expect(rotated.key.id).not.toBe(old.key.id);
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.previous!.id).toBe(old.key.id);
    const overlapEnd = Date.parse(rotated.previous!.expiresAt!);
    expect(overlapEnd).toBeGreaterThan(Date.now());

    for (const vigil of [sut, replica]) {
      expect(await ingest(vigil, old.secret)).toBe(200);
      expect(await ingest(vigil, rotated.secret)).toBe(200);
    }
    await sleepUntil(overlapEnd + 50);
    for (const vigil of [sut, replica]) {
      expect(await ingest(vigil, old.secret)).toBe(401);
      expect(await bulk(vigil, old.secret)).toBe(401);
      expect(await read(vigil, old.secret)).toBe('UNAUTHENTICATED');
      expect(await ingest(vigil, rotated.secret)).toBe(200);
    }
    // An expired key cannot be rotated again.
    const again = await sut.graphql(t.adminKey, ROTATE, { id: old.key.id, overlap: 1 });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 30_000);

  it('revokes at once on every replica and closes the key’s live subscriptions with 4403', async () => {
    const issued = await create(t.adminKey, 'tail', ['READ', 'INGEST']);
    for (const vigil of [sut, replica]) {
      expect(await ingest(vigil, issued.secret)).toBe(200);
      expect(await read(vigil, issued.secret)).toBe('OK');
    }

    // A live tail on the replica with this key.
    let closedWith: (code: number) => void;
    const closed = new Promise<number>((r) => (closedWith = r));
    const client = createClient({
      url: replica.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${issued.secret}` },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (e) => closedWith((e as { code: number }).code) },
    });
    clients.push(client);
    const events: unknown[] = [];
    const tail = (async () => {
      for await (const e of client.iterate({ query: TAIL })) events.push(e);
    })();
    tail.catch(() => undefined);
    const sessions = replica.vigil.app.get(WsSessions);
    await eventually(async () => sessions.openConnections('api_key', issued.key.id) === 1 || null);

    const revoked = await sut.graphql<{ revokeApiKey: KeyView }>(t.adminKey, REVOKE, {
      id: issued.key.id,
    });
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();

    // Refused at once where it was revoked, and on the other replica as soon as the Redis
    // message arrives (milliseconds: the first request may race it), though both had it cached.
    expect(await ingest(sut, issued.secret)).toBe(401);
    await eventually(async () => ((await ingest(replica, issued.secret)) === 401 ? true : null));
    for (const vigil of [replica, sut]) {
      expect(await ingest(vigil, issued.secret)).toBe(401);
      expect(await bulk(vigil, issued.secret)).toBe(401);
      expect(await read(vigil, issued.secret)).toBe('UNAUTHENTICATED');
    }
    expect(await closed).toBe(4403);
    await expect(tail).rejects.toBeDefined();
    expect(sessions.openConnections('api_key', issued.key.id)).toBe(0);

    // A new connection with the revoked key is refused in connection_init.
    const codes: number[] = [];
    const late = createClient({
      url: replica.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: issued.secret },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (e) => codes.push((e as { code: number }).code) },
    });
    clients.push(late);
    await expect(
      (async () => {
        for await (const e of late.iterate({ query: TAIL })) events.push(e);
      })(),
    ).rejects.toBeDefined();
    expect(codes).toEqual([4401]);
    expect(events).toEqual([]);

    // Revoking again changes nothing; the list shows the revocation.
    const twice = await sut.graphql<{ revokeApiKey: KeyView }>(t.adminKey, REVOKE, {
      id: issued.key.id,
    });
    expect(twice.data!.revokeApiKey.revokedAt).toBe(revoked.data!.revokeApiKey.revokedAt);
    const listed = (await list()).find((k) => k.id === issued.key.id);
    expect(listed?.revokedAt).toBe(revoked.data!.revokeApiKey.revokedAt);
  }, 30_000);

  it('refuses a key once it expires, over HTTP and on open connections', async () => {
    const expiresAt = new Date(Date.now() + 2500);
    const issued = await create(t.adminKey, 'short-lived', ['INGEST', 'READ'], expiresAt);
    expect(issued.key.expiresAt).toBe(expiresAt.toISOString());
    expect(await ingest(sut, issued.secret)).toBe(200);
    expect(await read(replica, issued.secret)).toBe('OK');

    let closedWith: (code: number) => void;
    const closed = new Promise<number>((r) => (closedWith = r));
    const client = createClient({
      url: sut.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: issued.secret },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (e) => closedWith((e as { code: number }).code) },
    });
    clients.push(client);
    const tail = (async () => {
      for await (const e of client.iterate({ query: TAIL })) void e;
    })();
    tail.catch(() => undefined);

    await sleepUntil(expiresAt.getTime() + 50);
    for (const vigil of [sut, replica]) {
      expect(await ingest(vigil, issued.secret)).toBe(401);
      expect(await read(vigil, issued.secret)).toBe('UNAUTHENTICATED');
    }
    expect(await closed).toBe(4403);

    const past = await sut.graphql(t.adminKey, CREATE, {
      name: 'already expired',
      scopes: ['READ'],
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 30_000);

  it('lets only admin keys manage keys, and never grant more than they hold', async () => {
    const reader = await create(t.adminKey, 'reader', ['READ']);
    for (const [query, variables] of [
      [LIST, {}],
      [CREATE, { name: 'x', scopes: ['READ'] }],
      [REVOKE, { id: reader.key.id }],
      [ROTATE, { id: reader.key.id, overlap: 1 }],
    ] as const) {
      const res = await sut.graphql(reader.secret, query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await read(sut, reader.secret)).toBe('OK'); // the failed attempts revoked nothing

    const keyAdmin = await create(t.adminKey, 'key admin', ['ADMIN']);
    const up = await sut.graphql(keyAdmin.secret, CREATE, { name: 'x', scopes: ['INGEST'] });
    expect(up.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/cannot grant the ingest scope/),
    });
    const rotateUp = await sut.graphql(keyAdmin.secret, ROTATE, { id: reader.key.id, overlap: 1 });
    expect(rotateUp.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const same = await sut.graphql<{ createApiKey: Issued }>(keyAdmin.secret, CREATE, {
      name: 'another admin',
      scopes: ['ADMIN'],
    });
    expect(same.data?.createApiKey.key.scopes).toEqual(['ADMIN']);
  }, 30_000);

  it('rejects bad input clearly and keeps tenants apart', async () => {
    const other = await sut.createTenant('keys-other');
    const foreign = (await list())[0]!;
    for (const [query, variables, code] of [
      [REVOKE, { id: foreign.id }, 'NOT_FOUND'],
      [ROTATE, { id: foreign.id, overlap: 1 }, 'NOT_FOUND'],
      [REVOKE, { id: 'not-a-uuid' }, 'NOT_FOUND'],
      [CREATE, { name: '  ', scopes: ['READ'] }, 'BAD_USER_INPUT'],
      [CREATE, { name: 'none', scopes: [] }, 'BAD_USER_INPUT'],
    ] as const) {
      const res = await sut.graphql(other.adminKey, query, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
    }
    const mine = await create(other.adminKey, 'mine', ['READ']);
    for (const overlap of [-1, 1e9]) {
      const res = await sut.graphql(other.adminKey, ROTATE, { id: mine.key.id, overlap });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const otherList = await sut.graphql<{ apiKeys: KeyView[] }>(other.adminKey, LIST);
    expect(otherList.data!.apiKeys.map((k) => k.name).sort()).toEqual(['admin', 'ingest', 'mine']);
    expect(foreign.revokedAt).toBeNull();
    expect(await read(sut, t.adminKey)).toBe('OK');
  }, 30_000);

  it('creates, lists and revokes keys from the vigil CLI, reaching running replicas at once', async () => {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm test builds it)`);
    const env = { ...process.env, DATABASE_URL: sut.databaseUrl, REDIS_PREFIX: sut.redisPrefix };
    const vigil = (...args: string[]) => run(process.execPath, [CLI, ...args], { env });
    const created = await vigil('key', 'create', 'keys', 'from cli', '--scopes', 'ingest,read');
    const secret = /key (vgl_\w+)/.exec(created.stdout)?.[1];
    const id = /API key ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    for (const vigil of [sut, replica]) expect(await ingest(vigil, secret!)).toBe(200);

    const listed = await vigil('key', 'list', 'keys');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(secret);

    await vigil('key', 'revoke', 'keys', id!);
    for (const vigil of [sut, replica]) expect(await ingest(vigil, secret!)).toBe(401);

    await expect(vigil('key', 'create', 'keys', 'x', '--scopes', 'root')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--scopes must list/),
    });
  }, 60_000); // four CLI processes, each booting Nest
});

/** Polls `probe` until it returns something other than null (at most 10 s). */
async function eventually<T>(probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
