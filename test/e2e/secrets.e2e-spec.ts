import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { startVigil, type Vigil } from 'src/app.factory';
import { AppConfig } from 'src/config/app-config';
import { SecretsService } from 'src/modules/secrets/secrets.service';

import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

// Apps start in a few seconds, more on a busy machine.
jest.setTimeout(60_000);

type GraphqlResult = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
};

const SET = `mutation ($name: String!, $value: SecretValue!) {
  setSecret(name: $name, value: $value) { name createdAt updatedAt createdBy updatedBy sealedWith }
}`;

/**
 * Captures (and holds back) everything the process writes while a suite runs: Nest's logger,
 * console, TypeORM.
 */
class OutputCapture {
  readonly chunks: string[] = [];
  readonly #restore: Array<() => void> = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      stream.write = (chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      };
      this.#restore.push(() => {
        stream.write = write;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        this.chunks.push(
          args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
        );
      };
      this.#restore.push(() => {
        console[method] = original;
      });
    }
  }

  stop(): string {
    for (const restore of this.#restore.splice(0)) restore();
    return this.chunks.join('');
  }
}

/** Every row of every table in the public schema, as JSON text (what a dump would hold). */
async function dumpDatabase(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const out: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM ${name} t`,
      );
      out.push(...rows.rows.map((r) => `${name}: ${r.j}`));
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Counts rows whose text, JSON or binary columns contain `needle`, column by column. */
async function grepColumns(url: string, needle: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ t: string; c: string; type: string }>(
      `SELECT quote_ident(table_name) AS t, quote_ident(column_name) AS c, data_type AS type
         FROM information_schema.columns c
         JOIN information_schema.tables USING (table_schema, table_name)
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY', 'USER-DEFINED')`,
    );
    const hits: string[] = [];
    for (const { t, c, type } of columns.rows) {
      const test =
        type === 'bytea'
          ? `position(convert_to($1, 'UTF8') IN ${c}) > 0`
          : `strpos(${c}::text, $1) > 0`;
      const found = await client.query(`SELECT 1 FROM ${t} WHERE ${test} LIMIT 1`, [needle]);
      if (found.rowCount) hits.push(`${t}.${c}`);
    }
    return hits;
  } finally {
    await client.end();
  }
}

describe('secrets at rest', () => {
  const capture = new OutputCapture();
  const responses: string[] = [];
  let sut: TestVigil;
  let a: TestTenant;
  let b: TestTenant;
  const marker = (n: number) => `plain-${n}-${randomBytes(6).toString('hex')}`;
  const plaintexts = [marker(1), marker(2), marker(3), marker(4), marker(5), marker(6)];
  const [smtp, token, badName, tooLong, forbidden, inline] = plaintexts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const numeric = 987_654_321_012_345;

  async function post(key: string, query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${sut.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    responses.push(text);
    return JSON.parse(text) as GraphqlResult;
  }

  beforeAll(async () => {
    capture.start();
    sut = await TestVigil.start({ LOG_LEVEL: 'trace' });
    a = await sut.createTenant('sec-a');
    b = await sut.createTenant('sec-b');
  });
  afterAll(async () => {
    await sut.close();
    capture.stop();
  });

  it('stores, replaces, lists and deletes secrets without ever returning a value', async () => {
    const first = await post(a.adminKey, SET, { name: 'smtp.password', value: 'to be replaced' });
    expect(first.errors).toBeUndefined();
    const set = await post(a.adminKey, SET, { name: 'smtp.password', value: smtp });
    expect(set.data?.setSecret).toMatchObject({
      name: 'smtp.password',
      createdBy: 'api_key:admin',
      updatedBy: 'api_key:admin',
      sealedWith: 'dev',
    });
    await post(a.adminKey, SET, { name: 'channel:42:token', value: token });
    const list = await post(a.adminKey, `{ secrets { name sealedWith } }`);
    expect(list.data?.secrets).toEqual([
      { name: 'channel:42:token', sealedWith: 'dev' },
      { name: 'smtp.password', sealedWith: 'dev' },
    ]);
    expect((await post(b.adminKey, `{ secrets { name } }`)).data?.secrets).toEqual([]);

    const secrets = sut.vigil.app.get(SecretsService);
    expect(await secrets.get(a.id, 'smtp.password')).toBe(smtp);
    expect(await secrets.get(b.id, 'smtp.password')).toBeNull();

    const del = await post(a.adminKey, `mutation { deleteSecret(name: "channel:42:token") }`);
    expect(del).toEqual({ data: { deleteSecret: true } });
    const again = await post(a.adminKey, `mutation { deleteSecret(name: "channel:42:token") }`);
    expect(again).toEqual({ data: { deleteSecret: false } });
    expect(await secrets.get(a.id, 'channel:42:token')).toBeNull();
  });

  it('has no query or field that returns a value', async () => {
    const res = await post(a.adminKey, `{ secrets { name value } }`);
    expect(res.errors?.[0]?.message).toMatch(/Cannot query field "value"/);
  });

  it('refuses callers without the admin permission', async () => {
    const res = await post(a.ingestKey, SET, { name: 'x', value: forbidden });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await post(a.ingestKey, `{ secrets { name } }`);
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers bad input with an error that does not quote the value', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'bad name!', value: badName }, /secret name "bad name!"/],
      [{ name: 'n', value: numeric }, /must be a string/],
      [{ name: 'n', value: { nested: badName } }, /must be a string/],
      [{ name: 'n', value: [badName] }, /must be a string/],
      [{ name: 'n', value: '' }, /is empty/],
      [{ name: 'n', value: tooLong.repeat(10_000) }, /longer than 65536 bytes/],
    ];
    for (const [variables, message] of cases) {
      const res = await post(a.adminKey, SET, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(message);
    }
    const literal = await post(
      a.adminKey,
      `mutation { setSecret(name: "n", value: 123456789) { name } }`,
    );
    expect(literal.errors?.[0]?.message).toMatch(/must be a string/);
    const missingName = await post(
      a.adminKey,
      `mutation ($value: SecretValue!) { setSecret(value: $value) { name } }`,
      { value: inline },
    );
    expect(missingName.errors?.[0]?.message).toMatch(/argument "name"/);
    expect(await sut.vigil.app.get(SecretsService).list(a.id)).toHaveLength(1);
  });

  it('leaves no plaintext in any table, response or log line', async () => {
    // A positive control: the same scan finds a marker that was stored on purpose.
    const control = marker(0);
    const ingest = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.ingestKey}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([{ message: `control ${control}` }]),
    });
    expect(ingest.status).toBeLessThan(300);
    expect(await grepColumns(sut.databaseUrl, control)).toContain('logs.body');
    expect((await dumpDatabase(sut.databaseUrl)).some((row) => row.includes(control))).toBe(true);

    const dump = (await dumpDatabase(sut.databaseUrl)).join('\n');
    expect(dump).toContain('secret.set'); // the audit log was written
    const logs = capture.chunks.join('');
    expect(logs).toContain('Nest application successfully started'); // the capture works
    const body = responses.join('\n');
    for (const secret of [...plaintexts, 'to be replaced', String(numeric)]) {
      expect(await grepColumns(sut.databaseUrl, secret)).toEqual([]);
      for (const encoded of [
        secret,
        Buffer.from(secret).toString('base64'),
        Buffer.from(secret).toString('hex'),
      ]) {
        expect(dump).not.toContain(encoded);
        expect(body).not.toContain(encoded);
        expect(logs).not.toContain(encoded);
      }
    }
  });
});

describe('secret keys and contexts', () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  let sut: TestVigil;
  let rotated: Vigil;
  let a: TestTenant;
  let b: TestTenant;
  let owner: Client;

  const storedCiphertext = async (tenantId: string, name: string) =>
    (
      await owner.query<{ ciphertext: string }>(
        'SELECT ciphertext FROM secrets WHERE tenant_id = $1 AND name = $2',
        [tenantId, name],
      )
    ).rows[0]?.ciphertext;

  beforeAll(async () => {
    sut = await TestVigil.start({ VIGIL_SECRET_KEYS: `k1:${k1}` });
    a = await sut.createTenant('keys-a');
    b = await sut.createTenant('keys-b');
    owner = new Client({ connectionString: sut.databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await rotated?.close();
    await sut.close();
  });

  it('re-seals under the new primary key when a value sealed under the old one is read', async () => {
    const secrets = sut.vigil.app.get(SecretsService);
    await secrets.set(systemOf(a.id), 'smtp.password', 'rotate me');
    expect(await storedCiphertext(a.id, 'smtp.password')).toMatch(/^v1\.k1\./);

    // A restart with a new primary key, the old one kept for reading.
    rotated = await startVigil(
      new AppConfig({
        NODE_ENV: 'test',
        DATABASE_URL: sut.databaseUrl,
        REDIS_PREFIX: `vigil_test_rotated_${randomBytes(4).toString('hex')}:`,
        HOST: '127.0.0.1',
        PORT: '0',
        ES_PORT: '-1',
        LOG_LEVEL: 'silent',
        VIGIL_SECRET_KEYS: `k2:${k2},k1:${k1}`,
      }),
    );
    const afterRotation = rotated.app.get(SecretsService);
    expect(await afterRotation.get(a.id, 'smtp.password')).toBe('rotate me');
    const resealed = await storedCiphertext(a.id, 'smtp.password');
    expect(resealed).toMatch(/^v1\.k2\./);
    expect(await afterRotation.get(a.id, 'smtp.password')).toBe('rotate me');
    expect(await storedCiphertext(a.id, 'smtp.password')).toBe(resealed); // sealed once
    expect((await afterRotation.list(a.id))[0]?.sealedWith).toBe('k2');

    // An instance that never got k2 can no longer read it, and says so without the value.
    await expect(secrets.get(a.id, 'smtp.password')).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
      message: expect.not.stringContaining('rotate me'),
    });
  });

  it('does not open a ciphertext copied to another tenant or another name', async () => {
    const secrets = sut.vigil.app.get(SecretsService);
    await secrets.set(systemOf(a.id), 'webhook.token', 'tenant a only');
    await owner.query(
      `INSERT INTO secrets (tenant_id, name, ciphertext, created_by, updated_by)
       SELECT $2, name, ciphertext, 'copied', 'copied' FROM secrets WHERE tenant_id = $1 AND name = 'webhook.token'
       UNION ALL
       SELECT $1, 'webhook.other', ciphertext, 'copied', 'copied' FROM secrets WHERE tenant_id = $1 AND name = 'webhook.token'`,
      [a.id, b.id],
    );
    expect(await storedCiphertext(b.id, 'webhook.token')).toBe(
      await storedCiphertext(a.id, 'webhook.token'),
    );
    await expect(secrets.get(b.id, 'webhook.token')).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
    });
    await expect(secrets.get(a.id, 'webhook.other')).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
    });
    expect(await secrets.get(a.id, 'webhook.token')).toBe('tenant a only');
  });
});

function systemOf(tenantId: string) {
  return { kind: 'system' as const, tenantId, id: null, label: 'test' };
}
