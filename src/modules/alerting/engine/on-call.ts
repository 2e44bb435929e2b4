/**
 * A simple on-call rotation: people take turns in the listed order, one shift each, from
 * `startsAt` on (before it, the first person is on call). Enough for a team's weekly hand-over;
 * overrides and layered schedules are not modelled.
 */
export interface OnCallRotation {
  userIds: string[];
  /** Length of one person's shift, ms. */
  shiftMs: number;
  /** When the first person's first shift began (epoch ms). */
  startsAt: number;
}

/**
 * Who is on call at `now`.
 *
 * @example
 *   onCallAt({ userIds: ['ada', 'grace'], shiftMs: 7 * DAY, startsAt: monday }, monday + 8 * DAY);
 *   // 'grace'
 */
export function onCallAt(rotation: OnCallRotation, now: number): string | undefined {
  const n = rotation.userIds.length;
  if (n === 0) return undefined;
  const shift = Math.max(0, Math.floor((now - rotation.startsAt) / rotation.shiftMs));
  return rotation.userIds[shift % n];
}
