import type {
  ConfigChangeListener,
  ConfigTopic,
} from '../../../common/config-bus/tenant-config.bus';
import { type ConfigChangeSource, TenantConfigCache } from './tenant-config.cache';

/** A bus that delivers what the test says, on one replica. */
class FakeBus implements ConfigChangeSource {
  listening = true;
  readonly #listeners: Array<[ConfigTopic, ConfigChangeListener]> = [];

  listen(topic: ConfigTopic, listener: ConfigChangeListener): () => void {
    this.#listeners.push([topic, listener]);
    return () => undefined;
  }

  changed(topic: ConfigTopic, tenantId: string): void {
    for (const [t, l] of this.#listeners) if (t === topic) l.changed(tenantId);
  }

  resync(): void {
    for (const [, l] of this.#listeners) l.resync();
  }
}

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe(TenantConfigCache.name, () => {
  let bus: FakeBus;
  let now: number;
  let loads: string[];
  let version: number;
  let sut: TenantConfigCache<string>;

  beforeEach(() => {
    bus = new FakeBus();
    now = 0;
    loads = [];
    version = 1;
    sut = new TenantConfigCache(
      bus,
      'log_formats',
      (tenantId) => {
        loads.push(tenantId);
        return Promise.resolve(`${tenantId}:v${version}`);
      },
      { untrustedTtlMs: 1_000, maxAgeMs: 60_000, maxTenants: 2 },
      () => now,
    );
  });

  it('loads once per tenant, concurrent callers included', async () => {
    const [x, y] = await Promise.all([sut.get(A), sut.get(A)]);
    expect([x, y, await sut.get(A)]).toEqual([`${A}:v1`, `${A}:v1`, `${A}:v1`]);
    expect(loads).toEqual([A]);
  });

  it('reloads a tenant when its configuration changes, and only that tenant', async () => {
    await sut.get(A);
    await sut.get(B);
    version = 2;
    bus.changed('log_formats', A);
    bus.changed('redaction_policy', B);
    expect(await sut.get(A)).toBe(`${A}:v2`);
    expect(await sut.get(B)).toBe(`${B}:v1`);
  });

  it('drops everything on a resync', async () => {
    await sut.get(A);
    version = 2;
    bus.resync();
    expect(await sut.get(A)).toBe(`${A}:v2`);
  });

  it('trusts an entry only briefly while the bus is down, and for its maximum age otherwise', async () => {
    await sut.get(A);
    now = 30_000;
    await sut.get(A);
    expect(loads).toHaveLength(1);
    bus.listening = false;
    await sut.get(A);
    expect(loads).toHaveLength(2);
    now += 999;
    await sut.get(A);
    expect(loads).toHaveLength(2);
    bus.listening = true;
    now += 60_000;
    await sut.get(A);
    expect(loads).toHaveLength(3);
  });

  it('does not cache a failed load', async () => {
    const failing = new TenantConfigCache<string>(bus, 'log_formats', () => {
      loads.push('attempt');
      return loads.length === 1 ? Promise.reject(new Error('db down')) : Promise.resolve('ok');
    });
    await expect(failing.get(A)).rejects.toThrow('db down');
    expect(await failing.get(A)).toBe('ok');
  });

  it('keeps at most maxTenants entries, dropping the oldest', async () => {
    const C = '00000000-0000-4000-8000-00000000000c';
    await sut.get(A);
    await sut.get(B);
    await sut.get(C);
    await sut.get(B);
    expect(loads).toEqual([A, B, C]);
    await sut.get(A);
    expect(loads).toEqual([A, B, C, A]);
  });
});
