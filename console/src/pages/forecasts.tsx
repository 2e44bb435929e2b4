import { useMemo, useState } from 'react';

import { type ChartSeries, TimeChart } from '../ui/chart';
import { RANGES, window } from '../ui/ranges';
import { Empty, QueryStatus, time } from '../ui/status';
import { useQuery } from '../ui/use-query';

interface Point {
  at: string;
  value: number;
  lower80: number | null;
  upper80: number | null;
  lower95: number | null;
  upper95: number | null;
}
interface Forecast {
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

const SERVICES = `query ($filter: LogFilter!) { logFacets(field: "service", filter: $filter, size: 50) { value } }`;
const POINT = 'at value lower80 upper80 lower95 upper95';
const FORECAST = `query ($service: String!, $metric: ForecastMetric!, $horizon: Int) {
  forecast(service: $service, metric: $metric, horizonMinutes: $horizon) {
    service metric model intervalSeconds generatedAt
    actual { ${POINT} } points { ${POINT} }
    backtest { smape mape coverage80 coverage95 } } }`;

const METRICS = [
  ['VOLUME', 'Volume (records)'],
  ['ERROR_RATE', 'Error rate'],
] as const;

/** Per service: actual vs forecast with its 80% and 95% interval bands. */
export function ForecastsPage() {
  const [at] = useState(() => Date.now());
  const services = useQuery<{ logFacets: Array<{ value: string }> }>(SERVICES, {
    filter: window(RANGES[3], at),
  });
  const [service, setService] = useState('');
  const [metric, setMetric] = useState<string>('VOLUME');
  const [horizon, setHorizon] = useState(1440);
  const names = services.data?.logFacets.map((f) => f.value) ?? [];
  const chosen = service || names[0] || '';
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
            <select value={chosen} onChange={(e) => setService(e.target.value)}>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            Metric
            <select value={metric} onChange={(e) => setMetric(e.target.value)}>
              {METRICS.map(([v, text]) => (
                <option key={v} value={v}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Horizon
            <select value={horizon} onChange={(e) => setHorizon(Number(e.target.value))}>
              {[30, 60, 180, 360, 1440].map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? `${m} min` : `${m / 60} h`}
                </option>
              ))}
            </select>
          </label>
        </form>
        {chosen && <ForecastView service={chosen} metric={metric} horizon={horizon} />}
      </QueryStatus>
    </div>
  );
}

function ForecastView(props: { service: string; metric: string; horizon: number }) {
  const q = useQuery<{ forecast: Forecast | null }>(FORECAST, {
    service: props.service,
    metric: props.metric,
    horizon: props.horizon,
  });
  const f = q.data?.forecast;
  const chart = useMemo(() => (f ? toChart(f) : null), [f]);
  return (
    <section aria-label="Forecast">
      <QueryStatus
        loading={q.loading}
        error={q.error && `The forecast could not be loaded: ${q.error}`}
        what="forecast"
      >
        {!f ? (
          <Empty>No forecast for this service yet.</Empty>
        ) : (
          <>
            {chart && (
              <TimeChart
                title={`${f.service}: ${f.metric} actual vs forecast`}
                x={chart.x}
                series={chart.series}
                bands={chart.bands}
                height={260}
              />
            )}
            <p className="muted">
              model {f.model} · every {f.intervalSeconds} s · generated {time(f.generatedAt)} ·
              backtest sMAPE {pct(f.backtest.smape)}, MAPE {pct(f.backtest.mape)}, 80% coverage{' '}
              {pct(f.backtest.coverage80)}, 95% coverage {pct(f.backtest.coverage95)}
            </p>
          </>
        )}
      </QueryStatus>
    </section>
  );
}

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
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
