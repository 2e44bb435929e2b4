import { phpErrorFormat } from './php-error.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(phpErrorFormat.name, () => {
  it('converts named zones with their daylight saving offset', () => {
    const summer = phpErrorFormat.parse('[01-Jul-2026 12:00:00 Europe/Paris] PHP Notice:  x', ctx);
    expect(summer?.timestamp).toBe(Date.parse('2026-07-01T10:00:00Z'));
    const winter = phpErrorFormat.parse('[01-Dec-2026 12:00:00 Europe/Paris] PHP Notice:  x', ctx);
    expect(winter?.timestamp).toBe(Date.parse('2026-12-01T11:00:00Z'));
  });

  it('reads a time without a zone as UTC and leaves out an unknown zone', () => {
    expect(phpErrorFormat.parse('[26-Nov-2026 10:00:00] PHP Warning:  x', ctx)?.timestamp).toBe(
      Date.parse('2026-11-26T10:00:00Z'),
    );
    const unknown = phpErrorFormat.parse(
      '[26-Nov-2026 10:00:00 Mars/Olympus] PHP Warning:  x',
      ctx,
    );
    expect(unknown?.timestamp).toBeUndefined();
    expect(unknown?.message).toBe('x');
  });

  it('keeps an unknown error type without a level', () => {
    const parsed = phpErrorFormat.parse('[26-Nov-2026 10:00:00 UTC] PHP Stack trace:', ctx);
    expect(parsed?.level).toBeUndefined();
    expect(parsed?.attributes?.['php.error_type']).toBe('Stack trace');
  });

  it('leaves out an impossible date and keeps the line', () => {
    const parsed = phpErrorFormat.parse('[31-Nov-2026 10:11:12 UTC] PHP Warning:  x', ctx);
    expect(parsed?.timestamp).toBeUndefined();
    expect(parsed?.level).toBe('warn');
  });

  it.each([
    [
      'PHP-FPM pool messages',
      '[26-Nov-2026 10:11:12] WARNING: [pool www] child 12 said into stderr',
    ],
    ['a date in another layout', '[2026-11-26 10:11:12] PHP Warning:  x'],
    ['a type glued to the text', '[26-Nov-2026 10:11:12 UTC] PHP Warning:x'],
  ])('rejects %s', (_what, line) => {
    expect(phpErrorFormat.detect(line)).toBe(false);
    expect(phpErrorFormat.parse(line, ctx)).toBeNull();
  });
});
