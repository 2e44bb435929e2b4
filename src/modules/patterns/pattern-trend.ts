export type PatternTrend = 'NEW' | 'RISING' | 'FALLING' | 'STEADY';

/** A half must differ from the other by this factor (and by MIN_CHANGE records) to count. */
const FACTOR = 1.5;
const MIN_CHANGE = 5;

/**
 * A pattern's direction over a range, from its counts in the first and second half: NEW when it
 * was first seen inside the range, RISING / FALLING when one half has at least 1.5 times the
 * other (and a few records more), else STEADY.
 */
export function patternTrend(
  firstHalf: number,
  secondHalf: number,
  firstSeen: number,
  rangeStart: number,
): PatternTrend {
  if (firstSeen >= rangeStart) return 'NEW';
  if (secondHalf >= firstHalf * FACTOR && secondHalf - firstHalf >= MIN_CHANGE) return 'RISING';
  if (firstHalf >= secondHalf * FACTOR && firstHalf - secondHalf >= MIN_CHANGE) return 'FALLING';
  return 'STEADY';
}
