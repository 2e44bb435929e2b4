/**
 * Reads until `ok` holds or `ms` pass, then returns the last value read (the caller's assertion
 * then fails with it): for state that settles asynchronously (flushes, pub/sub, replicas).
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 10_000,
  pollMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
