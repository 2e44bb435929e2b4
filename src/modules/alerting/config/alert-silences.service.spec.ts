import { AlertingError } from '../alerting.errors';
import { silenceValues } from './alert-silences.service';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;

function codeOf(work: () => unknown): string {
  try {
    work();
    return 'OK';
  } catch (err) {
    if (err instanceof AlertingError) return err.code;
    throw err;
  }
}

describe(silenceValues.name, () => {
  it('canonicalises the matchers and starts now by default', () => {
    const sut = silenceValues(
      {
        matchers: '{service = "api",env!~"dev|test"}',
        endsAt: new Date(NOW + HOUR),
        comment: ' deploy ',
      },
      'ana@example.com',
      NOW,
    );
    expect(sut).toMatchObject({
      matchers: 'service="api", env!~"dev|test"',
      startsAt: new Date(NOW),
      endsAt: new Date(NOW + HOUR),
      comment: 'deploy',
      createdBy: 'ana@example.com',
      muteUntilResolved: null,
      weekly: null,
    });
  });

  it('lets a maintenance window or a mute-until-resolved silence go without an end', () => {
    const window = silenceValues(
      { matchers: 'team="db"', comment: '', weekly: { days: [0], start: '01:00', end: '03:00' } },
      'ana',
      NOW,
    );
    expect(window.weekly).toEqual({ days: [0], start: '01:00', end: '03:00' });
    expect(window.endsAt.getTime()).toBeGreaterThan(NOW + 365 * 24 * HOUR);
    const mute = silenceValues(
      { matchers: 'alertname="x"', comment: '', muteUntilResolvedFingerprint: 'fp1' },
      'ana',
      NOW,
    );
    expect(mute.muteUntilResolved).toBe('fp1');
  });

  it.each([
    [{ matchers: 'a="b"', comment: '' }],
    [{ matchers: 'a="b"', comment: '', endsAt: new Date(NOW - 1) }],
    [{ matchers: 'a="b"', comment: '', startsAt: new Date(NOW + HOUR), endsAt: new Date(NOW + 1) }],
    [{ matchers: 'a="b"', comment: '', endsAt: new Date(NOW + 400 * 24 * HOUR) }],
    [{ matchers: 'a', comment: '', endsAt: new Date(NOW + HOUR) }],
    [
      {
        matchers: 'a="b"',
        comment: '',
        muteUntilResolvedFingerprint: 'fp',
        weekly: { days: [1], start: '01:00', end: '02:00' },
      },
    ],
  ])('refuses %j', (input) => {
    expect(codeOf(() => silenceValues(input, 'ana', NOW))).toBe('INVALID_ARGUMENT');
  });
});
