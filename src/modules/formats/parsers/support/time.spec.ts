import { parseBsdTime, parseClfTime, parseDateTime, utcMillis } from './time';

describe('format time layouts', () => {
  it('reads Common Log Format times with their zone', () => {
    expect(parseClfTime('10/Oct/2000:13:55:36 -0700')).toBe(Date.parse('2000-10-10T20:55:36Z'));
    expect(parseClfTime('10/Oct/2000:13:55:36')).toBeNull();
  });

  it('gives a year-less BSD time the year nearest to its arrival', () => {
    const newYear = Date.parse('2027-01-01T00:00:05Z');
    expect(parseBsdTime('Dec 31 23:59:59', newYear)).toBe(Date.parse('2026-12-31T23:59:59Z'));
    expect(parseBsdTime('Oct  1 02:04:05', Date.parse('2026-11-26T00:00:00Z'))).toBe(
      Date.parse('2026-10-01T02:04:05Z'),
    );
    expect(parseBsdTime('Foo 1 02:04:05', newYear)).toBeNull();
  });

  it('reads slashed and comma-fraction date-times, refusing impossible dates', () => {
    expect(parseDateTime('2026/11/26 08:09:10')).toBe(Date.parse('2026-11-26T08:09:10Z'));
    expect(parseDateTime('2026-11-26 08:09:10,123')).toBe(Date.parse('2026-11-26T08:09:10.123Z'));
    expect(parseDateTime('2026-11-26 08:09:10.5 +0100')).toBe(Date.parse('2026-11-26T07:09:10.5Z'));
    expect(parseDateTime('2026-02-30 08:09:10')).toBeNull();
    expect(utcMillis(2026, 2, 29)).toBeNull();
  });
});
