import { useMemo, useState } from 'react';

import { type ChartSeries, TimeChart } from '../ui/chart';
import { Template } from '../ui/highlight';
import { RANGES, window } from '../ui/ranges';
import { Empty, QueryStatus, time } from '../ui/status';
import { useQuery } from '../ui/use-query';
import { BacktestInWords, formatValue, NextValues } from './forecast-words';

interface Point {
  at: string;
  value: number;
  lower80: number | null;
  upper80: number | null;
  lower95: number | null;
  upper95: number | null;
}
export interface Forecast {
  service: string;
  metric: string;
  model: string;
  intervalSeconds: number;
  generatedAt: string;
  actual: Point[];
  points: Point[];
  backtest: {
    smape: number | null;
    mape: number | null;
    coverage80: number | null;
    coverage95: number | null;
  };
}
interface PatternChoice {
  id: string;
  name: string | null;
  template: string;
  parameters: Array<{ position: number; numeric: { count: number; mean: number } | null }>;
}

const SERVICES = `query ($filter: LogFilter!) { logFacets(field: "service", filter: $filter, size: 50) { value } }`;
const PATTERNS = `query ($filter: PatternFilter) { patterns(filter: $filter, first: 50) { edges { node {
  id name template parameters { position numeric { count mean } } } } } }`;
const POINT = 'at value lower80 upper80 lower95 upper95';
const FORECAST = `query ($service: String!, $metric: ForecastMetric!, $horizon: Int, $interval: Int,
  $patternId: String, $parameter: Int) {
  forecast(service: $service, metric: $metric, horizonMinutes: $horizon, intervalMinutes: $interval,
    patternId: $patternId, parameter: $parameter) {
    service metric model intervalSeconds generatedAt
    actual { ${POINT} } points { ${POINT} }
    backtest { smape mape coverage80 coverage95 } } }`;

const METRICS = [
  ['VOLUME', 'Volume (records per interval)'],
  ['ERROR_RATE', 'Error rate'],
  ['PATTERN_VOLUME', 'A pattern’s volume'],
  ['PARAMETER', 'A pattern parameter (mean per interval)'],
] as const;
type Metric = (typeof METRICS)[number][0];
const needsPattern = (m: Metric) => m === 'PATTERN_VOLUME' || m === 'PARAMETER';

/** The intervals the API fits at (minutes), and the horizons offered. */
const INTERVALS = [5, 15, 60] as const;
const HORIZONS = [60, 180, 360, 720, 1440, 4320, 10080];
/** The API forecasts at most this many intervals ahead. */
const MAX_STEPS = 500;
const minutes = (m: number) => (m < 60 ? `${m} min` : m < 1440 ? `${m / 60} h` : `${m / 1440} d`);

/**
 * Per service: actual vs forecast with its 80% and 95% bands, for the metric, interval and horizon
 * chosen, with the forecast's own backtest error in words.
 */
export function ForecastsPage() {
  const [at] = useState(() => Date.now());
  const week = useMemo(() => window(RANGES[3], at), [at]);
  const services = useQuery<{ logFacets: Array<{ value: string }> }>(SERVICES, { filter: week });
  const [service, setService] = useState('');
  const [metric, setMetric] = useState<Metric>('VOLUME');
  const [interval, setInterval] = useState<number>(60);
  const [horizon, setHorizon] = useState(1440);
  const [patternId, setPatternId] = useState('');
  const [parameter, setParameter] = useState<number | null>(null);
  const names = services.data?.logFacets.map((f) => f.value) ?? [];
  const chosen = service || names[0] || '';
  const horizons = HORIZONS.filter((h) => h >= interval && h / interval <= MAX_STEPS);
  const effectiveHorizon = horizons.includes(horizon)
    ? horizon
    : (horizons.filter((h) => h <= horizon).pop() ?? horizons[0] ?? interval);

  const patterns = useQuery<{ patterns: { edges: Array<{ node: PatternChoice }> } }>(
    PATTERNS,
    { filter: { services: [chosen], ...week } },
    !chosen || !needsPattern(metric),
  );
  const choices = patterns.data?.patterns.edges.map((e) => e.node) ?? [];
  const pattern = choices.find((p) => p.id === patternId) ?? choices[0] ?? null;
  const numeric = pattern?.parameters.filter((p) => p.numeric !== null) ?? [];
  const param = numeric.find((p) => p.position === parameter) ?? numeric[0] ?? null;
  const ready =
    chosen !== '' &&
    (!needsPattern(metric) || pattern !== null) &&
    (metric !== 'PARAMETER' || param !== null);

  return (
    <div className="page forecasts">
      <h1>Forecasts</h1>
      <QueryStatus
        loading={services.loading}
        error={services.error}
        what="services"
        empty={names.length === 0}
        emptyText="No services have sent logs in the last 7 days, so there is nothing to forecast."
      >
        <form className="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            Service
            <select
              value={chosen}
              onChange={(e) => {
                setService(e.target.value);
                setPatternId('');
                setParameter(null);
              }}
            >
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            Metric
            <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              {METRICS.map(([v, text]) => (
                <option key={v} value={v}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Interval
            <select value={interval} onChange={(e) => setInterval(Number(e.target.value))}>
              {INTERVALS.map((m) => (
                <option key={m} value={m}>
                  {minutes(m)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Horizon
            <select value={effectiveHorizon} onChange={(e) => setHorizon(Number(e.target.value))}>
              {horizons.map((m) => (
                <option key={m} value={m}>
                  {minutes(m)} ahead
                </option>
              ))}
            </select>
          </label>
          {needsPattern(metric) && choices.length > 0 && (
            <label className="wide">
              Pattern
              <select
                value={pattern?.id ?? ''}
                onChange={(e) => {
                  setPatternId(e.target.value);
                  setParameter(null);
                }}
              >
                {choices.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name ?? p.template.slice(0, 80)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {metric === 'PARAMETER' && numeric.length > 0 && (
            <label>
              Parameter
              <select
                value={param?.position ?? ''}
                onChange={(e) => setParameter(Number(e.target.value))}
              >
                {numeric.map((p) => (
                  <option key={p.position} value={p.position}>
                    {`<*> number ${p.position + 1} (mean ${formatValue('PARAMETER', p.numeric?.mean ?? 0)})`}
                  </option>
                ))}
              </select>
            </label>
          )}
        </form>
        {needsPattern(metric) && (
          <QueryStatus
            loading={patterns.loading}
            error={
              patterns.error && `The patterns of ${chosen} could not be loaded: ${patterns.error}`
            }
            what="patterns"
            empty={choices.length === 0}
            emptyText={`${chosen} has no patterns with records in the last 7 days.`}
          >
            {pattern && (
              <p className="muted">
                Pattern: <Template template={pattern.template} />
              </p>
            )}
            {metric === 'PARAMETER' && pattern && numeric.length === 0 && (
              <Empty>
                This pattern has no numeric parameter to forecast; choose another pattern.
              </Empty>
            )}
          </QueryStatus>
        )}
        {ready && (
          <ForecastView
            service={chosen}
            metric={metric}
            horizon={effectiveHorizon}
            interval={interval}
            patternId={needsPattern(metric) ? (pattern?.id ?? null) : null}
            parameter={metric === 'PARAMETER' ? (param?.position ?? null) : null}
            subject={subject(metric, pattern, param?.position ?? 0)}
          />
        )}
      </QueryStatus>
    </div>
  );
}

function ForecastView(props: {
  service: string;
  metric: Metric;
  horizon: number;
  interval: number;
  patternId: string | null;
  parameter: number | null;
  subject: string;
}) {
  const q = useQuery<{ forecast: Forecast | null }>(FORECAST, {
    service: props.service,
    metric: props.metric,
    horizon: props.horizon,
    interval: props.interval,
    patternId: props.patternId,
    parameter: props.parameter,
  });
  const f = q.data?.forecast;
  const chart = useMemo(() => (f ? toChart(f) : null), [f]);
  return (
    <section aria-label="Forecast">
      <QueryStatus
        loading={q.loading}
        error={q.error && `The forecast could not be made: ${q.error}`}
        what="forecast"
        empty={!f || f.points.length === 0}
        emptyText="No forecast for this series yet."
      >
        {f && chart && (
          <div className="forecast-body">
            <div>
              <TimeChart
                title={`${f.service}: ${props.subject}, actual vs forecast with 80% and 95% bands`}
                x={chart.x}
                series={chart.series}
                bands={chart.bands}
                height={260}
              />
              <p className="muted">
                Model {f.model} · one point every {minutes(f.intervalSeconds / 60)} · made{' '}
                {time(f.generatedAt)}
              </p>
            </div>
            <BacktestInWords forecast={f} />
            <NextValues forecast={f} />
          </div>
        )}
      </QueryStatus>
    </section>
  );
}

/** What the series is, in words, for the chart's title. */
function subject(metric: Metric, pattern: PatternChoice | null, position: number): string {
  const of = pattern ? `“${pattern.name ?? pattern.template}”` : 'the pattern';
  switch (metric) {
    case 'VOLUME':
      return 'records per interval';
    case 'ERROR_RATE':
      return 'error rate';
    case 'PATTERN_VOLUME':
      return `records per interval of ${of}`;
    case 'PARAMETER':
      return `mean of <*> number ${position + 1} of ${of}`;
  }
}

/** One x axis for actual and forecast points; each series has null where it has no point. */
function toChart(f: Forecast) {
  const xs = [...new Set([...f.actual, ...f.points].map((p) => Date.parse(p.at)))].sort(
    (a, b) => a - b,
  );
  const at = (points: Point[], pick: (p: Point) => number | null) => {
    const byX = new Map(points.map((p) => [Date.parse(p.at), pick(p)]));
    return xs.map((x) => byX.get(x) ?? null);
  };
  const series: ChartSeries[] = [
    { label: 'actual', values: at(f.actual, (p) => p.value), color: '#e6e9ef' },
    { label: 'forecast', values: at(f.points, (p) => p.value), color: '#4c8dff', dash: true },
    { label: 'upper 95%', values: at(f.points, (p) => p.upper95), color: '#4c8dff', hidden: true },
    { label: 'lower 95%', values: at(f.points, (p) => p.lower95), color: '#4c8dff', hidden: true },
    { label: 'upper 80%', values: at(f.points, (p) => p.upper80), color: '#4c8dff', hidden: true },
    { label: 'lower 80%', values: at(f.points, (p) => p.lower80), color: '#4c8dff', hidden: true },
  ];
  const bands = [
    { upper: 2, lower: 3, fill: 'rgba(76, 141, 255, 0.12)' },
    { upper: 4, lower: 5, fill: 'rgba(76, 141, 255, 0.25)' },
  ];
  return { x: xs, series, bands };
}
