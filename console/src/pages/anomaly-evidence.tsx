import { useMemo, useState } from 'react';

import { TimeChart } from '../ui/chart';
import { Template } from '../ui/highlight';
import { ErrorText, QueryStatus, time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';

export interface AnomalyRow {
  id: string;
  service: string;
  kind: string;
  kinds: string[];
  score: number;
  status: string;
  explanation: string;
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  evidence: {
    observed: number | null;
    expected: number | null;
    unit: string | null;
    exampleLogIds: string[];
    sequence: string[] | null;
    sessionKey: string | null;
    patterns: Array<{ id: string; template: string | null }>;
  };
  logFilter: { from: string; to: string | null; query: string; services: string[] };
}

export const ANOMALY_FIELDS = `id service kind kinds score status explanation startedAt lastActivityAt endedAt
  evidence { observed expected unit exampleLogIds sequence sessionKey patterns { id template } }
  logFilter { from to query services }`;

const CONTEXT = `query ($filter: LogFilter!, $interval: String!, $examples: LogFilter!) {
  detectionSettings { windowSeconds }
  logHistogram(filter: $filter, interval: $interval) { start count }
  logs(filter: $examples, first: 10) { edges { node { id timestamp body } } } }`;
const FEEDBACK = `query ($id: String!) { feedback(filter: { targetKind: ANOMALY, targetId: $id }) {
  id verdict category givenBy givenAt supersededAt }
  classificationCategories { name } }`;
const LABEL = `mutation ($id: ID!, $verdict: AnomalyVerdict!, $category: String) {
  labelAnomaly(id: $id, verdict: $verdict, category: $category) { id } }`;

interface Context {
  detectionSettings: { windowSeconds: number };
  logHistogram: Array<{ start: string; count: number }>;
  logs: { edges: Array<{ node: { id: string; timestamp: string; body: string } }> };
}

/** Evidence of one anomaly: observed vs expected, example lines, the session sequence, feedback. */
export function AnomalyEvidence(props: { anomaly: AnomalyRow }) {
  const a = props.anomaly;
  const from = Date.parse(a.logFilter.from);
  const to = a.logFilter.to
    ? Date.parse(a.logFilter.to)
    : Math.max(Date.parse(a.lastActivityAt) + 60_000, from + 60_000);
  // A window of context either side, in buckets no finer than 15 s and no more than 120 of them.
  const span = to - from;
  const bucketS = Math.max(15, Math.ceil((span * 3) / 120 / 1000));
  const filter = {
    query: a.logFilter.query || undefined,
    services: a.logFilter.services.length ? a.logFilter.services : undefined,
    from: new Date(from - span).toISOString(),
    to: new Date(to + span).toISOString(),
  };
  const examples = a.evidence.exampleLogIds.length
    ? { query: a.evidence.exampleLogIds.map((id) => `id:${JSON.stringify(id)}`).join(' OR ') }
    : { ...filter };
  const ctx = useQuery<Context>(CONTEXT, { filter, interval: `${bucketS}s`, examples });
  const buckets = ctx.data?.logHistogram;
  const perWindow = a.evidence.unit === 'per window' && a.evidence.expected !== null;
  const windowS = ctx.data?.detectionSettings.windowSeconds ?? 60;
  const chart = useMemo(() => {
    if (!buckets) return null;
    // Expected is per detection window: scaled to the chart's bucket.
    const expected = perWindow ? ((a.evidence.expected ?? 0) * bucketS) / windowS : null;
    return {
      x: buckets.map((b) => Date.parse(b.start)),
      series: [
        { label: 'observed', values: buckets.map((b) => b.count), color: '#ff6b5b', bars: true },
        ...(expected === null
          ? []
          : [
              {
                label: 'expected',
                values: buckets.map(() => expected),
                color: '#38c172',
                dash: true,
              },
            ]),
      ],
    };
  }, [buckets, perWindow, a.evidence.expected, bucketS, windowS]);

  return (
    <section className="panel anomaly-detail" aria-label="Anomaly evidence">
      <h3>
        {a.kinds.join(', ')} <span className="muted">· {a.service}</span>
      </h3>
      <p>{a.explanation}</p>
      <p className="muted">
        score {a.score.toFixed(2)} · {a.status} · started {time(a.startedAt)}
        {a.endedAt ? ` · ended ${time(a.endedAt)}` : ''}
      </p>
      {a.evidence.observed !== null && (
        <p className="observed-expected">
          Observed <strong>{fmt(a.evidence.observed)}</strong> vs expected{' '}
          <strong>{a.evidence.expected === null ? '—' : fmt(a.evidence.expected)}</strong>{' '}
          {a.evidence.unit ?? ''}
        </p>
      )}
      <QueryStatus loading={ctx.loading} error={ctx.error} what="evidence">
        {chart && (
          <TimeChart
            title={`Observed vs expected, records per ${bucketS} s around the anomaly`}
            x={chart.x}
            series={chart.series}
            height={180}
          />
        )}
        <h4>Example lines</h4>
        {(ctx.data?.logs.edges.length ?? 0) === 0 ? (
          <p className="muted">No example lines are kept.</p>
        ) : (
          <ul className="examples">
            {ctx.data?.logs.edges.map(({ node }) => (
              <li key={node.id}>
                <span className="muted">{time(node.timestamp)}</span> <code>{node.body}</code>
              </li>
            ))}
          </ul>
        )}
      </QueryStatus>
      {a.evidence.patterns.length > 0 && (
        <>
          <h4>Patterns</h4>
          <ul className="examples">
            {a.evidence.patterns.map((p) => (
              <li key={p.id}>{p.template ? <Template template={p.template} /> : p.id}</li>
            ))}
          </ul>
        </>
      )}
      {a.evidence.sequence && (
        <>
          <h4>
            Session sequence{' '}
            {a.evidence.sessionKey && <span className="muted">({a.evidence.sessionKey})</span>}
          </h4>
          <ol className="sequence">
            {a.evidence.sequence.map((id, i) => (
              <li key={i}>
                <code>{a.evidence.patterns.find((p) => p.id === id)?.template ?? id}</code>
              </li>
            ))}
          </ol>
        </>
      )}
      <AnomalyFeedback id={a.id} />
    </section>
  );
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}

const VERDICTS = [
  ['TRUE_POSITIVE', 'Real problem'],
  ['FALSE_POSITIVE', 'False alarm'],
  ['NOISE', 'Noise'],
] as const;

function AnomalyFeedback(props: { id: string }) {
  const list = useQuery<{
    feedback: Array<{
      id: string;
      verdict: string | null;
      category: string | null;
      givenBy: string;
      givenAt: string;
      supersededAt: string | null;
    }>;
    classificationCategories: Array<{ name: string }>;
  }>(FEEDBACK, { id: props.id });
  const label = useMutation(LABEL);
  const [verdict, setVerdict] = useState<string>('TRUE_POSITIVE');
  const [category, setCategory] = useState('');
  return (
    <div className="feedback">
      <h4>Feedback</h4>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void label
            .run({ id: props.id, verdict, category: category.trim() || null })
            .then((ok) => ok && list.reload());
        }}
      >
        <label>
          Verdict
          <select value={verdict} onChange={(e) => setVerdict(e.target.value)}>
            {VERDICTS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category (optional)
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">None</option>
            {list.data?.classificationCategories.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={label.busy}>
          Record feedback
        </button>
      </form>
      <ErrorText error={label.error} />
      <QueryStatus
        loading={list.loading}
        error={list.error}
        empty={list.data?.feedback.length === 0}
        emptyText="No feedback yet."
      >
        <ul className="feedback-list">
          {list.data?.feedback.map((f) => (
            <li key={f.id} className={f.supersededAt ? 'superseded' : ''}>
              <span className="badge">{f.verdict ?? '—'}</span>{' '}
              {f.category && <span>{f.category} </span>}
              <span className="muted">
                by {f.givenBy} at {time(f.givenAt)}
                {f.supersededAt ? ' (superseded)' : ''}
              </span>
            </li>
          ))}
        </ul>
      </QueryStatus>
    </div>
  );
}
