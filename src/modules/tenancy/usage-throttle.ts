/**
 * Decides when a use of a credential is worth writing down: the first use, then at most once
 * per `intervalMs`. Remembers at most `maxEntries` credentials (then starts over).
 */
export class UsageThrottle {
  readonly #lastRecorded = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxEntries: number,
  ) {}

  shouldRecord(id: string, now: number): boolean {
    const last = this.#lastRecorded.get(id);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (last === undefined && this.#lastRecorded.size >= this.maxEntries) {
      this.#lastRecorded.clear();
    }
    this.#lastRecorded.set(id, now);
    return true;
  }
}
