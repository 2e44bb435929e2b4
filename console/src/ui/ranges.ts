/** The time ranges the pages offer, with a histogram interval giving about 60 bars each. */
export const RANGES = [
  { label: 'Last 15 minutes', ms: 15 * 60_000, interval: '15s' },
  { label: 'Last hour', ms: 3_600_000, interval: '1m' },
  { label: 'Last 24 hours', ms: 86_400_000, interval: '30m' },
  { label: 'Last 7 days', ms: 7 * 86_400_000, interval: '3h' },
] as const;

export type Range = (typeof RANGES)[number];

/** `from`/`to` of a range ending now, rounded to the interval so that re-renders agree. */
export function window(range: Range, now = Date.now()): { from: string; to: string } {
  const step = 15_000;
  const to = Math.ceil(now / step) * step;
  return { from: new Date(to - range.ms).toISOString(), to: new Date(to).toISOString() };
}
