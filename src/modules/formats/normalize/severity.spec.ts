import { SEVERITY_LEVELS } from 'src/modules/logs/log-record';

import { normalizeOtelSeverityNumber, normalizeSeverity, severityNumberToText } from './severity';

describe(normalizeSeverity.name, () => {
  const sut = normalizeSeverity;

  const families: Array<[string, string[]]> = [
    ['trace', ['trace', 'trc', 't']],
    ['debug', ['debug', 'dbg', 'd', 'verbose']],
    ['info', ['info', 'information', 'informational', 'notice', 'i', 'n']],
    ['warn', ['warn', 'warning', 'w']],
    ['error', ['error', 'err', 'e']],
    [
      'fatal',
      ['fatal', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic', 'f', 'c', 'severe'],
    ],
  ];

  it.each(families)('maps every %s spelling in any case', (text, spellings) => {
    const number = SEVERITY_LEVELS.find((l) => l.name === text)?.number;
    for (const spelling of spellings) {
      for (const variant of [spelling, spelling.toUpperCase(), ` ${spelling}\t`]) {
        expect(sut(variant)).toEqual({ number, text });
      }
    }
  });

  it('handles mixed case that is not pre-registered', () => {
    expect(sut('wArNiNg')).toEqual({ number: 13, text: 'warn' });
  });

  it.each([
    [0, 'fatal'],
    [1, 'fatal'],
    [2, 'fatal'],
    [3, 'error'],
    [4, 'warn'],
    [5, 'info'],
    [6, 'info'],
    [7, 'debug'],
  ])('reads syslog severity %d as %s', (n, text) => {
    expect(sut(n)?.text).toBe(text);
    expect(sut(String(n))?.text).toBe(text);
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [35, 'info'],
    [40, 'warn'],
    [49, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
    [99, 'fatal'],
  ])('reads pino/bunyan level %d as %s', (n, text) => {
    expect(sut(n)?.text).toBe(text);
    expect(sut(` ${n} `)?.text).toBe(text);
  });

  it('returns the OTel number at which the level starts', () => {
    expect(sut('error')?.number).toBe(17);
    expect(sut(30)?.number).toBe(9);
  });

  it.each([8, 9, 100, -1, 3.5, NaN, Infinity])('rejects the number %p', (n) => {
    expect(sut(n)).toBeNull();
  });

  it.each(['', '   ', 'loud', '0x10', '1e1', '-3', '3.', 'information!'])(
    'rejects the string %p',
    (s) => {
      expect(sut(s)).toBeNull();
    },
  );

  it('rejects non-level types', () => {
    expect(sut(null)).toBeNull();
    expect(sut(undefined)).toBeNull();
    expect(sut(true)).toBeNull();
    expect(sut({ level: 'info' })).toBeNull();
  });
});

describe(severityNumberToText.name, () => {
  it('names each block of four OTel numbers', () => {
    const texts = Array.from({ length: 24 }, (_, i) => severityNumberToText(i + 1));
    expect(texts).toEqual(SEVERITY_LEVELS.flatMap((l) => [l.name, l.name, l.name, l.name]));
  });

  it.each([0, 25, 1.5, -4])('returns null for %p', (n) => {
    expect(severityNumberToText(n)).toBeNull();
  });
});

describe(normalizeOtelSeverityNumber.name, () => {
  const sut = normalizeOtelSeverityNumber;

  it('keeps the fine-grained number', () => {
    expect(sut(10)).toEqual({ number: 10, text: 'info' });
    expect(sut('21')).toEqual({ number: 21, text: 'fatal' });
  });

  it('does not read syslog or pino numbers', () => {
    expect(sut(0)).toBeNull();
    expect(sut(30)).toBeNull();
    expect(sut('info')).toBeNull();
  });
});
