import { useCallback, useEffect, useState } from 'react';

import { useSession } from '../api/session';

/** The state of one GraphQL read: loading, its data, or its error in words. */
export interface QueryState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `query` whenever `variables` (compared as JSON) change; `skip` holds it back. A later answer
 * replaces an earlier one, and an answer for stale variables is dropped.
 */
export function useQuery<T>(
  query: string,
  variables: Record<string, unknown> = {},
  skip = false,
): QueryState<T> {
  const { call } = useSession();
  const key = JSON.stringify(variables);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<Omit<QueryState<T>, 'reload'>>({
    data: null,
    error: null,
    loading: !skip,
  });
  useEffect(() => {
    if (skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    call<T>(query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (err: Error) => live && setState({ data: null, error: err.message, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [call, query, key, skip, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs a mutation; keeps its last error in words and whether it is under way. */
export function useMutation<T>(query: string) {
  const { call } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (variables: Record<string, unknown>): Promise<T | null> => {
      setBusy(true);
      setError(null);
      try {
        return await call<T>(query, variables);
      } catch (err) {
        setError((err as Error).message);
        return null;
      } finally {
        setBusy(false);
      }
    },
    [call, query],
  );
  return { run, busy, error };
}
