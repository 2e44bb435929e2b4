/**
 * `npm run bench:custom-formats`: how custom grok / regex formats behave on one core.
 * - lines/s of a COMBINEDAPACHELOG format (detect + parse) and of a small app-log grok pattern;
 * - time to run known catastrophic-backtracking patterns on long inputs through RE2 (linear),
 *   next to V8's own backtracking engine on inputs of only 20-26 characters (exponential).
 * Env: BENCH_SECONDS per throughput case (default 2).
 */
import { CustomLineFormat } from '../src/modules/formats/custom/custom-line-format';
import { compileNamedRegex } from '../src/modules/formats/custom/grok-compiler';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ctx = { receivedAt: Date.now() };

function format(name: string, kind: 'grok' | 'regex', pattern: string): CustomLineFormat {
  return CustomLineFormat.compile({
    id: name,
    name,
    kind,
    pattern,
    service: null,
    dataset: null,
    priority: 0,
  });
}

function rate(name: string, lines: readonly string[], work: (line: string) => unknown): void {
  for (let i = 0; i < 5_000; i++) work(lines[i % lines.length] as string);
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    for (let k = 0; k < 200; k++) work(lines[(n + k) % lines.length] as string);
    n += 200;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${name.padEnd(48)} ${Math.round(n / seconds)
      .toLocaleString('en-US')
      .padStart(10)} lines/s`,
  );
}

const combined = format('apache', 'grok', '^%{COMBINEDAPACHELOG}$');
const access = Array.from(
  { length: 50 },
  (_, i) =>
    `10.0.${i}.${(i * 7) % 255} - user${i} [26/Nov/2026:10:${String(i % 60).padStart(2, '0')}:32 +0000] "GET /api/items/${i}?page=${i % 5} HTTP/1.1" ${i % 9 === 0 ? 503 : 200} ${i * 131} "https://shop.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"`,
);
let sink = 0;
rate('COMBINEDAPACHELOG detect+parse', access, (l) => {
  if (combined.detect(l)) sink += Object.keys(combined.parse(l, ctx)?.attributes ?? {}).length;
});
rate('COMBINEDAPACHELOG on non-matching lines (detect)', ['{"msg":"not an access log"}'], (l) => {
  if (combined.detect(l)) sink++;
});

const app = format(
  'app',
  'grok',
  '^%{TIMESTAMP_ISO8601:timestamp} +%{LOGLEVEL:level} \\[%{DATA:service}\\] %{GREEDYDATA:message}$',
);
const appLines = Array.from(
  { length: 50 },
  (_, i) =>
    `2026-11-26T12:00:${String(i % 60).padStart(2, '0')}.123Z ${i % 7 === 0 ? 'WARN' : 'INFO'} [checkout] order ${100000 + i} processed in ${i} ms`,
);
rate('app grok (ISO time, level, service, message)', appLines, (l) => {
  sink += app.parse(l, ctx)?.message?.length ?? 0;
});

console.log('\nworst cases at the match budget (lines as long as each format accepts):');
for (const [name, pattern] of [
  ['HTTPD_ERRORLOG', '^%{HTTPD_ERRORLOG}$'],
  [
    '4 x HTTPD_ERRORLOG',
    '^(?:%{HTTPD_ERRORLOG}|%{HTTPD_ERRORLOG}|%{HTTPD_ERRORLOG}|%{HTTPD_ERRORLOG}) %{INT}$',
  ],
] as const) {
  const f = format(name.replace(/\W+/g, '-').toLowerCase(), 'grok', pattern);
  const head = '[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] ';
  const line = head + 'x'.repeat(f.maxLineLength - head.length);
  f.parse(line, ctx);
  const start = process.hrtime.bigint();
  for (let r = 0; r < 5; r++) sink += f.parse(line, ctx) === null ? 0 : 1;
  const ms = Number(process.hrtime.bigint() - start) / 5e6;
  console.log(
    `  ${name.padEnd(20)} ${String(f.maxLineLength).padStart(6)} chars: ${ms.toFixed(1)} ms per line`,
  );
}

console.log('\ncatastrophic patterns through RE2 (no match expected):');
for (const [pattern, input] of [
  ['(a+)+$', `${'a'.repeat(100_000)}!`],
  ['(x+x+)+y', 'x'.repeat(100_000)],
  ['^(\\w+\\s?)*$', `${'word '.repeat(20_000)}!`],
  ['(a|a)*b', 'a'.repeat(100_000)],
] as const) {
  const re = compileNamedRegex(pattern).regex;
  const start = process.hrtime.bigint();
  const matched = re.test(input);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `  ${pattern.padEnd(14)} ${String(input.length).padStart(7)} chars: ${ms.toFixed(1)} ms, matched=${matched}`,
  );
}

console.log("\nthe same '(a+)+$' in V8's backtracking RegExp, for contrast:");
for (const n of [20, 22, 24, 26]) {
  const start = process.hrtime.bigint();
  const matched = /(a+)+$/.test(`${'a'.repeat(n)}!`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`  ${String(n + 1).padStart(7)} chars: ${ms.toFixed(1)} ms, matched=${matched}`);
}
if (sink < 0) console.log(sink);
