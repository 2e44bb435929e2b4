import { useMemo } from 'react';

import { Histogram } from './histogram';
import { Template } from './highlight';
import { RANGES, window } from './ranges';
import { QueryStatus, time } from './status';
import { useQuery } from './use-query';

export const PATTERN_FIELDS = `id service name template count totalCount trend firstSeen lastSeen
  pinned userDefined aliases examples`;

export interface PatternRow {
  id: string;
  service: string;
  name: string | null;
  template: string;
  count: number | null;
  totalCount: number;
  trend: string | null;
  firstSeen: string;
  lastSeen: string;
  pinned: boolean;
  userDefined: boolean;
  aliases: string[];
  examples: string[];
}

const PATTERN = `query ($id: ID!) { pattern(id: $id) { ${PATTERN_FIELDS} } }`;

/** One pattern: its template, counts, trend over the last 24 hours and example lines. */
export function PatternDetail(props: { id: string }) {
  const q = useQuery<{ pattern: PatternRow | null }>(PATTERN, { id: props.id });
  const range = RANGES[2];
  const filter = useMemo(() => ({ patternId: props.id, ...window(range) }), [props.id, range]);
  const p = q.data?.pattern;
  return (
    <section className="panel pattern-detail" aria-label="Pattern">
      <QueryStatus
        loading={q.loading}
        error={q.error}
        empty={q.data !== null && !p}
        emptyText="This pattern no longer exists."
        what="pattern"
      >
        {p && (
          <>
            <h3>
              {p.name ?? 'Pattern'} <span className="muted">· {p.service}</span>
            </h3>
            <Template template={p.template} />
            <p className="muted">
              {p.totalCount} records in all · trend {p.trend ?? '—'} · first seen{' '}
              {time(p.firstSeen)} · last seen {time(p.lastSeen)}
            </p>
            <Histogram
              title="Trend: records of this pattern, last 24 hours"
              filter={filter}
              interval={range.interval}
            />
            <h4>Examples</h4>
            {p.examples.length === 0 ? (
              <p className="muted">No examples kept.</p>
            ) : (
              <ul className="examples">
                {p.examples.map((e, i) => (
                  <li key={i}>
                    <code>{e}</code>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </QueryStatus>
    </section>
  );
}
