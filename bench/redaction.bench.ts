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

const ADVERSARIAL = [
  'eyJ-'.repeat(50_000),
  `${'a'.repeat(100_000)}@${'b'.repeat(100_000)}`,
  'token=token'.repeat(20_000),
  '1-'.repeat(100_000),
  'AB12 '.repeat(40_000),
  `Bearer ${'x'.repeat(200_000)}`,
  '::'.repeat(100_000),
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

for (const line of ADVERSARIAL) {
  const start = process.hrtime.bigint();
  sink += all.redact(line).length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `adversarial ${JSON.stringify(line.slice(0, 12))}… (${line.length} chars): ${ms.toFixed(1)} ms`,
  );
}
if (sink < 0) console.log(sink);
