import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';

import { MetricsService } from '../../src/common/metrics/metrics.service';
import { parseYaml } from './mini-yaml';
import { metricNames } from './promql-names';

/**
 * The provisioned Grafana dashboard and the monitoring compose profile (docker/grafana,
 * docker/prometheus): the dashboard matches a JSON Schema of Grafana's dashboard model, its grid
 * is sound, its queries select only metrics Vigil registers, and the provisioning files point
 * where compose mounts things. Offline: nothing here talks to Grafana or Prometheus.
 */

const ROOT = join(__dirname, '..', '..');
const DOCKER = join(ROOT, 'docker');
const DASHBOARD_FILE = join(DOCKER, 'grafana', 'dashboards', 'vigil.json');

interface DatasourceRef {
  type?: string;
  uid: string;
}

interface Target {
  refId: string;
  expr: string;
  datasource?: DatasourceRef;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: DatasourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string } };
  panels?: Panel[];
}

interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: DatasourceRef;
}

interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
/** The parsed YAML at a path under docker/, typed as the test expects it (the test checks it). */
const readYaml = <T>(...path: string[]): T =>
  parseYaml(readFileSync(join(DOCKER, ...path), 'utf8')) as T;

interface DatasourcesFile {
  apiVersion: number;
  datasources: { type: string; url: string; jsonData: { timeInterval: string } }[];
}

interface DashboardsFile {
  apiVersion: number;
  providers: { type: string; options: { path: string } }[];
}

interface PrometheusFile {
  global: { scrape_interval: string };
  scrape_configs: { job_name: string; static_configs: unknown }[];
}

const dashboard = readJson(DASHBOARD_FILE) as Dashboard;
const schema = readJson(join(__dirname, 'dashboard.schema.json')) as object;
const compose = readFileSync(join(DOCKER, 'docker-compose.yml'), 'utf8');

/** Every panel, rows' nested panels included. */
const allPanels = (panels: Panel[]): Panel[] =>
  panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
const targets = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));

/** The expression of a query variable: `label_values(selector, label)` selects `selector`. */
function variableSelector(query: unknown): string {
  const text = typeof query === 'string' ? query : String((query as { query?: unknown }).query);
  const m = /^label_values\((.*),\s*\w+\)$/.exec(text.trim());
  return m ? m[1]! : text;
}

describe('Grafana dashboard for Vigil', () => {
  /** Series names Vigil exposes: counters and gauges by name, histograms by their suffixes. */
  const exposed = new Map<string, { metric: string; labels: readonly string[] }>();

  beforeAll(async () => {
    const metrics = new MetricsService();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      const single = metrics.registry.getSingleMetric(m.name) as unknown as {
        labelNames?: readonly string[];
      };
      const entry = { metric: m.name, labels: single.labelNames ?? [] };
      const suffixes = String(m.type) === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      for (const s of suffixes) exposed.set(m.name + s, entry);
    }
  });

  describe('JSON Schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);

    it('accepts the provisioned dashboard', () => {
      const ok = validate(dashboard);
      expect(ajv.errorsText(validate.errors)).toBe('No errors');
      expect(ok).toBe(true);
    });

    it('rejects a dashboard without uid, a panel wider than the grid and a graph without targets', () => {
      const copy = (): Partial<Dashboard> & { panels: Panel[] } => structuredClone(dashboard);
      const noUid = copy();
      delete noUid.uid;
      const tooWide = copy();
      tooWide.panels[1]!.gridPos.w = 25;
      const noTargets = copy();
      delete noTargets.panels.find((p) => p.type === 'timeseries')!.targets;
      for (const bad of [noUid, tooWide, noTargets]) expect(validate(bad)).toBe(false);
    });
  });

  it('has the agreed identity: uid vigil-overview, schemaVersion 39', () => {
    expect(dashboard.uid).toBe('vigil-overview');
    expect(dashboard.schemaVersion).toBe(39);
  });

  it('gives every panel a unique id', () => {
    const ids = allPanels(dashboard.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lays the top-level panels inside 24 columns without overlaps', () => {
    const boxes = dashboard.panels.map((p) => ({ title: p.title, ...p.gridPos }));
    for (const b of boxes) expect(b.x + b.w).toBeLessThanOrEqual(24);
    const overlaps: string[] = [];
    boxes.forEach((a, i) => {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      }
    });
    expect(overlaps).toEqual([]);
  });

  it('sets a unit on every query panel', () => {
    const missing = queryPanels.filter((p) => !p.fieldConfig?.defaults.unit).map((p) => p.title);
    expect(missing).toEqual([]);
  });

  it('queries only metrics that MetricsService registers', () => {
    const exprs = [
      ...targets.map(({ panel, target }) => ({
        where: `${panel.title} ${target.refId}`,
        expr: target.expr,
      })),
      ...dashboard.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({ where: `$${v.name}`, expr: variableSelector(v.query) })),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const { where, expr } of exprs) {
      const names = metricNames(expr);
      if (names.length === 0) unknown.push(`${where}: no metric in "${expr}"`);
      for (const n of names) if (!exposed.has(n)) unknown.push(`${where}: ${n}`);
    }
    expect(unknown).toEqual([]);
  });

  it('reads histogram buckets only through histogram_quantile by le', () => {
    const misuse = targets
      .map(({ target }) => target.expr)
      .filter(
        (e) => e.includes('_bucket') && !(e.includes('histogram_quantile') && /\ble\b/.test(e)),
      );
    expect(misuse).toEqual([]);
  });

  it('filters every metric with a tenant label by $tenant, and $tenant lists tenants', () => {
    const unfiltered = targets
      .filter(({ target }) =>
        metricNames(target.expr).some((n) => exposed.get(n)?.labels.includes('tenant')),
      )
      .filter(({ target }) => !target.expr.includes('tenant=~"$tenant"'))
      .map(({ panel }) => panel.title);
    expect(unfiltered).toEqual([]);
    const tenant = dashboard.templating.list.find((v) => v.name === 'tenant')!;
    expect(tenant.type).toBe('query');
    const selected = metricNames(variableSelector(tenant.query));
    expect(selected.length).toBeGreaterThan(0);
    for (const n of selected) expect(exposed.get(n)?.labels).toContain('tenant');
  });

  it('resolves every data source through the $datasource variable', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const viaVariable = { type: 'prometheus', uid: '${datasource}' };
    for (const p of queryPanels) expect(p.datasource).toEqual(viaVariable);
    for (const { target } of targets) expect(target.datasource).toEqual(viaVariable);
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      expect(v.datasource).toEqual(viaVariable);
    }
  });

  it('references only variables the dashboard defines or Grafana builds in', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const text = JSON.stringify(dashboard);
    const used = [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)].map(
      (m) => m[1] ?? m[2] ?? m[3]!,
    );
    expect(used).toContain('datasource');
    expect(used).toContain('tenant');
    expect(used.filter((name) => !name.startsWith('__') && !defined.has(name))).toEqual([]);
  });

  describe('provisioning', () => {
    it('parses the data source file: the compose Prometheus, at the scrape interval', () => {
      const file = readYaml<DatasourcesFile>(
        'grafana',
        'provisioning',
        'datasources',
        'prometheus.yml',
      );
      const prometheus = readYaml<PrometheusFile>('prometheus', 'prometheus.yml');
      expect(file.apiVersion).toBe(1);
      expect(file.datasources).toHaveLength(1);
      const [ds] = file.datasources;
      expect(ds).toMatchObject({
        type: 'prometheus',
        access: 'proxy',
        url: 'http://prometheus:9090',
      });
      expect(ds!.jsonData.timeInterval).toBe(prometheus.global.scrape_interval);
      expect(compose).toMatch(/^ {2}prometheus:$/m);
    });

    it('parses the dashboard provider: a file provider on the directory compose mounts', () => {
      const file = readYaml<DashboardsFile>('grafana', 'provisioning', 'dashboards', 'vigil.yml');
      expect(file.apiVersion).toBe(1);
      const [provider] = file.providers;
      expect(provider!.type).toBe('file');
      const path = provider!.options.path;
      expect(compose).toContain(`- ./grafana/dashboards:${path}:ro`);
      expect(compose).toContain(`GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: ${path}/vigil.json`);
      expect(compose).toContain(
        '- ./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro',
      );
      expect(compose).toContain(
        '- ./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro',
      );
      expect(readdirSync(join(DOCKER, 'grafana', 'dashboards'))).toContain('vigil.json');
    });

    it('parses the Prometheus config: job vigil scrapes vigil:3000/metrics every 15 s', () => {
      const file = readYaml<PrometheusFile>('prometheus', 'prometheus.yml');
      const [job] = file.scrape_configs;
      expect(job).toMatchObject({
        job_name: 'vigil',
        metrics_path: '/metrics',
        scrape_interval: '15s',
      });
      expect(job!.static_configs).toEqual([{ targets: ['vigil:3000'] }]);
      expect(compose).toContain('- ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
      expect(compose).toMatch(/^ {6}PORT: "3000"$/m);
    });
  });

  describe('mini YAML reader', () => {
    it('reads nested mappings, sequences of mappings, scalars and flow sequences', () => {
      const text = [
        '# comment',
        'a: 1',
        'b:',
        '  - name: x # trailing comment',
        '    on: true',
        '    tags: ["p:1", \'q\']',
        '  - plain text',
        'c: "#not a comment"',
        'd:',
      ].join('\n');
      expect(parseYaml(text)).toEqual({
        a: 1,
        b: [{ name: 'x', on: true, tags: ['p:1', 'q'] }, 'plain text'],
        c: '#not a comment',
        d: null,
      });
    });

    it('throws on what it does not read instead of misreading it', () => {
      expect(() => parseYaml('a: &anchor 1')).toThrow(SyntaxError);
      expect(() => parseYaml('a: 1\n   b: 2')).toThrow(/line 2/);
      expect(() => parseYaml('a: 1\na: 2')).toThrow(/duplicate/);
    });
  });

  describe('PromQL metric names', () => {
    it('finds the selected metrics and skips functions, labels, ranges and variables', () => {
      expect(
        metricNames(
          'histogram_quantile(0.9, sum by (le, endpoint) (rate(a_bucket{x="y",t=~"$tenant"}[$__rate_interval])))' +
            ' / on (job) group_left sum(b_total offset 5m) * 1e3',
        ),
      ).toEqual(['a_bucket', 'b_total']);
      expect(metricNames('{__name__=~"m_one|m_two"}')).toEqual(['m_one', 'm_two']);
    });
  });
});
