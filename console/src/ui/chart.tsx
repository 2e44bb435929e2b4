import 'uplot/dist/uPlot.min.css';

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/** One line or bar series of a time chart; `null` leaves a gap. */
export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
  bars?: boolean;
  dash?: boolean;
  /** No line: only a band edge. */
  hidden?: boolean;
}

/**
 * A time chart drawn by uPlot: `x` in epoch milliseconds, one value per x in every series. A band
 * fills between two series (indexes into `series`), as a prediction interval does.
 */
export function TimeChart(props: {
  title: string;
  x: readonly number[];
  series: readonly ChartSeries[];
  bands?: ReadonlyArray<{ upper: number; lower: number; fill: string }>;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { title, x, series, bands, height = 220 } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: true } },
      legend: { live: false },
      series: [
        {},
        ...series.map<uPlot.Series>((s) => ({
          label: s.label,
          stroke: s.hidden ? 'transparent' : s.color,
          width: s.hidden ? 0 : 2,
          dash: s.dash ? [6, 4] : undefined,
          fill: s.bars ? s.color : undefined,
          paths: s.bars ? bars : undefined,
          points: { show: false },
          spanGaps: false,
        })),
      ],
      bands: bands?.map((b) => ({ series: [b.upper + 1, b.lower + 1], fill: b.fill })),
      axes: [{ stroke: '#8a94a6' }, { stroke: '#8a94a6', size: 56 }],
    };
    const data = [
      x.map((ms) => ms / 1000),
      ...series.map((s) => [...s.values]),
    ] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, bands, height]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={title} />
    </figure>
  );
}
