/**
 * `npm run bench:redaction`: lines/s of the PII redactor on one core, for clean lines (the common
 * case: the pre-scan finds nothing), dirty lines (one or two secrets each), whole records (body
 * plus attributes) and adversarial lines built to make backtracking regexes go quadratic.
 * Env: BENCH_SECONDS per case (default 2).
 */
import {
  DEFAULT_REDACTION_RULES,
  REDACTION_RULES,
} from '../src/modules/formats/redaction/redaction-rules';
import { Redactor } from '../src/modules/formats/redaction/redactor';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const CLEAN = [
  '10.0.3.17 - - [26/Nov/2026:10:15:32 +0000] "GET /api/items/42?page=2 HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
  '2026-11-26T12:00:00.123Z INFO  [checkout] order 100233 processed in 35 ms (items=3, total=129.90 EUR)',
  '{"@timestamp":"2026-11-26T12:00:00.123Z","level":"info","msg":"cache miss","key":"cart:u-4711","latency_ms":12}',
  'Nov 26 08:15:02 web-01 systemd[1]: Started Session 4721 of user deploy.',
  'level=warn ts=2026-11-26T12:00:01Z caller=retry.go:88 msg="retrying upstream" attempt=2 upstream=payments',
  '2026-11-26 12:00:02,345 ERROR [main] c.e.CartService - Failed to reserve stock for sku 884213',
  'I1126 12:00:03.456789    1234 controller.go:117] Reconciled deployment default/checkout in 17.3ms',
  'request_id=7f9c1e2a-4b5d-4e6f-8a9b-0c1d2e3f4a5b method=POST path=/v1/orders status=201 duration=0.042',
];

const DIRTY = [
  'user jane.doe@example.com logged in from 10.0.0.8',
  'charge ok card=4111 1111 1111 1111 amount=12.00',
  'payout to DE89370400440532013000 scheduled',
  'GET /v1/me Authorization: Bearer abcdefgh12345678ijkl',
  'using key AKIAIOSFODNN7EXAMPLE for s3 upload',
  'session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'connect postgres://app:hunter2@db:5432/app password=hunter2',
  '{"user":"bob","email":"bob@example.org","password":"p@ss","api_key":"vgl_4fJ2kQ9zXc81LmNpQrStUvWx01AbCd"}',
];

/** Lines built to make backtracking regexes go quadratic, by length (chars). */
const ADVERSARIAL: ReadonlyArray<readonly [string, (n: number) => string]> = [
  ['eyJ-eyJ-…', (n) => 'eyJ-'.repeat(n / 4)],
  ['aaa…@bbb…', (n) => `${'a'.repeat(n / 2)}@${'b'.repeat(n / 2)}`],
  ['a@b a@b …', (n) => 'a@b '.repeat(n / 4)],
  ['token=token…', (n) => 'token=token'.repeat(n / 11)],
  ['1-1-1-…', (n) => '1-'.repeat(n / 2)],
  ['AB12 AB12 …', (n) => 'AB12 '.repeat(n / 5)],
  ['Bearer xxx…', (n) => `Bearer ${'x'.repeat(n)}`],
  ['::::…', (n) => '::'.repeat(n / 2)],
];

function rate(name: string, lines: readonly string[], work: (line: string) => unknown): void {
  // Warm up, then count whole passes over the corpus until the time is up.
  for (let i = 0; i < 20_000; i++) work(lines[i % lines.length] as string);
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    for (let k = 0; k < 1000; k++) work(lines[(n + k) % lines.length] as string);
    n += 1000;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${name.padEnd(44)} ${Math.round(n / seconds)
      .toLocaleString('en-US')
      .padStart(12)} lines/s`,
  );
}

const defaults = new Redactor(DEFAULT_REDACTION_RULES);
const all = new Redactor(REDACTION_RULES);
let sink = 0;

rate('clean lines, default rules', CLEAN, (l) => (sink += defaults.redact(l).length));
rate('clean lines, all rules (incl. IP)', CLEAN, (l) => (sink += all.redact(l).length));
rate('dirty lines, default rules', DIRTY, (l) => (sink += defaults.redact(l).length));
rate('dirty lines, all rules (incl. IP)', DIRTY, (l) => (sink += all.redact(l).length));
rate('clean records (body + 6 attributes), default', CLEAN, (l) =>
  defaults.redactRecord({
    body: l,
    attributes: {
      'service.name': 'checkout',
      'host.name': 'node-7',
      'http.request.method': 'GET',
      'url.path': '/api/items/42',
      'http.response.status_code': 200,
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
    },
  }),
);

console.log(
  '\nadversarial lines, all rules (ms per line; linear: twice the length, twice the time)',
);
for (const [name, build] of ADVERSARIAL) {
  const times = [100_000, 200_000, 400_000].map((n) => {
    const line = build(n);
    sink += all.redact(line).length; // warm-up (V8 tiers regexes up after a first run)
    const start = process.hrtime.bigint();
    for (let r = 0; r < 3; r++) sink += all.redact(line).length;
    return `${n / 1000}k: ${(Number(process.hrtime.bigint() - start) / 3e6).toFixed(1)}`;
  });
  console.log(`  ${name.padEnd(14)} ${times.join('   ')}`);
}
if (sink < 0) console.log(sink);
