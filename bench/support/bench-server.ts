/**
 * What the server benchmarks share: a Vigil started as a child process (built
 * `dist/src/main.js`) on its own throwaway database and Redis prefix, keep-alive HTTP posting,
 * pacing, quantiles and the server's peak RSS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';

import { dropDatabase } from '../../src/common/database/database-setup';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface BenchServer {
  child: ChildProcess;
  port: number;
  esPort: number;
  databaseUrl: string;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/** Starts Vigil with `key` as its bootstrap admin key; BENCH_NODE_ARGS adds node flags. */
export async function startBenchServer(
  key: string,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = `${PG}/vigil_bench_${id}`;
  const port = 30000 + Math.floor(Math.random() * 10000);
  const esPort = port + 1;
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(__dirname, '..', '..', 'src', 'main.js')],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_PREFIX: `vigil_bench_${id}:`,
        PORT: String(port),
        ES_PORT: String(esPort),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        VIGIL_SECRET_KEYS: `bench:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'warn',
        VIGIL_BOOTSTRAP_API_KEY: key,
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await dropDatabase(databaseUrl);
  };
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return { child, port, esPort, databaseUrl, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not become ready');
}

/** Posts a body over a keep-alive connection; resolves with status and text. */
export interface Post {
  (
    port: number,
    path: string,
    body: Buffer,
    contentType?: string,
  ): Promise<{ status: number; text: string }>;
  close(): void;
}

/** A poster authenticated with `key`, keeping up to `sockets` connections alive. */
export function poster(key: string, sockets: number): Post {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets * 2 });
  const post = (port: number, path: string, body: Buffer, contentType = 'application/x-ndjson') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            'content-type': contentType,
            'content-length': body.length,
            authorization: `ApiKey ${key}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return Object.assign(post, { close: () => agent.destroy() });
}

/** Sends `rate` records/s to `/es/_bulk` as bodies of `perBody` records; sorted latencies, ms. */
export async function paced(
  post: Post,
  port: number,
  bodies: Buffer[],
  perBody: number,
  rate: number,
  seconds: number,
) {
  const latencies: number[] = [];
  const interval = (perBody / rate) * 1000;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = bodies[i % bodies.length] as Buffer;
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const res = await post(port, '/es/_bulk', body);
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`paced bulk failed: ${res.status}`);
      })(),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return latencies;
}

export function quantile(sorted: number[], q: number): number {
  return sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number)
    : NaN;
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** A GraphQL caller for a bench's Vigil: throws on errors, returns `data`. */
export function graphqlCaller(port: number, key: string) {
  return async <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as { data?: T; errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data as T;
  };
}
