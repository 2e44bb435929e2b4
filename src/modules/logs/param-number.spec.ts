import { assertStatsParam, paramNumber } from './param-number';

describe(paramNumber.name, () => {
  it('reads plain decimals: integers, fractions, signs and exponents', () => {
    const cases: Array<[string, number]> = [
      ['12', 12],
      ['-3', -3],
      ['+7', 7],
      ['0.25', 0.25],
      ['.5', 0.5],
      ['5.', 5],
      ['007', 7],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['-0', 0],
      ['0e999', 0],
    ];
    for (const [text, value] of cases) expect(paramNumber(text)).toBe(value);
  });

  it('refuses units, spaces, words, hex, empty text and four-digit exponents', () => {
    for (const text of [
      '',
      '12ms',
      ' 12',
      '12 ',
      '1,5',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x10',
      '1d',
      '.',
      '-',
      'e5',
      '1e',
      '1e1000',
      '1.2.3',
      '--1',
    ]) {
      expect(paramNumber(text)).toBeNull();
    }
  });

  it('keeps magnitudes from 1e-307 up to, not including, 1e308', () => {
    expect(paramNumber('9.99e307')).toBeCloseTo(9.99e307, -300);
    expect(paramNumber('1e308')).toBeNull();
    expect(paramNumber('-10e307')).toBeNull();
    expect(paramNumber('1e-307')).toBe(1e-307);
    expect(paramNumber('0.1e-307')).toBeNull();
    expect(paramNumber('1e-400')).toBeNull();
    // The order of magnitude is read from the text, leading zeros and all.
    expect(paramNumber('0.001e310')).toBe(1e307);
    expect(paramNumber('1000e305')).toBeNull();
  });

  it('refuses text longer than 64 characters', () => {
    expect(paramNumber('1'.repeat(64))).not.toBeNull();
    expect(paramNumber('1'.repeat(65))).toBeNull();
  });
});

describe(assertStatsParam.name, () => {
  it('takes integer indexes from 0 to 31 only', () => {
    expect(() => assertStatsParam(0)).not.toThrow();
    expect(() => assertStatsParam(31)).not.toThrow();
    for (const bad of [-1, 32, 0.5, Number.NaN]) {
      expect(() => assertStatsParam(bad)).toThrow(RangeError);
    }
  });
});
