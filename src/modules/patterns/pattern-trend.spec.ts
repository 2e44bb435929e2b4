import { patternTrend } from './pattern-trend';

describe(patternTrend.name, () => {
  const start = Date.UTC(2026, 10, 26);

  it('calls a pattern first seen inside the range NEW, whatever its counts', () => {
    expect(patternTrend(0, 40, start + 1, start)).toBe('NEW');
    expect(patternTrend(40, 0, start, start)).toBe('NEW');
  });

  it('calls a clear increase RISING and a clear decrease FALLING', () => {
    expect(patternTrend(10, 30, start - 1, start)).toBe('RISING');
    expect(patternTrend(30, 10, start - 1, start)).toBe('FALLING');
    expect(patternTrend(0, 6, start - 1, start)).toBe('RISING');
  });

  it('calls small or proportionally modest changes STEADY', () => {
    expect(patternTrend(100, 120, start - 1, start)).toBe('STEADY');
    expect(patternTrend(1, 4, start - 1, start)).toBe('STEADY');
    expect(patternTrend(0, 0, start - 1, start)).toBe('STEADY');
  });
});
