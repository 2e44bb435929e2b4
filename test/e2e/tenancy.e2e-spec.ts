import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

describe('tenants, keys and isolation', () => {
  let sut: TestVigil;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    a = await sut.createTenant('iso-a');
    b = await sut.createTenant('iso-b');
    for (const [t, word] of [
      [a, 'alpha'],
      [b, 'bravo'],
    ] as const) {
      const res = await fetch(`${sut.esUrl}/_bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.ingestKey}`, 'content-type': 'application/x-ndjson' },
        // Tenant B even writes into an index named after tenant A: the index is only a dataset label.
        body: ndjson([
          { create: { _index: 'iso-a' } },
          { message: `secret ${word}`, service: word },
        ]),
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => sut.close());

  it('bootstraps the default tenant with the configured admin key', async () => {
    expect(sut.vigil.bootstrap?.tenant.slug).toBe('default');
    const res = await sut.graphql(sut.adminKey, `{ logs(filter: {}) { totalCount } }`);
    expect(res).toEqual({ data: { logs: { totalCount: 0 } } });
  });

  it('shows each key only its own tenant’s records and facets', async () => {
    const Q = `{ logs(filter: { query: "secret" }) { edges { node { body } } } logFacets(filter: {}, field: "service") { value count } }`;
    const ra = await sut.graphql<{
      logs: { edges: Array<{ node: { body: string } }> };
      logFacets: unknown[];
    }>(a.adminKey, Q);
    expect(ra.data!.logs.edges.map((e) => e.node.body)).toEqual(['secret alpha']);
    expect(ra.data!.logFacets).toEqual([{ value: 'alpha', count: 1 }]);
    const rb = await sut.graphql<{ logs: { edges: Array<{ node: { body: string } }> } }>(
      b.adminKey,
      Q,
    );
    expect(rb.data!.logs.edges.map((e) => e.node.body)).toEqual(['secret bravo']);
  });

  it('creates a tenant from the vigil CLI and its printed keys work', async () => {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (npm test builds it)`);
    const { stdout } = await run(process.execPath, [CLI, 'tenant', 'create', 'from-cli'], {
      env: { ...process.env, DATABASE_URL: sut.databaseUrl },
    });
    const adminKey = /admin\s+(vgl_\w+)/.exec(stdout)?.[1];
    const ingestKey = /ingest\s+(vgl_\w+)/.exec(stdout)?.[1];
    expect(adminKey).toBeDefined();
    expect(ingestKey).toBeDefined();
    const res = await sut.graphql(adminKey!, `{ logs(filter: {}) { totalCount } }`);
    expect(res).toEqual({ data: { logs: { totalCount: 0 } } });
    const dup = run(process.execPath, [CLI, 'tenant', 'create', 'from-cli'], {
      env: { ...process.env, DATABASE_URL: sut.databaseUrl },
    });
    await expect(dup).rejects.toMatchObject({ stderr: expect.stringMatching(/already exists/) });
  }, 60_000); // two CLI processes, each booting Nest
});
