import { randomBytes } from 'node:crypto';

import { RateLimiter } from 'src/common/rate-limit/rate-limiter.service';
import { RedisService } from 'src/common/redis/redis.service';
import { AppConfig } from 'src/config/app-config';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe(RateLimiter.name, () => {
  let redis: RedisService;
  let sut: RateLimiter;
  const prefix = `vigil_test_rl_${randomBytes(4).toString('hex')}:`;

  beforeAll(() => {
    redis = new RedisService(new AppConfig({ REDIS_URL: REDIS, REDIS_PREFIX: prefix }));
    sut = new RateLimiter(redis);
  });

  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length) await redis.client.del(...keys);
    sut.onApplicationShutdown();
    await redis.onApplicationShutdown();
  });

  it('allows the burst, then refuses with a retry-after computed from the refill rate', async () => {
    const bucket = { key: 'burst', perSecond: 0.5, burst: 3, cost: 1 };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await sut.take([bucket]));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    // One token at 0.5/s takes 2 s to come back.
    expect(decisions[3]?.retryAfterSeconds).toBe(2);
  });

  it('charges several buckets all or nothing', async () => {
    const roomy = { key: 'roomy', perSecond: 1, burst: 100, cost: 1 };
    const tight = { key: 'tight', perSecond: 1, burst: 1, cost: 1 };
    await expect(sut.take([roomy, tight])).resolves.toMatchObject({ allowed: true });
    await expect(sut.take([roomy, tight])).resolves.toMatchObject({ allowed: false });
    const left = await redis.client.hget(`${prefix}ratelimit:roomy`, 't');
    // The refused call did not charge the roomy bucket (refill adds a little; never below 99).
    expect(Number(left)).toBeGreaterThanOrEqual(99);
    expect(Number(left)).toBeLessThan(100);
  });

  it('in debt mode lets a large cost through once, then refuses until it is paid back', async () => {
    const records = { key: 'records', perSecond: 10, burst: 100, cost: 150 };
    await expect(sut.take([records], 'debt')).resolves.toMatchObject({ allowed: true });
    const next = await sut.take([{ ...records, cost: 1 }], 'debt');
    expect(next.allowed).toBe(false);
    expect(next.retryAfterSeconds).toBeGreaterThanOrEqual(5);
  });

  it('lets a cost above the burst through a full bucket only, and never refuses in force mode', async () => {
    const b = { key: 'force', perSecond: 1, burst: 10, cost: 50 };
    await expect(sut.take([b])).resolves.toMatchObject({ allowed: true });
    await expect(sut.take([b])).resolves.toMatchObject({ allowed: false });
    await expect(sut.take([b], 'force')).resolves.toMatchObject({ allowed: true });
  });

  it('caps concurrent slots and frees a slot on release', async () => {
    const first = await sut.acquireSlot('subs', 2);
    const second = await sut.acquireSlot('subs', 2);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    await expect(sut.acquireSlot('subs', 2)).resolves.toBeNull();
    await first?.();
    const third = await sut.acquireSlot('subs', 2);
    expect(third).not.toBeNull();
    await second?.();
    await third?.();
    await expect(redis.client.zcard(`${prefix}ratelimit:subs`)).resolves.toBe(0);
  });

  it('rejects a bucket that could never refill', async () => {
    await expect(sut.take([{ key: 'x', perSecond: 0, burst: 1, cost: 1 }])).rejects.toThrow(
      RangeError,
    );
  });
});
