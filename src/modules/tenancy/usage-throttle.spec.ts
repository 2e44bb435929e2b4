import { UsageThrottle } from './usage-throttle';

describe(UsageThrottle.name, () => {
  it('records the first use, then once per interval per credential', () => {
    const sut = new UsageThrottle(60_000, 100);
    const t0 = 1_000_000;
    expect(sut.shouldRecord('a', t0)).toBe(true);
    expect(sut.shouldRecord('a', t0 + 1)).toBe(false);
    expect(sut.shouldRecord('a', t0 + 59_999)).toBe(false);
    expect(sut.shouldRecord('b', t0 + 1)).toBe(true);
    expect(sut.shouldRecord('a', t0 + 60_000)).toBe(true);
    expect(sut.shouldRecord('a', t0 + 60_001)).toBe(false);
  });

  it('records 1,000 uses in ten minutes as ten writes', () => {
    const sut = new UsageThrottle(60_000, 100);
    let writes = 0;
    for (let i = 0; i < 1000; i++) if (sut.shouldRecord('k', i * 600)) writes++;
    expect(writes).toBe(10);
  });

  it('forgets everything rather than grow past its bound', () => {
    const sut = new UsageThrottle(60_000, 2);
    expect(sut.shouldRecord('a', 0)).toBe(true);
    expect(sut.shouldRecord('b', 0)).toBe(true);
    expect(sut.shouldRecord('c', 0)).toBe(true);
    expect(sut.shouldRecord('a', 1)).toBe(true);
  });
});
