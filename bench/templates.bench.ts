/**
 * `npm run bench:templates`: streams BENCH_LINES (1,000,000) lines through one TemplateMiner on
 * one core and prints lines/s and the pattern count, then the heap cost per 1,000 patterns.
 *
 * Input: the Content lines of the four loghub 2k samples (HDFS, Apache, OpenSSH, Linux),
 * replayed with varied parameters: every digit run is rewritten per replay and one in eight lines
 * gets a fresh user/host word, so masking and generalisation do real work and the flood of
 * variable-heavy lines shows whether the pattern count stays bounded.
 *
 * Run with `node --expose-gc` for the memory figure (the npm script does). BENCH_PROFILE=1 is a
 * hint to run `node --cpu-prof dist/bench/templates.bench.js` instead.
 */
import { TemplateMiner } from '../src/ml/templates/template-miner';
import { LOGHUB_SETS, loadLoghub } from './support/loghub-dataset';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const VARIANTS = 16;

/** Deterministic PRNG (mulberry32) so every run replays the same input. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildInput(): string[] {
  const random = rng(42);
  const base = LOGHUB_SETS.flatMap((name) => loadLoghub(name).content);
  const out: string[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    for (const line of base) {
      let varied = line.replace(/\d+/g, (d) =>
        String(Math.floor(random() * 10 ** Math.min(d.length, 9))),
      );
      if (random() < 0.125)
        varied = varied.replace(/\b(user|for|from) [a-z]+\b/, `$1 u${Math.floor(random() * 1e6)}x`);
      out.push(varied);
    }
  }
  return out;
}

function throughput(input: readonly string[]): void {
  const miner = new TemplateMiner({ tenant: 'bench', service: 'loghub' });
  // Warm-up on a separate miner so the JIT has compiled the hot path.
  const warm = new TemplateMiner();
  for (let i = 0; i < 50_000; i++) warm.add(input[i % input.length]!);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let params = 0;
  for (let i = 0; i < LINES; i++) params += miner.add(input[i % input.length]!).parameters.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(
    `lines:            ${LINES.toLocaleString('en')} (${input.length.toLocaleString('en')} distinct)`,
  );
  console.log(
    `lines/s (wall):   ${Math.round(LINES / seconds).toLocaleString('en')} (${seconds.toFixed(2)} s, one thread)`,
  );
  // On a shared machine the wall clock includes time the core spent on other processes.
  console.log(
    `lines/s (CPU):    ${Math.round(LINES / cpuSeconds).toLocaleString('en')} (${cpuSeconds.toFixed(2)} s of CPU, incl. GC threads)`,
  );
  console.log(
    `patterns:         ${miner.stats.patterns} (parameters extracted: ${params.toLocaleString('en')})`,
  );
}

function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('memory:           run with node --expose-gc for the per-pattern figure');
    return;
  }
  const count = 20_000;
  // A unique lower-case word per (line, slot), so no two lines are similar.
  const word = (n: number): string =>
    n.toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)]!);
  gc();
  const before = process.memoryUsage().heapUsed;
  const miner = new TemplateMiner({ maxPatterns: count });
  for (let i = 0; i < count; i++) {
    // Distinct templates of 12 tokens with two variables, the shape of a typical message.
    // 40 first words x 40 second words spread the patterns over the tree as real services do.
    const w = (k: number): string => word(i * 8 + k + 100_000);
    const head = `${word((i % 40) + 50)} ${word((Math.floor(i / 40) % 40) + 50)}`;
    miner.add(
      `${head} ${w(2)} ${w(3)} ${i} ${w(4)} 12ms ${w(5)} ${w(6)} ${w(7)} host-${i} status=200`,
    );
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  console.log(
    `memory:           ${(bytes / 1024 / (miner.stats.patterns / 1000)).toFixed(0)} KiB per 1,000 patterns (${miner.stats.patterns} patterns, ${(bytes / 2 ** 20).toFixed(1)} MiB heap)`,
  );
  const state = JSON.stringify(miner.toState());
  console.log(
    `snapshot:         ${(state.length / 1024 / (miner.stats.patterns / 1000)).toFixed(0)} KiB of JSON per 1,000 patterns`,
  );
}

function main(): void {
  const input = buildInput();
  throughput(input);
  memory();
}

main();
