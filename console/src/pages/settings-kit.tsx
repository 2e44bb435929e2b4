import { type FormEvent, type ReactNode } from 'react';

import { ErrorText, QueryStatus } from '../ui/status';

/** One settings section: a list with delete buttons and a create form under it. */
export function SettingsSection<T>(props: {
  title: string;
  loading: boolean;
  error: string | null;
  items: readonly T[] | undefined;
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  actions?: (item: T) => ReactNode;
  form: ReactNode;
  onCreate: () => void;
  createLabel: string;
  busy: boolean;
  actionError: string | null;
  notice?: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onCreate();
  };
  const id = props.title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      <QueryStatus
        loading={props.loading}
        error={props.error}
        empty={props.items?.length === 0}
        emptyText={`No ${props.title.toLowerCase()} yet.`}
      >
        <ul className="plain settings-list">
          {props.items?.map((item) => (
            <li key={props.keyOf(item)}>
              <div>{props.render(item)}</div>
              <div className="actions">{props.actions?.(item)}</div>
            </li>
          ))}
        </ul>
      </QueryStatus>
      <form className="create" onSubmit={submit} aria-label={props.createLabel}>
        {props.form}
        <button type="submit" className="primary" disabled={props.busy}>
          {props.createLabel}
        </button>
      </form>
      <ErrorText error={props.actionError} />
      {props.notice}
    </section>
  );
}

/** A destructive action on one row: runs it, then reloads the list when it took effect. */
export function DangerButton(props: {
  label: string;
  run: () => Promise<unknown>;
  reload: () => void;
}) {
  return (
    <button
      className="danger"
      onClick={() => void props.run().then((ok) => Boolean(ok) && props.reload())}
    >
      {props.label}
    </button>
  );
}

/** The required Name field of a create form. */
export function NameField(props: { value: string; onChange: (value: string) => void }) {
  return (
    <label>
      Name
      <input required value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}
