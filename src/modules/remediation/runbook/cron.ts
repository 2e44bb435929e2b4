/** Bounds of the five cron fields: minute, hour, day of month, month, day of week (0 = Sunday). */
const FIELDS: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/**
 * Whether a numeric 5-field cron expression (`*`, `n`, `a-b`, `/step`, lists; as the runbook
 * schema allows) fires at the minute of `at`, in UTC. Day of week 7 is Sunday too. As in Vixie
 * cron, when both day fields are restricted a day matching either one fires.
 *
 * @example
 *   cronMatches('*\/15 9-17 * * 1-5', new Date('2026-11-26T09:30:00Z')); // true (a Thursday)
 */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new RangeError(`cron needs 5 fields, got ${fields.length}`);
  const values = [
    at.getUTCMinutes(),
    at.getUTCHours(),
    at.getUTCDate(),
    at.getUTCMonth() + 1,
    at.getUTCDay(),
  ];
  const hit = fields.map((f, i) => fieldMatches(f, values[i]!, FIELDS[i]!, i === 4));
  const [minute, hour, dom, month, dow] = hit as [boolean, boolean, boolean, boolean, boolean];
  if (!(minute && hour && month)) return false;
  const domAny = fields[2] === '*';
  const dowAny = fields[4] === '*';
  if (domAny || dowAny) return dom && dow;
  return dom || dow;
}

function fieldMatches(
  field: string,
  value: number,
  [min, max]: readonly [number, number],
  weekday: boolean,
): boolean {
  return field.split(',').some((part) => {
    const [range = '*', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`bad step in '${part}'`);
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a, b] = range.split('-').map(Number) as [number, number | undefined];
      lo = a;
      hi = b ?? (stepText === undefined ? a : max);
    }
    if (lo < min || hi > max || lo > hi) throw new RangeError(`'${part}' is out of ${min}-${max}`);
    const matches = (v: number) => v >= lo && v <= hi && (v - lo) % step === 0;
    return matches(value) || (weekday && value === 0 && matches(7));
  });
}
