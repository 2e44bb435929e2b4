import { parseLokiLabels } from './loki-labels.parser';

describe(parseLokiLabels.name, () => {
  it('parses Prometheus label syntax with escapes and raw strings', () => {
    const result = parseLokiLabels('{job="api", msg="a \\"b\\"\\n\\u00e9", raw=`c\\d`,}');
    expect(result).toEqual({ ok: true, labels: { job: 'api', msg: 'a "b"\né', raw: 'c\\d' } });
  });

  it.each([
    ['{}', 'at least one label pair'],
    ['job="x"', 'must start with'],
    ['{job=x}', 'malformed quoted value'],
    ['{job="x" app="y"}', 'expected "," or "}"'],
    ['{job="x", job="y"}', 'duplicate label name job'],
    ['{9job="x"}', 'expected a label name'],
    ['{job="x"} trailing', 'unexpected text'],
    ['{job="unterminated}', 'malformed quoted value'],
  ])('refuses %s', (text, reason) => {
    const result = parseLokiLabels(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
