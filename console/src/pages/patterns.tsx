import { useMemo, useState } from 'react';

import { Template } from '../ui/highlight';
import { KeyList } from '../ui/key-list';
import { PATTERN_FIELDS, PatternDetail, type PatternRow } from '../ui/pattern-detail';
import { ErrorText, QueryStatus, time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';

const PATTERNS = `query ($filter: PatternFilter) { patterns(filter: $filter, first: 200) {
  edges { node { ${PATTERN_FIELDS} } } hasNextPage } }`;
const RENAME = `mutation ($id: ID!, $name: String!) { renamePattern(id: $id, name: $name) { id name } }`;
const MERGE = `mutation ($from: ID!, $into: ID!) { mergePatterns(from: $from, into: $into) { id } }`;

/** New patterns first, then the most recently first seen. */
function newFirst(a: PatternRow, b: PatternRow): number {
  const isNew = (p: PatternRow) => (p.trend === 'NEW' ? 0 : 1);
  return isNew(a) - isNew(b) || Date.parse(b.firstSeen) - Date.parse(a.firstSeen);
}

/** The pattern catalogue: counts, trends, new patterns first; rename and merge. */
export function PatternsPage() {
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const q = useQuery<{ patterns: { edges: Array<{ node: PatternRow }>; hasNextPage: boolean } }>(
    PATTERNS,
    {
      filter: search ? { search } : {},
    },
  );
  const rows = useMemo(
    () => (q.data?.patterns.edges.map((e) => e.node) ?? []).sort(newFirst),
    [q.data],
  );
  const current = rows.find((r) => r.id === selected) ?? null;
  return (
    <div className="page patterns">
      <h1>Patterns</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(draft.trim());
        }}
      >
        <input
          aria-label="Search patterns"
          placeholder="Text in the template"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <div className="split">
        <section aria-label="Pattern catalogue">
          <QueryStatus
            loading={q.loading}
            error={q.error}
            what="patterns"
            empty={rows.length === 0}
            emptyText="No patterns yet: they are learned from ingested logs."
          >
            <KeyList
              label="Patterns"
              className="pattern-list"
              items={rows}
              keyOf={(p) => p.id}
              selected={selected}
              onOpen={(p) => setSelected(p.id)}
              render={(p) => (
                <div>
                  {p.trend && (
                    <span className={`badge trend-${p.trend.toLowerCase()}`}>{p.trend}</span>
                  )}{' '}
                  <strong>{p.name ?? p.service}</strong>{' '}
                  <span className="muted">{p.totalCount} records</span>
                  <div>
                    <Template template={p.template} />
                  </div>
                  <div className="muted">first seen {time(p.firstSeen)}</div>
                </div>
              )}
            />
            {q.data?.patterns.hasNextPage && (
              <p className="muted">Showing the first 200; search to narrow down.</p>
            )}
          </QueryStatus>
        </section>
        {current && (
          <div>
            <PatternActions pattern={current} others={rows} onChanged={q.reload} />
            <PatternDetail key={current.id} id={current.id} />
          </div>
        )}
      </div>
    </div>
  );
}

function PatternActions(props: {
  pattern: PatternRow;
  others: PatternRow[];
  onChanged: () => void;
}) {
  const { pattern } = props;
  const [name, setName] = useState(pattern.name ?? '');
  const [into, setInto] = useState('');
  const rename = useMutation(RENAME);
  const merge = useMutation(MERGE);
  const targets = props.others.filter((p) => p.id !== pattern.id && p.service === pattern.service);
  return (
    <section className="panel" aria-label="Edit pattern">
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void rename.run({ id: pattern.id, name }).then((ok) => ok && props.onChanged());
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" disabled={rename.busy}>
          Rename
        </button>
      </form>
      <ErrorText error={rename.error} />
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void merge.run({ from: pattern.id, into }).then((ok) => ok && props.onChanged());
        }}
      >
        <label>
          Merge into
          <select value={into} onChange={(e) => setInto(e.target.value)} required>
            <option value="">Choose a pattern of {pattern.service}</option>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name ?? t.template.slice(0, 60)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={merge.busy || !into}>
          Merge
        </button>
      </form>
      <ErrorText error={merge.error} />
    </section>
  );
}
