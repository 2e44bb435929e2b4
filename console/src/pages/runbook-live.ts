import { useCallback, useEffect, useState } from 'react';

import { subscribe } from '../api/client';
import { useSession } from '../api/session';
import { type Run, RUN_FIELDS } from './runbook-words';

const LIST = `query ($filter: RunbookRunFilter, $first: Int) { runbookRuns(filter: $filter, first: $first) { ${RUN_FIELDS} } }`;
const ONE = `query ($id: ID!) { runbookRun(id: $id) { ${RUN_FIELDS} } }`;
const UPDATED = `subscription ($runbookId: String, $runId: ID) {
  runbookRunUpdated(runbookId: $runbookId, runId: $runId) { ${RUN_FIELDS} } }`;

/** Keeps the newer of two views of a run (updates may overtake the first read). */
function merge(map: ReadonlyMap<string, Run>, runs: readonly Run[]): Map<string, Run> {
  const next = new Map(map);
  for (const run of runs) {
    const old = next.get(run.id);
    if (!old || Date.parse(run.updatedAt) >= Date.parse(old.updatedAt)) next.set(run.id, run);
  }
  return next;
}

export interface LiveRuns {
  /** Newest first. */
  runs: Run[];
  loading: boolean;
  error: string | null;
  /** Puts a run a mutation answered with in place, before its update arrives. */
  put: (run: Run) => void;
}

/**
 * Runs read once, then kept current by `runbookRunUpdated`: the subscription starts first so that
 * no change between the read and the subscription is lost. With `runId`, just that run.
 */
export function useLiveRuns(
  filter: { runbookId?: string | null; runId?: string | null },
  first = 50,
): LiveRuns {
  const { call, ws } = useSession();
  const runbookId = filter.runbookId ?? null;
  const runId = filter.runId ?? null;
  const [map, setMap] = useState<Map<string, Run>>(new Map());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setMap(new Map());
    setLoading(true);
    setError(null);
    setLiveError(null);
    const stop = subscribe<{ runbookRunUpdated: Run }>(
      ws,
      UPDATED,
      { runbookId, runId },
      (data) => {
        setLiveError(null);
        setMap((m) => merge(m, [data.runbookRunUpdated]));
      },
      setLiveError,
    );
    const read = runId
      ? call<{ runbookRun: Run | null }>(ONE, { id: runId }).then((d) =>
          d.runbookRun ? [d.runbookRun] : [],
        )
      : call<{ runbookRuns: Run[] }>(LIST, {
          filter: runbookId ? { runbookId } : null,
          first,
        }).then((d) => d.runbookRuns);
    read.then(
      (runs) => {
        if (!live) return;
        setMap((m) => merge(m, runs));
        setLoading(false);
      },
      (err: Error) => {
        if (!live) return;
        setError(err.message);
        setLoading(false);
      },
    );
    return () => {
      live = false;
      stop();
    };
  }, [call, ws, runbookId, runId, first]);

  const put = useCallback((run: Run) => setMap((m) => merge(m, [run])), []);
  const runs = [...map.values()].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id),
  );
  return { runs, loading, error: error ?? liveError, put };
}
