import { parseTimestamp } from './timestamp';

describe(parseTimestamp.name, () => {
  const sut = parseTimestamp;
  const at = (iso: string): number => Date.parse(iso);

  describe('ISO 8601 / RFC 3339 strings', () => {
    it.each([
      ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
      ['2024-01-02T03:04:05.1Z', '2024-01-02T03:04:05.100Z'],
      ['2024-01-02T03:04:05.12Z', '2024-01-02T03:04:05.120Z'],
      ['2024-01-02T03:04:05.123Z', '2024-01-02T03:04:05.123Z'],
      ['2024-01-02T03:04:05.123456789Z', '2024-01-02T03:04:05.123Z'],
      ['2024-01-02T03:04:05.999999z', '2024-01-02T03:04:05.999Z'],
      ['2024-01-02t03:04:05Z', '2024-01-02T03:04:05.000Z'],
      ['2024-01-02T03:04:05+02:00', '2024-01-02T01:04:05.000Z'],
      ['2024-01-02T03:04:05.5-0130', '2024-01-02T04:34:05.500Z'],
      ['2024-01-02T03:04:05+05', '2024-01-01T22:04:05.000Z'],
      ['2024-01-02T03:04:05', '2024-01-02T03:04:05.000Z'],
      ['2024-01-02 03:04:05,123', '2024-01-02T03:04:05.123Z'],
      ['2024-01-02 03:04:05.123+0000', '2024-01-02T03:04:05.123Z'],
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29T23:59:60Z', '2000-03-01T00:00:00.000Z'],
      ['2100-03-01T00:00:00Z', '2100-03-01T00:00:00.000Z'],
      ['  2024-01-02T03:04:05Z\n', '2024-01-02T03:04:05.000Z'],
    ])('parses %p', (input, expected) => {
      expect(sut(input)).toBe(at(expected));
    });

    it('agrees with Date on random instants from 1970 to 2200', () => {
      let seed = 12345;
      const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const end = Date.UTC(2201, 0, 1);
      for (let n = 0; n < 5000; n++) {
        const ms = Math.floor(next() * end);
        expect(sut(new Date(ms).toISOString())).toBe(ms);
      }
    });

    it('agrees with Date.parse on zoned strings', () => {
      for (const s of [
        '2023-12-31T23:59:59.999+14:00',
        '2000-02-29T12:00:00-11:30',
        '1970-01-01T00:00:00Z',
      ]) {
        expect(sut(s)).toBe(Date.parse(s));
      }
    });

    it.each([
      '2024-02-30T00:00:00Z',
      '2023-02-29',
      '2100-02-29',
      '2024-13-01T00:00:00Z',
      '2024-01-02T24:00:00Z',
      '2024-01-02T03:60:00Z',
      '2024-01-02T03:04:05+24:00',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:30:00+01:00',
      '2201-01-01T00:00:00Z',
    ])('rejects the impossible or out-of-range %p', (input) => {
      expect(sut(input)).toBeNull();
    });

    it('accepts the last instant of 2200', () => {
      expect(sut('2200-12-31T23:59:59.999Z')).toBe(at('2200-12-31T23:59:59.999Z'));
    });
  });

  describe('other date strings', () => {
    it('falls back to Date.parse for RFC 2822', () => {
      expect(sut('Tue, 02 Jan 2024 03:04:05 GMT')).toBe(at('2024-01-02T03:04:05Z'));
    });

    it.each([
      '',
      '   ',
      'garbage',
      'foo 12',
      'hello 2024',
      'yesterday at 10:00',
      '-5',
      '12:03:04',
      '1.2.3',
    ])('rejects %p', (input) => {
      expect(sut(input)).toBeNull();
    });
  });

  describe('epoch numbers', () => {
    it.each([
      [1_700_000_000, 1_700_000_000_000],
      [1_700_000_000_123, 1_700_000_000_123],
      [1_700_000_000_123_456, 1_700_000_000_123],
      [1.7e18, 1_700_000_000_000],
      [0, 0],
    ])('reads %p by its magnitude as %p ms', (input, expected) => {
      expect(sut(input)).toBe(expected);
    });

    // Just below each boundary the smaller unit applies, which lands past 2200 (so null);
    // at the boundary the larger unit applies and gives March 1973.
    it.each([
      [99_999_999_999, null],
      [1e11, 100_000_000_000],
      [99_999_999_999_999, null],
      [1e14, 100_000_000_000],
      [99_999_999_999_999_990, null],
      [1e17, 100_000_000_000],
    ])('switches unit at the boundary: %p -> %p', (input, expected) => {
      expect(sut(input)).toBe(expected);
    });

    it("reads Fluent Bit's fractional seconds without float drift", () => {
      expect(sut(1700000000.123)).toBe(1_700_000_000_123);
      expect(sut(1700000000.001)).toBe(1_700_000_000_001);
      expect(sut(1075686965.6)).toBe(1_075_686_965_600);
      expect(sut(2149854453.68)).toBe(2_149_854_453_680);
      expect(sut(1700000000.123456)).toBe(1_700_000_000_123);
      expect(sut('1700000000.123')).toBe(1_700_000_000_123);
    });

    it('truncates fractional milliseconds', () => {
      expect(sut(1_700_000_000_123.9)).toBe(1_700_000_000_123);
    });

    it.each([NaN, Infinity, -Infinity, -1, 7_300_000_000, 7.3e12])('rejects %p', (input) => {
      expect(sut(input)).toBeNull();
    });

    it('reads bigints and Dates', () => {
      expect(sut(1_700_000_000_123_456_789n)).toBe(1_700_000_000_123);
      expect(sut(1_700_000_000n)).toBe(1_700_000_000_000);
      expect(sut(new Date(1_700_000_000_123))).toBe(1_700_000_000_123);
      expect(sut(new Date(NaN))).toBeNull();
    });

    it('rejects other types', () => {
      expect(sut(null)).toBeNull();
      expect(sut(undefined)).toBeNull();
      expect(sut(true)).toBeNull();
      expect(sut({})).toBeNull();
      expect(sut([1_700_000_000])).toBeNull();
    });
  });

  describe('digit strings', () => {
    it.each([
      ['1700000000', 1_700_000_000_000],
      ['99999999999', null],
      ['100000000000', 100_000_000_000],
      ['1700000000123', 1_700_000_000_123],
      ['1700000000123456', 1_700_000_000_123],
      ['100000000000000', 100_000_000_000],
      ['100000000000000000', 100_000_000_000],
      ['0001700000000', 1_700_000_000_000],
      ['0', 0],
    ])('reads %p by its digit count', (input, expected) => {
      expect(sut(input)).toBe(expected);
    });

    it('keeps millisecond precision in 19-digit nanosecond strings', () => {
      // As a float this is 1700000000124000000: the ns digits round up into the next ms.
      expect(sut('1700000000123999999')).toBe(1_700_000_000_123);
      expect(sut('1704164645999999999')).toBe(at('2024-01-02T03:04:05.999Z'));
    });

    it('rejects digit strings past 2200', () => {
      expect(sut('99999999999999999999')).toBeNull();
      expect(sut('9'.repeat(60))).toBeNull();
    });
  });
});
