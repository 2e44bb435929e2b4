import { fractionAt, monthNumber, utcMillis } from '../support/time';

/**
 * `Sun Dec 04 04:47:44 2005` and `Thu Nov 26 10:11:12.123456 2026` (ctime layout, Apache's
 * error log), zone-less and so read as UTC. Null when the text is not in this layout.
 */
export function parseCtime(s: string): number | null {
  const m =
    /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})$/.exec(
      s,
    );
  if (m === null) return null;
  return utcMillis(
    Number(m[7]),
    monthNumber(m[1] as string),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    m[6] === undefined ? 0 : fractionAt(m[6], 0).millis,
  );
}
