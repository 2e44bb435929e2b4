import { useMemo } from 'react';

import { TimeChart } from './chart';
import { QueryStatus } from './status';
import { useQuery } from './use-query';

const HISTOGRAM = `query ($filter: LogFilter!, $interval: String!) {
  logHistogram(filter: $filter, interval: $interval) { start count } }`;

/** Counts of the records a filter matches, per interval, as bars. */
export function Histogram(props: {
  title: string;
  filter: Record<string, unknown>;
  interval: string;
}) {
  const q = useQuery<{ logHistogram: Array<{ start: string; count: number }> }>(HISTOGRAM, {
    filter: props.filter,
    interval: props.interval,
  });
  const buckets = q.data?.logHistogram;
  const chart = useMemo(
    () =>
      buckets && {
        x: buckets.map((b) => Date.parse(b.start)),
        series: [
          { label: 'records', values: buckets.map((b) => b.count), color: '#4c8dff', bars: true },
        ],
      },
    [buckets],
  );
  return (
    <QueryStatus
      loading={q.loading}
      error={q.error}
      what="histogram"
      empty={buckets?.length === 0}
      emptyText="No records in this range."
    >
      {chart && <TimeChart title={props.title} x={chart.x} series={chart.series} height={160} />}
    </QueryStatus>
  );
}
