import { accessTestFormat, TEST_FORMATS } from '../../../test/factories/log-format.factory';
import { MetricsService } from '../../common/metrics/metrics.service';
import { FormatRegistry } from './format-registry';
import { FormatsService, MAX_STREAMS } from './formats.service';

const key = (i: number, extra: object = {}) => ({
  tenantId: 't1',
  endpoint: 'api',
  dataset: `d${i}`,
  ...extra,
});

describe(FormatsService.name, () => {
  it('keeps one stream per source and forgets the least recently used past the bound', async () => {
    const metrics = new MetricsService();
    const sut = new FormatsService(metrics, new FormatRegistry(TEST_FORMATS));
    const first = sut.stream(key(0));
    expect(sut.stream(key(0))).toBe(first);
    expect(sut.stream(key(0, { service: 'a' }))).not.toBe(first);
    for (let i = 1; i <= MAX_STREAMS; i++) {
      sut.stream(key(i));
      if (i === MAX_STREAMS - 5) sut.stream(key(0)); // used recently: kept
    }
    expect(sut.streamCount).toBe(MAX_STREAMS);
    expect(sut.stream(key(0))).toBe(first);
    expect(sut.stream(key(1))).not.toBeNull();
    const gauge = await metrics.registry.getSingleMetricAsString('vigil_format_streams');
    expect(gauge).toMatch(new RegExp(`vigil_format_streams ${MAX_STREAMS}$`, 'm'));
  });

  it('pins a known format and refuses an unknown one', () => {
    const sut = new FormatsService(new MetricsService(), new FormatRegistry(TEST_FORMATS));
    expect(sut.stream(key(1, { format: 'access-test' }))?.pinned).toBe(accessTestFormat);
    expect(sut.stream(key(1, { format: 'nope' }))).toBeNull();
  });

  it("gives a tenant its own formats and restarts that tenant's streams only", () => {
    const sut = new FormatsService(new MetricsService(), new FormatRegistry([]));
    const mine = sut.stream(key(1));
    const other = sut.stream({ ...key(1), tenantId: 't2' });
    sut.setTenantFormats('t1', [accessTestFormat]);
    expect(sut.registryFor('t1').byName('access-test')).toBe(accessTestFormat);
    expect(sut.registryFor('t2').byName('access-test')).toBeUndefined();
    expect(sut.stream(key(1))).not.toBe(mine);
    expect(sut.stream({ ...key(1), tenantId: 't2' })).toBe(other);
    sut.setTenantFormats('t1', []);
    expect(sut.registryFor('t1')).toBe(sut.builtIn);
  });

  it('adds per-format counts to the metrics', async () => {
    const metrics = new MetricsService();
    const sut = new FormatsService(metrics);
    sut.countFormats(
      new Map([
        ['text', 3],
        ['json', 2],
      ]),
    );
    sut.countFormats(new Map([['text', 1]]));
    const text = await metrics.registry.getSingleMetricAsString('vigil_format_lines_total');
    expect(text).toMatch(/vigil_format_lines_total\{format="text"\} 4/);
    expect(text).toMatch(/vigil_format_lines_total\{format="json"\} 2/);
  });
});
