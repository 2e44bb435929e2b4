import type { ReactNode } from 'react';

/** Loading, error and empty states, one look everywhere. */
export function Loading(props: { what?: string }) {
  return (
    <p className="status loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function ErrorText(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <p className="status error" role="alert">
      {props.error}
    </p>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <p className="status empty">{props.children}</p>;
}

/** Shows loading / error / empty for a query, else its children. */
export function QueryStatus(props: {
  loading: boolean;
  error: string | null;
  empty?: boolean;
  emptyText?: ReactNode;
  what?: string;
  children?: ReactNode;
}) {
  if (props.error) return <ErrorText error={props.error} />;
  if (props.loading) return <Loading what={props.what} />;
  if (props.empty) return <Empty>{props.emptyText ?? 'Nothing here yet.'}</Empty>;
  return <>{props.children}</>;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
