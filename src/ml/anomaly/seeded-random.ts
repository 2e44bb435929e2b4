/**
 * A tiny deterministic pseudo-random generator whose whole state is one 32-bit integer, so a
 * detector can persist it in `toState()` and continue the same stream after `fromState()`.
 * Algorithm: mulberry32 (Tommy Ettinger, 2017), a 32-bit counter passed through an
 * integer-multiply mixer; fine for sampling, not for cryptography.
 *
 * @example
 *   const random = new SeededRandom(42);
 *   const rng = random.next; // a plain `() => number` in [0, 1)
 *   const copy = new SeededRandom(random.state); // continues exactly where `random` is
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
    this.#state = seed >>> 0;
  }

  /** The current state; `new SeededRandom(state)` continues the same sequence. */
  get state(): number {
    return this.#state;
  }

  /** The next number in [0, 1); bound, so it can be passed around as `rng`. */
  readonly next = (): number => {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
