import { onCallAt } from './on-call';

const HOUR = 3_600_000;

describe(onCallAt.name, () => {
  const rotation = { userIds: ['ada', 'grace', 'linus'], shiftMs: 8 * HOUR, startsAt: 1000 * HOUR };

  it('hands over at the end of each shift, in order, and wraps around', () => {
    expect(onCallAt(rotation, 1000 * HOUR)).toBe('ada');
    expect(onCallAt(rotation, 1008 * HOUR - 1)).toBe('ada');
    expect(onCallAt(rotation, 1008 * HOUR)).toBe('grace');
    expect(onCallAt(rotation, 1016 * HOUR)).toBe('linus');
    expect(onCallAt(rotation, 1024 * HOUR)).toBe('ada');
    expect(onCallAt(rotation, 1000 * HOUR + 10 * 24 * HOUR)).toBe('ada'); // 30 shifts later
  });

  it('has the first person on call before the rotation starts, and nobody when it is empty', () => {
    expect(onCallAt(rotation, 10 * HOUR)).toBe('ada');
    expect(onCallAt({ ...rotation, userIds: [] }, 1000 * HOUR)).toBeUndefined();
  });
});
