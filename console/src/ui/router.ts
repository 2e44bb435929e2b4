import { useEffect, useState } from 'react';

/** The location as the console uses it: a path and its query string. */
export interface Place {
  path: string;
  params: URLSearchParams;
}

const read = (): Place => ({
  path: location.pathname,
  params: new URLSearchParams(location.search),
});

/** Goes to `to` without a reload; the server answers every such path with the console. */
export function navigate(to: string): void {
  history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePlace(): Place {
  const [place, setPlace] = useState(read);
  useEffect(() => {
    const on = () => setPlace(read());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return place;
}
