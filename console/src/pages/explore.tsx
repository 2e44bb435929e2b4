import { useMemo, useState } from 'react';

import { Histogram } from '../ui/histogram';
import { Highlighted } from '../ui/highlight';
import { KeyList } from '../ui/key-list';
import { PatternDetail } from '../ui/pattern-detail';
import { RANGES, window } from '../ui/ranges';
import { navigate, usePlace } from '../ui/router';
import { QueryStatus, time } from '../ui/status';
import { useQuery } from '../ui/use-query';

interface Record_ {
  id: string;
  timestamp: string;
  service: string;
  host: string;
  severityText: string;
  body: string;
  patternId: string | null;
  patternParams: string[];
  category: string | null;
  traceId: string | null;
  attributes: Record<string, unknown>;
}

const LOGS = `query ($filter: LogFilter!) { logs(filter: $filter, first: 100) { totalCount edges { node {
  id timestamp service host severityText body patternId patternParams category traceId attributes } } } }`;
const FACETS = `query ($filter: LogFilter!) {
  service: logFacets(field: "service", filter: $filter) { value count }
  level: logFacets(field: "level", filter: $filter) { value count } }`;

type Facets = Record<'service' | 'level', Array<{ value: string; count: number }>>;

/** Search with the search language: histogram, facets, records; a record opens its pattern. */
export function ExplorePage() {
  const place = usePlace();
  const query = place.params.get('q') ?? '';
  const rangeIndex = Number(place.params.get('range') ?? 1);
  const range = RANGES[rangeIndex] ?? RANGES[1];
  const [draft, setDraft] = useState(query);
  const [at, setAt] = useState(() => Date.now());
  const [open, setOpen] = useState<Record_ | null>(null);
  const [patternId, setPatternId] = useState<string | null>(null);
  const filter = useMemo(
    () => ({ ...(query ? { query } : {}), ...window(range, at) }),
    [query, range, at],
  );

  const search = (q: string, r = rangeIndex) => {
    setAt(Date.now());
    setOpen(null);
    setPatternId(null);
    navigate(`/explore?q=${encodeURIComponent(q)}&range=${r}`);
  };
  const logs = useQuery<{ logs: { totalCount: number; edges: Array<{ node: Record_ }> } }>(LOGS, {
    filter,
  });
  const facets = useQuery<Facets>(FACETS, { filter });
  const records = logs.data?.logs.edges.map((e) => e.node) ?? [];
  const addTerm = (field: string, value: string) => {
    const term = `${field}:${/\s/.test(value) ? JSON.stringify(value) : value}`;
    const q = query ? `${query} AND ${term}` : term;
    setDraft(q);
    search(q);
  };

  return (
    <div className="page explore">
      <h1>Explore</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          search(draft.trim());
        }}
      >
        <input
          aria-label="Search"
          placeholder='level:error AND service:api AND "timed out"'
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <select
          aria-label="Time range"
          value={rangeIndex}
          onChange={(e) => search(draft.trim(), Number(e.target.value))}
        >
          {RANGES.map((r, i) => (
            <option key={r.label} value={i}>
              {r.label}
            </option>
          ))}
        </select>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <Histogram
        title={`Records per ${range.interval}`}
        filter={filter}
        interval={range.interval}
      />
      <div className="explore-body">
        <aside className="facets" aria-label="Facets">
          <QueryStatus loading={facets.loading} error={facets.error} what="facets">
            {(['service', 'level'] as const).map((field) => (
              <div key={field}>
                <h3>{field}</h3>
                {(facets.data?.[field] ?? []).length === 0 && <p className="muted">none</p>}
                <ul>
                  {(facets.data?.[field] ?? []).map((b) => (
                    <li key={b.value}>
                      <button className="link" onClick={() => addTerm(field, b.value)}>
                        {b.value}
                      </button>{' '}
                      <span className="muted">{b.count}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </QueryStatus>
        </aside>
        <section className="records" aria-label="Records">
          <QueryStatus
            loading={logs.loading}
            error={logs.error}
            what="records"
            empty={records.length === 0}
            emptyText="No records match this search in this range."
          >
            <p className="muted">{logs.data?.logs.totalCount ?? 0} records (newest 100 shown)</p>
            <KeyList
              label="Records"
              className="record-list"
              items={records}
              keyOf={(r) => r.id}
              selected={open?.id ?? null}
              onOpen={(r) => {
                setOpen(r);
                setPatternId(null);
              }}
              render={(r) => (
                <div className="record">
                  <span className="muted">{time(r.timestamp)}</span>{' '}
                  <span className={`level level-${r.severityText.toLowerCase()}`}>
                    {r.severityText}
                  </span>{' '}
                  <strong>{r.service}</strong>{' '}
                  <Highlighted body={r.body} params={r.patternParams} />
                </div>
              )}
            />
          </QueryStatus>
        </section>
        {open && (
          <section className="panel record-detail" aria-label="Record">
            <h3>Record</h3>
            <button className="close" aria-label="Close record" onClick={() => setOpen(null)}>
              ×
            </button>
            <p>
              <Highlighted body={open.body} params={open.patternParams} />
            </p>
            <dl>
              <dt>Time</dt>
              <dd>{time(open.timestamp)}</dd>
              <dt>Service</dt>
              <dd>{open.service}</dd>
              <dt>Host</dt>
              <dd>{open.host}</dd>
              <dt>Level</dt>
              <dd>{open.severityText}</dd>
              {open.category && (
                <>
                  <dt>Category</dt>
                  <dd>{open.category}</dd>
                </>
              )}
              {open.traceId && (
                <>
                  <dt>Trace</dt>
                  <dd>{open.traceId}</dd>
                </>
              )}
            </dl>
            <pre className="attributes">{JSON.stringify(open.attributes, null, 2)}</pre>
            {open.patternId ? (
              <button className="primary" onClick={() => setPatternId(open.patternId)}>
                Show pattern
              </button>
            ) : (
              <p className="muted">No pattern assigned.</p>
            )}
            {patternId && <PatternDetail id={patternId} />}
          </section>
        )}
      </div>
    </div>
  );
}
