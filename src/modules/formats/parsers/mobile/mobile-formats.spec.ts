import type { ParsedFields } from '../../log-format';
import { androidLogcatFormat } from './android-logcat.format';

function parse(line: string, receivedAt: number): ParsedFields | null {
  return androidLogcatFormat.detect(line) ? androidLogcatFormat.parse(line, { receivedAt }) : null;
}

describe('mobile formats', () => {
  const at = Date.parse('2026-11-26T12:00:00Z');

  it("dates a New Year's Eve logcat line read after midnight in the old year", () => {
    const parsed = parse(
      '12-31 23:59:59.950  1000  1000 I chatty  : uid=1000 expire 3 lines',
      Date.parse('2027-01-01T00:00:10Z'),
    );
    expect(parsed?.timestamp).toBe(Date.parse('2026-12-31T23:59:59.950Z'));
  });

  it('looks back to a leap year for February 29', () => {
    const parsed = parse('02-29 08:00:00.000   10   10 I init    : boot', at);
    expect(parsed?.timestamp).toBe(Date.parse('2024-02-29T08:00:00Z'));
  });

  it('reads A (assert) as fatal and a numeric uid as a number', () => {
    const parsed = parse(
      "11-26 10:11:12.123 10187  5120  5120 A DEBUG   : Abort message: 'bad state'",
      at,
    );
    expect(parsed).toMatchObject({
      level: 'fatal',
      attributes: { 'android.uid': 10187, 'process.pid': 5120, 'log.logger': 'DEBUG' },
    });
  });

  it('names an error only for a throwable in the message', () => {
    const crash = parse(
      '11-26 10:11:12.123  4321  4321 E AndroidRuntime: java.lang.IllegalStateException: no view',
      at,
    );
    expect(crash?.attributes?.['error.type']).toBe('java.lang.IllegalStateException');
    const plain = parse(
      '11-26 10:11:12.123  4321  4321 I Choreographer: com.example.shop.Main',
      at,
    );
    expect(plain?.attributes).not.toHaveProperty('error.type');
  });

  it.each([
    '--------- beginning of main',
    '--------- beginning of crash',
    '11-26 10:11:12.123 E/ActivityManager( 1234): brief format is not threadtime',
    '11-26 10:11:12.123  1234  5678 X Tag: unknown level',
    '2026-11-26 10:11:12,123 ERROR [main] com.acme.Foo - log4j',
  ])('refuses %p', (line) => {
    expect(androidLogcatFormat.detect(line)).toBe(false);
    expect(androidLogcatFormat.parse(line, { receivedAt: at })).toBeNull();
  });
});
