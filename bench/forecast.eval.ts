/**
 * `npm run eval:forecast`: rolling-origin evaluation of src/ml/forecast on synthetic series with
 * known structure (bench/forecast/series.ts). For every family, at 15-min and 1-h intervals,
 * several seeded series are backtested from EVAL_ORIGINS origins one day apart, each forecasting
 * one day ahead; sMAPE and 80%/95% interval coverage are printed up to 1 h, 6 h and 24 h ahead
 * for the automatically selected model (`forecast()`) and the seasonal-naive baselines (daily,
 * and weekly when two weeks are available; intervals from the same empirical method). The
 * summary per family compares auto with the better of the two baselines, pooled over both
 * intervals and all 24 h of lead time. Last: time per forecast() for 2 weeks of hourly and
 * 1 week of 15-min data.
 *
 * Env: EVAL_SEEDS (4), EVAL_ORIGINS (5).
 */
import {
  type AccuracySums,
  addPair,
  emptySums,
  type IntervalForecast,
  rollingOrigins,
  score,
} from '../src/ml/forecast/backtest';
import { forecast } from '../src/ml/forecast/forecaster';
import { empiricalIntervals } from '../src/ml/forecast/prediction-intervals';
import { stepErrors } from '../src/ml/forecast/forecast-model';
import { seasonalNaive } from '../src/ml/forecast/seasonal-naive';
import { FAMILIES, type Series } from './forecast/series';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SEEDS = Number(process.env.EVAL_SEEDS ?? 4);
const ORIGINS = Number(process.env.EVAL_ORIGINS ?? 5);
const INTERVALS = [15 * 60_000, HOUR_MS];
const LEADS_H = [1, 6, 24];
const START = Date.UTC(2026, 0, 5); // a Monday

type Method = 'auto' | 'seasonal-naive' | 'seasonal-naive-weekly';

function naive(
  history: readonly number[],
  period: number,
  horizon: number,
  series: Series,
): IntervalForecast[] {
  const model = seasonalNaive(history, period);
  const points = model.forecast(horizon);
  const clamp = (v: number): number =>
    series.bounded01 ? Math.min(1, Math.max(0, v)) : series.nonNegative ? Math.max(0, v) : v;
  return empiricalIntervals(points, stepErrors(model, horizon), model.errorKind).map((b, i) => ({
    value: clamp(points[i] ?? 0),
    lower80: clamp(b.lower80),
    upper80: clamp(b.upper80),
    lower95: clamp(b.lower95),
    upper95: clamp(b.upper95),
  }));
}

const pct = (x: number): string => x.toFixed(1).padStart(5);
const models: Record<string, Record<string, number>> = {};
let failures = 0;

for (const family of FAMILIES) {
  const pooled: Record<Method, AccuracySums> = {
    auto: emptySums(),
    'seasonal-naive': emptySums(),
    'seasonal-naive-weekly': emptySums(),
  };
  const chosen: Record<string, number> = {};
  for (const intervalMs of INTERVALS) {
    const perDay = Math.round(DAY_MS / intervalMs);
    const history = Math.round(family.historyDays * perDay);
    const horizon = perDay;
    const n = history + (ORIGINS - 1) * perDay + horizon;
    const weekly = history >= 14 * perDay;
    // sums[method][h - 1]
    const sums: Record<Method, AccuracySums[]> = {
      auto: Array.from({ length: horizon }, emptySums),
      'seasonal-naive': Array.from({ length: horizon }, emptySums),
      'seasonal-naive-weekly': Array.from({ length: horizon }, emptySums),
    };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const series = family.generate(n, intervalMs, seed * 7919 + intervalMs);
      const origins = rollingOrigins(n, {
        horizon,
        origins: ORIGINS,
        stride: perDay,
        minTrain: history,
      });
      for (const o of origins) {
        const train = series.values.slice(0, o);
        const f = forecast({ ...series, values: train, intervalMs, start: START, horizon });
        chosen[f.model] = (chosen[f.model] ?? 0) + 1;
        const byMethod: [Method, IntervalForecast[]][] = [
          ['auto', f.points],
          ['seasonal-naive', naive(train, perDay, horizon, series)],
        ];
        if (weekly)
          byMethod.push(['seasonal-naive-weekly', naive(train, 7 * perDay, horizon, series)]);
        for (const [method, points] of byMethod) {
          points.forEach((p, h) => addPair(sums[method][h]!, series.values[o + h] ?? 0, p));
        }
      }
    }
    const label = `${intervalMs / 60_000}min`;
    for (const method of ['auto', 'seasonal-naive', 'seasonal-naive-weekly'] as const) {
      if (method === 'seasonal-naive-weekly' && !weekly) continue;
      const cells = LEADS_H.map((lead) => {
        const s = score(sums[method].slice(0, Math.round((lead * HOUR_MS) / intervalMs)));
        return `≤${lead}h sMAPE ${pct(s.smape)} cov80 ${pct(s.coverage80)} cov95 ${pct(s.coverage95)}`;
      });
      console.log(
        `${family.name.padEnd(16)} ${label.padEnd(6)} ${method.padEnd(22)} ${cells.join(' | ')}`,
      );
      const all = score(sums[method]);
      const p = pooled[method];
      // Pool pair-weighted sums across intervals for the summary.
      for (const s of sums[method]) {
        p.ape += s.ape;
        p.apeCount += s.apeCount;
        p.sape += s.sape;
        p.in80 += s.in80;
        p.in95 += s.in95;
        p.count += s.count;
      }
      void all;
    }
  }
  const auto = score([pooled.auto]);
  const daily = score([pooled['seasonal-naive']]);
  const weekly =
    pooled['seasonal-naive-weekly'].count > 0 ? score([pooled['seasonal-naive-weekly']]) : null;
  const base = weekly && weekly.smape < daily.smape ? weekly : daily;
  const baseName = base === weekly ? 'seasonal-naive-weekly' : 'seasonal-naive';
  const gain = (100 * (base.smape - auto.smape)) / base.smape;
  const ok =
    (!family.seasonal || gain >= 20) &&
    Math.abs(auto.coverage80 - 80) <= 5 &&
    Math.abs(auto.coverage95 - 95) <= 5;
  if (!ok) failures++;
  models[family.name] = chosen;
  console.log(
    `family ${family.name}: auto sMAPE ${auto.smape.toFixed(2)} vs ${baseName} ${base.smape.toFixed(2)} ` +
      `(${gain >= 0 ? '−' : '+'}${Math.abs(gain).toFixed(0)}%), coverage80 ${auto.coverage80.toFixed(1)}, ` +
      `coverage95 ${auto.coverage95.toFixed(1)}${ok ? '' : '  [target missed]'}`,
  );
  console.log(
    `  models chosen: ${Object.entries(chosen)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`,
  );
  console.log('');
}

// Speed: forecast() on fresh series (selection + refit + intervals + backtest).
for (const [label, intervalMs, days] of [
  ['2 weeks hourly', HOUR_MS, 14],
  ['1 week 15-min', 15 * 60_000, 7],
] as const) {
  const perDay = Math.round(DAY_MS / intervalMs);
  const family = FAMILIES[0]!;
  const runs = 40;
  const inputs = Array.from({ length: runs }, (_, i) =>
    family.generate(days * perDay, intervalMs, 1000 + i),
  );
  forecast({ values: inputs[0]!.values, intervalMs, start: START, horizon: perDay }); // warm-up
  const t0 = process.hrtime.bigint();
  for (const s of inputs)
    forecast({ values: s.values, intervalMs, start: START, horizon: perDay, nonNegative: true });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  console.log(
    `speed ${label} (${days * perDay} values, horizon ${perDay}): ${ms.toFixed(1)} ms per series`,
  );
}
console.log(failures === 0 ? 'all targets met' : `${failures} families missed a target`);
