import { cronMatches } from './cron';

describe('cronMatches', () => {
  // 2026-11-26 is a Thursday (day 4).
  const at = (iso: string) => new Date(iso);

  it('matches steps, ranges and lists in UTC', () => {
    expect(cronMatches('*/15 9-17 * * 1-5', at('2026-11-26T09:30:00Z'))).toBe(true);
    expect(cronMatches('*/15 9-17 * * 1-5', at('2026-11-26T09:31:00Z'))).toBe(false);
    expect(cronMatches('*/15 9-17 * * 1-5', at('2026-11-26T18:00:00Z'))).toBe(false);
    expect(cronMatches('0,30 * * * *', at('2026-11-26T03:30:00Z'))).toBe(true);
    expect(cronMatches('5-20/5 * * * *', at('2026-11-26T03:15:00Z'))).toBe(true);
    expect(cronMatches('5-20/5 * * * *', at('2026-11-26T03:25:00Z'))).toBe(false);
  });

  it('treats day of week 7 as Sunday and ORs restricted day fields', () => {
    expect(cronMatches('0 0 * * 7', at('2026-11-29T00:00:00Z'))).toBe(true); // a Sunday
    expect(cronMatches('0 0 1 * 4', at('2026-11-26T00:00:00Z'))).toBe(true); // Thursday, not the 1st
    expect(cronMatches('0 0 1 * 5', at('2026-11-26T00:00:00Z'))).toBe(false);
  });

  it('refuses malformed expressions', () => {
    expect(() => cronMatches('* * * *', at('2026-11-26T00:00:00Z'))).toThrow(/5 fields/);
    expect(() => cronMatches('61 * * * *', at('2026-11-26T00:00:00Z'))).toThrow(/out of/);
  });
});
