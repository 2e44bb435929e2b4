import { AlertTracker } from './alert-state';

const MIN = 60_000;

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe(AlertTracker.name, () => {
  it('goes pending, fires once `for` has elapsed, and resolves (both notified)', () => {
    const sut = new AlertTracker();
    expect(sut.observe('fp', true, 0, 2 * MIN).map((t) => t.to)).toEqual(['pending']);
    expect(sut.observe('fp', true, MIN, 2 * MIN)).toHaveLength(0);
    const fired = sut.observe('fp', true, 2 * MIN, 2 * MIN);
    expect(fired).toEqual([
      {
        fingerprint: 'fp',
        from: 'pending',
        to: 'firing',
        at: 2 * MIN,
        kind: 'status',
        notify: true,
      },
    ]);
    expect(sut.notifiable('fp')).toBe(true);
    const resolved = sut.observe('fp', false, 5 * MIN);
    expect(resolved[0]).toMatchObject({ from: 'firing', to: 'resolved', notify: true });
    expect(sut.reportStatus('fp')).toBe('resolved');
    expect(sut.timeline('fp').map((e) => e.status)).toEqual(['pending', 'firing', 'resolved']);
  });

  it('a pending alert whose condition clears goes inactive and never fired', () => {
    const sut = new AlertTracker();
    sut.observe('fp', true, 0, 5 * MIN);
    expect(sut.observe('fp', false, MIN)[0]).toMatchObject({ to: 'inactive', notify: false });
    expect(sut.reportStatus('fp')).toBeNull();
    expect(sut.observe('other', false, MIN)).toHaveLength(0);
    expect(sut.get('other')).toBeUndefined();
  });

  it('an alert that resolves within transientMs of firing is transient and never notified', () => {
    const sut = new AlertTracker({ transientMs: 2 * MIN });
    expect(sut.observe('blip', true, 0)).toEqual([
      expect.objectContaining({ to: 'firing', notify: false, held: 'unconfirmed' }),
    ]);
    expect(sut.notifiable('blip')).toBe(false);
    expect(sut.observe('blip', false, MIN)[0]).toMatchObject({
      to: 'resolved',
      notify: false,
      held: 'transient',
    });
    expect(sut.get('blip')?.transient).toBe(true);

    sut.observe('real', true, 0);
    expect(sut.observe('real', true, MIN)).toHaveLength(0);
    expect(sut.observe('real', true, 2 * MIN)[0]).toMatchObject({
      kind: 'confirmed',
      notify: true,
    });
    expect(sut.notifiable('real')).toBe(true);
    expect(sut.observe('real', false, 3 * MIN)[0]).toMatchObject({ to: 'resolved', notify: true });
    expect(sut.get('real')?.transient).toBe(false);
  });

  it('holds a flapping alert (6 flips in an hour) until it settles (2 or fewer flips)', () => {
    const sut = new AlertTracker({ flapStart: 6, flapStop: 2, flapWindowMs: 60 * MIN });
    const notified: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ts = sut.observe('fp', i % 2 === 0, i * 5 * MIN);
      ts.filter((t) => t.kind === 'status' && t.notify).forEach((t) => notified.push(t.at / MIN));
      if (i === 5) expect(ts.map((t) => t.kind)).toEqual(['flapping_started', 'status']);
    }
    expect(notified).toEqual([0, 5, 10, 15, 20]);
    expect(sut.get('fp')?.flapping).toBe(true);
    expect(sut.reportStatus('fp')).toBe('firing');

    expect(sut.observe('fp', true, 30 * MIN)[0]).toMatchObject({
      to: 'firing',
      notify: false,
      held: 'flapping',
    });
    for (let m = 35; m <= 75; m += 5) {
      expect(sut.observe('fp', true, m * MIN)).toHaveLength(0);
      expect(sut.notifiable('fp')).toBe(false);
    }
    expect(sut.observe('fp', true, 80 * MIN)[0]).toMatchObject({
      kind: 'flapping_stopped',
      notify: true,
    });
    expect(sut.notifiable('fp')).toBe(true);
  });

  it('acknowledges firing alerts only; acknowledged alerts still resolve', () => {
    const sut = new AlertTracker();
    expect(sut.acknowledge('fp', 0, 'ana')).toBeNull();
    sut.observe('fp', true, 0);
    expect(sut.acknowledge('fp', MIN, 'ana')).toMatchObject({ to: 'acknowledged', notify: false });
    expect(sut.reportStatus('fp')).toBe('firing');
    expect(sut.timeline('fp')[1]).toEqual({
      at: MIN,
      status: 'acknowledged',
      kind: 'status',
      by: 'ana',
    });
    expect(sut.observe('fp', false, 2 * MIN)[0]).toMatchObject({
      from: 'acknowledged',
      to: 'resolved',
    });
    expect(sut.get('fp')?.acknowledgedBy).toBeNull();
  });

  it('caps the timeline and evicts resolved alerts before firing ones', () => {
    const sut = new AlertTracker({ maxTimeline: 3, maxAlerts: 2 });
    for (let i = 0; i < 4; i++) sut.observe('a', i % 2 === 0, i * MIN);
    expect(sut.timeline('a').map((e) => e.at / MIN)).toEqual([1, 2, 3]);
    sut.observe('b', true, 10 * MIN);
    sut.observe('c', true, 11 * MIN);
    expect(sut.size).toBe(2);
    expect(sut.get('a')).toBeUndefined();
    expect(sut.get('b')?.status).toBe('firing');
  });

  it('continues the same way after toState/fromState through JSON', () => {
    const sut = new AlertTracker();
    sut.observe('fp', true, 0, 2 * MIN);
    const copy = AlertTracker.fromState(viaJson(sut.toState()));
    expect(copy.observe('fp', true, 2 * MIN, 2 * MIN)[0]).toMatchObject({
      to: 'firing',
      notify: true,
    });
    expect(sut.get('fp')?.status).toBe('pending');
  });

  it('rejects bad options', () => {
    expect(() => new AlertTracker({ flapStart: 2, flapStop: 2 })).toThrow(RangeError);
    expect(() => new AlertTracker({ transientMs: -1 })).toThrow(RangeError);
  });
});
