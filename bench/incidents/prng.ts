/**
 * A small seeded random source for the incident workload, so a seed replays the same week.
 * The core is mulberry32 (Tommy Ettinger's 32-bit generator, public domain idea); the helpers
 * draw the variable parts of log lines (ids, IPs, user names) and Poisson counts.
 *
 * @example
 *   const r = new Rand(1);
 *   const n = r.poisson(40); // records this minute
 *   const ip = r.ip();
 */
export class Rand {
  #state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += ((this.next() * 0x10000000) >>> 0).toString(16).padStart(7, '0');
    return s.slice(0, n);
  }

  /** Standard normal (Box-Muller, one of the pair). */
  gauss(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * A Poisson count with mean `lambda`: Knuth's product method below 30, a rounded normal
   * approximation above (good enough for traffic counts and O(1)).
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.gauss()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A private IPv4 address inside the cluster. */
  ip(): string {
    return `10.${this.int(0, 3)}.${this.int(0, 15)}.${this.int(2, 254)}`;
  }

  /** A client address from the documentation ranges (RFC 5737). */
  publicIp(): string {
    return `${this.pick(PUBLIC_NETS)}.${this.int(1, 254)}`;
  }

  user(): string {
    return `${this.pick(FIRST_NAMES)}.${this.pick(INITIALS)}`;
  }

  /** A W3C trace id (32 hex digits). */
  traceId(): string {
    return this.hex(32);
  }
}

const PUBLIC_NETS = ['192.0.2', '198.51.100', '203.0.113'];
const INITIALS = 'abcdefghklmnoprstw'.split('');
const FIRST_NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'nina',
  'oscar',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yara',
];
