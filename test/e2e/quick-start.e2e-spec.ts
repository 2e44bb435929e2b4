import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { dropDatabase } from 'src/common/database/database-setup';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The README's first command ends in `node dist/src/main.js`: run exactly that, on an empty database. */
describe('first start of the built service', () => {
  const id = randomBytes(5).toString('hex');
  const databaseUrl = `${PG}/vigil_test_${id}`;
  let child: ChildProcess | null = null;
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await dropDatabase(databaseUrl);
  });

  it('creates its database, prints a generated admin key once, and serves with it', async () => {
    if (!existsSync(MAIN)) throw new Error(`build first: ${MAIN} is missing (npm test builds it)`);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: `vigil_test_${id}:`,
      PORT: String(port),
      ES_PORT: '-1',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    delete env.VIGIL_BOOTSTRAP_API_KEY;
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const deadline = Date.now() + 30_000;
    while (!/Vigil listening/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const key = /admin API key[^\n]*\n\s*\n\s*(vgl_\w+)/.exec(output)?.[1];
    expect(key).toBeDefined();

    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ logs(filter: {}) { totalCount } }' }),
    });
    expect(await res.json()).toEqual({ data: { logs: { totalCount: 0 } } });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });
});
