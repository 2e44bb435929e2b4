import { time } from '../ui/status';
import type { Forecast } from './forecasts';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** A forecast value as a person reads it: error rates as percentages, counts rounded. */
export function formatValue(metric: string, v: number | null): string {
  if (v === null) return '—';
  if (metric === 'ERROR_RATE') return pct(v);
  if (metric === 'PARAMETER') return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
  return v.toFixed(v >= 10 ? 0 : 1);
}

/** How far off the forecast was on its own recent past, in sentences, with a verdict. */
function errorWords(smape: number, mape: number | null): string {
  const verdict =
    smape < 0.1
      ? 'That is close: it can be trusted for planning.'
      : smape < 0.25
        ? 'That is fair: trust the direction more than the exact values.'
        : 'That is loose: take it as a rough guide only.';
  const mapeText =
    mape === null ? 'MAPE is not defined because the series has zeros' : `MAPE ${pct(mape)}`;
  return `On its own recent past, held back and predicted, the forecast was off by ${pct(smape)} on average (sMAPE; ${mapeText}). ${verdict}`;
}

/** Whether the bands held as many actual values as they claim to. */
function coverageWords(c80: number | null, c95: number | null): string | null {
  if (c80 === null && c95 === null) return null;
  const held = [
    c80 !== null ? `the 80% band held ${pct(c80)} of the actual values` : null,
    c95 !== null ? `the 95% band held ${pct(c95)}` : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const tooNarrow = (c80 !== null && c80 < 0.65) || (c95 !== null && c95 < 0.85);
  const tooWide = (c80 === null || c80 > 0.95) && (c95 === null || c95 >= 0.995);
  const judgement = tooNarrow
    ? 'The bands are narrower than they should be: expect values outside them more often than they suggest.'
    : tooWide
      ? 'The bands are wider than they need to be: they are cautious.'
      : 'The bands can be taken about at their word.';
  return `In the same test, ${held}. ${judgement}`;
}

/** The backtest the API returns, as sentences next to the chart. */
export function BacktestInWords(props: { forecast: Forecast }) {
  const { smape, mape, coverage80, coverage95 } = props.forecast.backtest;
  const coverage = coverageWords(coverage80, coverage95);
  return (
    <section className="panel backtest" aria-label="How much to trust this forecast">
      <h3>How much to trust it</h3>
      {smape === null ? (
        <p>
          The history was too short to hold any of it back and test the forecast, so its error is
          unknown (no sMAPE): treat it as a rough guide.
        </p>
      ) : (
        <p>{errorWords(smape, mape)}</p>
      )}
      {coverage && <p>{coverage}</p>}
    </section>
  );
}

/** The first forecast points as a table (it scrolls inside its box on a narrow screen). */
export function NextValues(props: { forecast: Forecast; rows?: number }) {
  const f = props.forecast;
  const points = f.points.slice(0, props.rows ?? 12);
  const v = (x: number | null) => formatValue(f.metric, x);
  return (
    <div className="table-scroll">
      <table>
        <caption>Next {points.length} forecast values</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Forecast</th>
            <th scope="col">80% band</th>
            <th scope="col">95% band</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.at}>
              <td>{time(p.at)}</td>
              <td>{v(p.value)}</td>
              <td>
                {v(p.lower80)} – {v(p.upper80)}
              </td>
              <td>
                {v(p.lower95)} – {v(p.upper95)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
