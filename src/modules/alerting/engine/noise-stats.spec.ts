import { NoiseStats } from './noise-stats';

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe(NoiseStats.name, () => {
  it('counts a grouped notification as one sent and the rest grouped', () => {
    const sut = new NoiseStats();
    sut.recordNotification(3);
    sut.recordSuppressed('silenced');
    expect(sut.snapshot()).toMatchObject({ sent: 1, suppressedTotal: 3, noiseRatio: 0.75 });
    expect(sut.snapshot().suppressed).toEqual({
      silenced: 1,
      inhibited: 0,
      transient: 0,
      flapping: 0,
      deduplicated: 0,
      grouped: 2,
    });
  });

  it('reports a noise ratio of 0 and no alerts per incident when empty', () => {
    expect(new NoiseStats().snapshot()).toMatchObject({ noiseRatio: 0, alertsPerIncident: 0 });
  });

  it('averages alerts per incident', () => {
    const sut = new NoiseStats();
    sut.recordIncident(2);
    sut.recordIncident(5);
    expect(sut.snapshot()).toMatchObject({
      incidents: 2,
      alertsInIncidents: 7,
      alertsPerIncident: 3.5,
    });
  });

  it('survives toState/fromState and reset', () => {
    const sut = new NoiseStats();
    sut.recordNotification(1);
    sut.recordSuppressed('flapping', 4);
    const copy = NoiseStats.fromState(viaJson(sut.toState()));
    expect(copy.snapshot()).toEqual(sut.snapshot());
    copy.reset();
    expect(copy.snapshot().sent).toBe(0);
  });

  it('rejects negative or fractional counts and unknown reasons', () => {
    const sut = new NoiseStats();
    expect(() => sut.recordSuppressed('silenced', -1)).toThrow(RangeError);
    expect(() => sut.recordNotification(1.5)).toThrow(RangeError);
    expect(() => sut.recordSuppressed('bogus' as never)).toThrow(TypeError);
  });
});
