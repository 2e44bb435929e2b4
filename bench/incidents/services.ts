/**
 * The message catalogue of the synthetic incident workload: five services, each with weighted
 * templates whose variable parts (ids, IPs, durations, sizes, users, paths) are drawn per record.
 * Templates are written after real nginx, PostgreSQL, auth-server and broker logs; the weights
 * give roughly 70% debug/info, 25% benign warnings and a trickle of errors per service.
 *
 * Roles: `latency` marks the one template per service whose `<n> ms` a latency_drift incident
 * stretches; `key` marks the heartbeat/ack-like patterns a dependency_silent incident silences.
 *
 * @example
 *   const db = SERVICES.find((s) => s.name === 'database')!;
 *   const line = db.templates[0]!.render(new Rand(1), 1);
 */
import { type Rand } from './prng';

export type Severity = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Template {
  severity: Severity;
  weight: number;
  role?: 'latency' | 'key';
  /** `drift` multiplies the duration of a `latency` template (1 when nothing is wrong). */
  render: (r: Rand, drift: number) => string;
}

export interface ServiceDef {
  name: string;
  hosts: readonly string[];
  /** Background records per minute, as a multiple of the workload's `ratePerMinute`. */
  share: number;
  templates: readonly Template[];
  /** What the `key` templates are, for incident descriptions. */
  keyPatterns?: string;
}

/** A normal request duration: mostly 50–150 ms, a 1% tail to 250 ms, times `drift`. */
export function latencyMs(r: Rand, drift: number): number {
  const base = 50 + 100 * r.next() + (r.next() < 0.01 ? 100 * r.next() : 0);
  return Math.round(base * drift);
}

const PATHS = ['/api/products', '/api/cart', '/api/account', '/api/orders', '/api/reviews'];
const AGENTS = ['Mozilla/5.0', 'curl/8.5.0', 'okhttp/4.12.0', 'Googlebot/2.1', 'python-requests'];
const TABLES = ['orders', 'order_items', 'products', 'stock', 'sessions', 'payments', 'users'];
const TOPICS = ['orders', 'emails', 'invoices', 'stock-events'];
const CLIENTS = ['web-spa', 'ios-app', 'android-app', 'partner-api'];
const SKUS = (r: Rand): string => `SKU-${r.int(1000, 9999)}`;

const t = (
  severity: Severity,
  weight: number,
  render: (r: Rand, drift: number) => string,
  role?: 'latency' | 'key',
): Template => (role ? { severity, weight, render, role } : { severity, weight, render });

const web: ServiceDef = {
  name: 'web',
  hosts: ['web-1', 'web-2', 'web-3'],
  share: 1.2,
  templates: [
    t(
      'info',
      22,
      (r) =>
        `${r.publicIp()} - - "GET ${r.pick(PATHS)}/${r.int(1, 99999)} HTTP/1.1" 200 ${r.int(300, 40000)} "-" "${r.pick(AGENTS)}"`,
    ),
    t(
      'info',
      6,
      (r) =>
        `${r.publicIp()} - - "GET /static/js/app.${r.hex(8)}.js HTTP/1.1" 304 0 "-" "${r.pick(AGENTS)}"`,
    ),
    t(
      'info',
      5,
      (r) =>
        `${r.publicIp()} - - "POST /api/cart HTTP/1.1" 201 ${r.int(100, 900)} "-" "${r.pick(AGENTS)}"`,
    ),
    t(
      'info',
      10,
      (r, d) => `GET /api/products/${r.int(1, 99999)} completed 200 in ${latencyMs(r, d)} ms`,
      'latency',
    ),
    t('info', 3, (r) => `GET /api/search?q=${r.hex(5)} completed 200 in ${r.int(20, 400)} ms`),
    t('debug', 5, (r) => `health check GET /healthz 200 in ${r.int(1, 4)} ms`),
    t('debug', 5, (r) => `cache hit for key product:${r.int(1, 99999)}`),
    t('debug', 2, (r) => `cache miss for key product:${r.int(1, 99999)}, loading from database`),
    t('info', 3, (r) => `session ${r.hex(16)} refreshed for user ${r.user()}`),
    t('debug', 2, (r) => `rendered template product_page.html in ${r.int(2, 30)} ms`),
    t(
      'warn',
      8,
      (r) => `deprecated API /api/v1/products called by client ${r.pick(CLIENTS)}; use /api/v2`,
    ),
    t(
      'warn',
      6,
      (r) =>
        `upstream checkout-${r.int(1, 3)}:8080 responded slowly (${r.int(800, 1500)} ms), retrying`,
    ),
    t(
      'warn',
      6,
      (r) => `rate limit approaching for client ${r.publicIp()}: ${r.int(80, 99)}/100 req/min`,
    ),
    t(
      'warn',
      5,
      (r) => `client closed connection before response was sent (499) path=${r.pick(PATHS)}`,
    ),
    t('warn', 3, (r) => `TLS handshake failed from ${r.publicIp()}: unsupported protocol TLSv1.0`),
    t(
      'warn',
      2,
      (r) => `request body too large (413) from ${r.publicIp()}, size=${r.int(2, 40)} MB`,
    ),
    t('info', 0.2, (r) => `worker process ${r.int(1000, 65000)} started`),
    t(
      'error',
      0.7,
      (r) =>
        `upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: "http://${r.ip()}:8080${r.pick(PATHS)}"`,
    ),
    t('error', 0.5, (r) => `500 Internal Server Error on POST /api/cart request_id=${r.hex(12)}`),
    t(
      'error',
      0.3,
      (r) =>
        `connect() failed (111: Connection refused) while connecting to upstream ${r.ip()}:8080`,
    ),
  ],
};

const database: ServiceDef = {
  name: 'database',
  hosts: ['db-1', 'db-2'],
  share: 1,
  keyPatterns: 'replication heartbeats',
  templates: [
    t('info', 8, (r) => `connection received: host=${r.ip()} port=${r.int(30000, 60999)}`),
    t(
      'info',
      7,
      (r) => `connection authorized: user=app database=shop application_name=${r.pick(CLIENTS)}`,
    ),
    t(
      'info',
      5,
      (r) =>
        `disconnection: session time: 0:0${r.int(0, 9)}:${r.int(10, 59)}.${r.int(100, 999)} user=app database=shop host=${r.ip()}`,
    ),
    t(
      'info',
      12,
      (r, d) =>
        `statement completed in ${latencyMs(r, d)} ms: SELECT * FROM ${r.pick(TABLES)} WHERE id = $1`,
      'latency',
    ),
    t('debug', 6, (r) => `autovacuum: processing table "shop.public.${r.pick(TABLES)}"`),
    t(
      'info',
      10,
      (r) => `replication heartbeat from standby db-2 lag=${r.int(0, 4096)} bytes`,
      'key',
    ),
    t('info', 2, () => 'checkpoint starting: time'),
    t(
      'info',
      2,
      (r) =>
        `checkpoint complete: wrote ${r.int(50, 4000)} buffers (${r.int(0, 9)}.${r.int(0, 9)}%); write=${r.int(1, 29)}.${r.int(100, 999)} s`,
    ),
    t(
      'debug',
      4,
      (r) =>
        `LOG: temporary file: path "base/pgsql_tmp/pgsql_tmp${r.int(1000, 9999)}.${r.int(0, 9)}", size ${r.int(8192, 9000000)}`,
    ),
    t(
      'info',
      3,
      (r) =>
        `automatic analyze of table "shop.public.${r.pick(TABLES)}" system usage: CPU: user: 0.0${r.int(1, 9)} s`,
    ),
    t(
      'warn',
      14,
      (r) =>
        `duration: ${r.int(500, 2500)}.${r.int(100, 999)} ms statement: SELECT o.* FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.user_id = ${r.int(1, 99999)}`,
    ),
    t(
      'warn',
      6,
      (r) =>
        `could not obtain lock on row in relation "${r.pick(TABLES)}", retrying (attempt 1 of 3)`,
    ),
    t('warn', 5, (r) => `there is already a transaction in progress pid=${r.int(1000, 65000)}`),
    t(
      'warn',
      3,
      (r) => `checkpoints are occurring too frequently (${r.int(10, 29)} seconds apart)`,
    ),
    t('warn', 3, (r) => `connection pool at ${r.int(70, 89)}% capacity (${r.int(140, 178)}/200)`),
    t(
      'error',
      0.6,
      (r) => `canceling statement due to statement timeout pid=${r.int(1000, 65000)}`,
    ),
    t(
      'error',
      0.4,
      (r) =>
        `deadlock detected: Process ${r.int(1000, 65000)} waits for ShareLock on transaction ${r.int(100000, 999999)}`,
    ),
    t(
      'error',
      0.3,
      (r) => `duplicate key value violates unique constraint "${r.pick(TABLES)}_pkey"`,
    ),
  ],
};

const auth: ServiceDef = {
  name: 'auth',
  hosts: ['auth-1', 'auth-2'],
  share: 0.8,
  keyPatterns: 'token refreshes',
  templates: [
    t('info', 14, (r) => `login ok user=${r.user()} ip=${r.publicIp()} method=password`),
    t('info', 3, (r) => `login ok user=${r.user()} ip=${r.publicIp()} method=sso provider=google`),
    t('info', 12, (r) => `token refresh ok user=${r.user()} client=${r.pick(CLIENTS)}`, 'key'),
    t(
      'info',
      8,
      (r, d) =>
        `token issued for user ${r.user()} client=${r.pick(CLIENTS)} in ${latencyMs(r, d)} ms`,
      'latency',
    ),
    t('debug', 5, (r) => `jwks cache hit kid=${r.hex(8)}`),
    t('info', 3, (r) => `logout user=${r.user()} session=${r.hex(16)}`),
    t('debug', 3, (r) => `password hash verified with argon2id in ${r.int(30, 90)} ms`),
    t('info', 2, (r) => `mfa challenge sent to user ${r.user()} via totp`),
    t('warn', 12, (r) => `login failed user=${r.user()} ip=${r.publicIp()} reason=bad_password`),
    t('warn', 5, (r) => `login failed user=${r.hex(6)} ip=${r.publicIp()} reason=unknown_user`),
    t('warn', 5, (r) => `token refresh rejected: expired refresh token for user ${r.user()}`),
    t('warn', 3, (r) => `client ${r.pick(CLIENTS)} uses deprecated grant type password`),
    t('warn', 3, (r) => `ldap bind slow (${r.int(700, 1500)} ms), retry succeeded`),
    t('info', 1, (r) => `account locked after 5 failed attempts user=${r.user()}`),
    t('error', 0.5, (r) => `ldap connection reset by peer ${r.ip()}:636`),
    t('error', 0.4, (r) => `failed to sign token: key ${r.hex(8)} not found in keystore`),
    t('error', 0.3, (r) => `redis session store timeout after ${r.int(1000, 3000)} ms`),
  ],
};

const queue: ServiceDef = {
  name: 'queue',
  hosts: ['mq-1', 'mq-2', 'mq-3'],
  share: 1,
  keyPatterns: 'acks and consumer heartbeats',
  templates: [
    t(
      'info',
      10,
      (r) => `enqueue msg=${r.hex(12)} topic=${r.pick(TOPICS)} size=${r.int(200, 8000)}B`,
    ),
    t(
      'debug',
      9,
      (r) => `dequeue msg=${r.hex(12)} topic=${r.pick(TOPICS)} consumer=worker-${r.int(1, 8)}`,
    ),
    t('info', 10, (r) => `ack msg=${r.hex(12)} consumer=worker-${r.int(1, 8)}`, 'key'),
    t('debug', 5, (r) => `consumer heartbeat worker-${r.int(1, 8)} lag=${r.int(0, 40)}`, 'key'),
    t(
      'info',
      8,
      (r, d) => `message ${r.hex(12)} processed by worker-${r.int(1, 8)} in ${latencyMs(r, d)} ms`,
      'latency',
    ),
    t('debug', 3, (r) => `prefetch window adjusted to ${r.int(10, 200)} for worker-${r.int(1, 8)}`),
    t('info', 2, (r) => `partition ${r.int(0, 11)} leader is mq-${r.int(1, 3)}`),
    t('info', 1, (r) => `segment ${r.int(1000, 99999)} of topic ${r.pick(TOPICS)} compacted`),
    t('warn', 11, (r) => `redelivering msg=${r.hex(12)} after visibility timeout (attempt 2)`),
    t('warn', 8, (r) => `consumer lag on topic ${r.pick(TOPICS)} is ${r.int(200, 900)} messages`),
    t('warn', 5, (r) => `slow consumer worker-${r.int(1, 8)}: ${r.int(3, 9)} unacked messages`),
    t('warn', 3, (r) => `publisher ${r.ip()} uses deprecated protocol v0.9`),
    t('error', 0.5, (r) => `msg=${r.hex(12)} moved to dead-letter queue after 5 attempts`),
    t(
      'error',
      0.4,
      (r) => `channel error: PRECONDITION_FAILED - unknown delivery tag ${r.int(1, 9999)}`,
    ),
  ],
};

const checkout: ServiceDef = {
  name: 'checkout',
  hosts: ['checkout-1', 'checkout-2'],
  share: 0.5,
  templates: [
    t(
      'info',
      10,
      (r, d) => `price quote for ${SKUS(r)} computed in ${latencyMs(r, d)} ms`,
      'latency',
    ),
    t(
      'info',
      6,
      (r) =>
        `cart ${r.hex(10)} updated: ${r.int(1, 9)} items, total ${r.int(5, 900)}.${r.int(10, 99)} EUR`,
    ),
    t('debug', 5, (r) => `currency rates cache refreshed (${r.int(30, 40)} currencies)`),
    t(
      'debug',
      4,
      (r) =>
        `feature flag new_checkout_flow evaluated for user ${r.user()}: ${r.chance(0.5) ? 'on' : 'off'}`,
    ),
    t('info', 3, (r) => `coupon ${r.hex(6).toUpperCase()} applied to cart ${r.hex(10)}`),
    t(
      'warn',
      8,
      (r) => `shipping estimate service slow (${r.int(600, 1400)} ms), used cached estimate`,
    ),
    t('warn', 6, (r) => `coupon ${r.hex(6).toUpperCase()} rejected: expired`),
    t('warn', 5, (r) => `deprecated field cart.giftWrap sent by client ${r.pick(CLIENTS)}`),
    t(
      'error',
      0.5,
      (r) => `payment declined order=ord-${r.int(100000, 999999)} code=card_declined`,
    ),
    t('error', 0.4, (r) => `failed to publish order event: broker unavailable (${r.ip()}:5672)`),
  ],
};

export const SERVICES: readonly ServiceDef[] = [web, database, auth, queue, checkout];

/**
 * Never-before-seen failure templates for new_failure_pattern incidents (one per incident,
 * cycled with a distinct component name when a long run needs more).
 */
export interface NovelFailure {
  severity: 'error' | 'fatal';
  render: (r: Rand, component: string) => string;
}

const novel = (
  severity: 'error' | 'fatal',
  render: (r: Rand, component: string) => string,
): NovelFailure => ({ severity, render });

export const NOVEL_FAILURES: readonly NovelFailure[] = [
  novel(
    'error',
    (r, c) => `java.lang.IllegalStateException: pool exhausted for shard ${r.int(1, 64)} in ${c}`,
  ),
  novel(
    'fatal',
    (r, c) => `FATAL ${c}: segfault at ${r.hex(12)} ip ${r.hex(12)} error 4 in libssl.so.3`,
  ),
  novel(
    'fatal',
    (r, c) =>
      `OutOfMemoryError: unable to create native thread (${c} threads=${r.int(4000, 4100)})`,
  ),
  novel(
    'error',
    (r, c) => `x509: certificate signed by unknown authority while dialing ${c} ${r.ip()}:443`,
  ),
  novel(
    'fatal',
    (r, c) =>
      `panic: runtime error: index out of range [${r.int(5, 40)}] with length ${r.int(0, 4)} [${c}]`,
  ),
  novel(
    'error',
    (r, c) => `ENOSPC: no space left on device, write '/var/lib/${c}/wal/${r.hex(8)}.seg'`,
  ),
  novel(
    'error',
    (r, c) => `KeyError: 'tenant_id' in ${c} handler serialize_order line ${r.int(100, 900)}`,
  ),
  novel(
    'error',
    (r, c) => `circuit breaker ${c}-upstream OPEN after ${r.int(20, 60)} consecutive failures`,
  ),
  novel(
    'error',
    (r, c) =>
      `schema mismatch in ${c}: column "discount_cents" does not exist (migration ${r.int(40, 99)} pending)`,
  ),
  novel(
    'error',
    (r, c) => `Too many open files: accept4() failed in ${c} listener fd=${r.int(1020, 1030)}`,
  ),
];
