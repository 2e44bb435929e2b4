import { parseMatchers } from './labels';
import { type Silence, SilenceSet } from './silences';

const MIN = 60_000;
const HOUR = 60 * MIN;

function silence(over: Partial<Silence> & { id: string }): Silence {
  return {
    matchers: parseMatchers('service="api"'),
    startsAt: 0,
    endsAt: HOUR,
    createdBy: 'ana',
    comment: 'deploy',
    ...over,
  };
}

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe(SilenceSet.name, () => {
  it('silences matching alerts only while startsAt <= now < endsAt', () => {
    const sut = new SilenceSet();
    sut.add(silence({ id: 's1', startsAt: 10 * MIN, endsAt: 20 * MIN }));
    const api = { service: 'api', host: 'h1' };
    expect(sut.isSilenced(api, 'fp1', 9 * MIN)).toBeNull();
    expect(sut.isSilenced(api, 'fp1', 10 * MIN)?.id).toBe('s1');
    expect(sut.isSilenced(api, 'fp1', 20 * MIN - 1)?.id).toBe('s1');
    expect(sut.isSilenced(api, 'fp1', 20 * MIN)).toBeNull();
    expect(sut.isSilenced({ service: 'web' }, 'fp2', 15 * MIN)).toBeNull();
  });

  it('a mute-until-resolved silence mutes only its alert and ends when it resolves', () => {
    const sut = new SilenceSet();
    sut.add(
      silence({
        id: 'mute',
        endsAt: Number.MAX_SAFE_INTEGER,
        muteUntilResolved: { fingerprint: 'fp1' },
      }),
    );
    expect(sut.isSilenced({ service: 'api' }, 'fp1', HOUR)?.id).toBe('mute');
    expect(sut.isSilenced({ service: 'api' }, 'fp2', HOUR)).toBeNull();
    expect(sut.alertResolved('fp1', 2 * HOUR)).toEqual(['mute']);
    expect(sut.isSilenced({ service: 'api' }, 'fp1', 2 * HOUR)).toBeNull();
    expect(sut.alertResolved('fp1', 3 * HOUR)).toEqual([]);
  });

  it('a weekly maintenance window (Sunday 22:00 to 02:00 UTC) silences across midnight', () => {
    const sut = new SilenceSet();
    sut.addMaintenance({
      id: 'mw',
      matchers: parseMatchers('service="db"'),
      weekly: { days: [0], start: '22:00', end: '02:00', timeZone: 'UTC' },
      createdBy: 'ops',
      comment: 'backups',
    });
    const db = { service: 'db' };
    const sunday = Date.UTC(2026, 10, 29);
    expect(new Date(sunday).getUTCDay()).toBe(0);
    expect(sut.isSilenced(db, 'fp', sunday + 21 * HOUR + 59 * MIN)).toBeNull();
    const hit = sut.isSilenced(db, 'fp', sunday + 23 * HOUR);
    expect(hit).toMatchObject({
      id: 'mw',
      startsAt: sunday + 22 * HOUR,
      endsAt: sunday + 26 * HOUR,
    });
    expect(sut.isSilenced(db, 'fp', sunday + 26 * HOUR - 1)?.id).toBe('mw');
    expect(sut.isSilenced(db, 'fp', sunday + 26 * HOUR)).toBeNull();
    expect(sut.isSilenced(db, 'fp', sunday + 7 * 24 * HOUR + 23 * HOUR)?.id).toBe('mw');
    expect(sut.isSilenced({ service: 'api' }, 'fp', sunday + 23 * HOUR)).toBeNull();
  });

  it('rejects bad windows and silences', () => {
    const sut = new SilenceSet();
    const weekly = { days: [1], start: '24:00', end: '02:00', timeZone: 'UTC' as const };
    expect(() =>
      sut.addMaintenance({ id: 'x', matchers: [], weekly, createdBy: '', comment: '' }),
    ).toThrow(RangeError);
    expect(() =>
      sut.addMaintenance({
        id: 'x',
        matchers: [],
        weekly: { ...weekly, start: '01:00', days: [7] },
        createdBy: '',
        comment: '',
      }),
    ).toThrow(RangeError);
    expect(() => sut.add(silence({ id: 'x', startsAt: 5, endsAt: 5 }))).toThrow(RangeError);
  });

  it('prunes ended silences and survives toState/fromState', () => {
    const sut = new SilenceSet();
    sut.add(silence({ id: 'old', endsAt: HOUR }));
    sut.add(silence({ id: 'new', endsAt: 5 * HOUR }));
    const copy = SilenceSet.fromState(viaJson(sut.toState()));
    expect(copy.isSilenced({ service: 'api' }, 'fp', 2 * HOUR)?.id).toBe('new');
    expect(copy.prune(2 * HOUR)).toBe(1);
    expect(copy.size).toBe(1);
    expect(copy.active(2 * HOUR).map((s) => s.id)).toEqual(['new']);
  });
});
