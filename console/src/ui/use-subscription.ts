import { useEffect, useState } from 'react';

import { subscribe } from '../api/client';
import { useSession } from '../api/session';

/**
 * Keeps the newest `keep` events of a subscription, newest first; restarts when `variables`
 * (compared as JSON) change. `error` is the last failure in words.
 */
export function useSubscription<T, E>(
  query: string,
  variables: Record<string, unknown>,
  pick: (data: T) => E,
  keep = 50,
): { events: E[]; error: string | null } {
  const { ws } = useSession();
  const key = JSON.stringify(variables);
  const [events, setEvents] = useState<E[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setEvents([]);
    setError(null);
    return subscribe<T>(
      ws,
      query,
      JSON.parse(key) as Record<string, unknown>,
      (data) => {
        setError(null);
        setEvents((old) => [pick(data), ...old].slice(0, keep));
      },
      setError,
    );
    // `pick` is expected to be stable (a module-level function).
  }, [ws, query, key, keep]);
  return { events, error };
}
