import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';

import { useSession } from '../api/session';
import { KeyList } from '../ui/key-list';
import { ErrorText, QueryStatus } from '../ui/status';

/** Work a section runs for a person: its answer is a line to show; a throw is its error. */
export type Work = () => Promise<ReactNode | void>;
/** Runs work through the section: busy, outcome or error in words, then the list reloads. */
export type Run = (work: Work) => void;

/**
 * Sections read each other's items (rules and policies offer the channels), so a change made in
 * any section reloads them all.
 */
const Changes = createContext<{ version: number; changed: () => void }>({
  version: 0,
  changed: () => undefined,
});

export function SettingsChanges(props: { children: ReactNode }) {
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((v) => v + 1), []);
  return <Changes.Provider value={{ version, changed }}>{props.children}</Changes.Provider>;
}

/** The create/edit form of a section: the draft's fields, and what creating or saving does. */
export interface SectionForm<T, D> {
  /** A fresh draft (a function, so that times like "now" are fresh too). */
  blank: () => D;
  fields: (f: Fields<D>, draft: D, editing: boolean) => ReactNode;
  createLabel: string;
  create: (draft: D) => Promise<ReactNode | void>;
  /** When given, opening an item (Enter or a click) loads it into the form to edit. */
  edit?: { toDraft: (item: T) => D; save: (item: T, draft: D) => Promise<ReactNode | void> };
}

/**
 * One settings section: its items in a keyboard list with per-item actions, a form that creates
 * or edits, and one place for the outcome or the API's error in words.
 */
export function SettingsSection<T, D>(props: {
  title: string;
  list: { loading: boolean; error: string | null; items: readonly T[] | undefined };
  reload: () => void;
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  actions?: (item: T, run: Run) => ReactNode;
  form?: SectionForm<T, D>;
  /** Above the list: filters and the like. */
  toolbar?: ReactNode;
}) {
  const { form } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [editing, setEditing] = useState<T | null>(null);
  const [draft, setDraft] = useState<D | null>(() => form?.blank() ?? null);
  const id = props.title.toLowerCase().replace(/\W+/g, '-');
  const { version, changed } = useContext(Changes);
  const seen = useRef(version);
  const { reload } = props;
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    reload();
  }, [version, reload]);

  const run: Run = (work) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    work().then(
      (said) => {
        setBusy(false);
        setNotice(said ?? null);
        changed();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  const open = (item: T) => {
    if (!form?.edit) return;
    setEditing(item);
    setDraft(form.edit.toDraft(item));
    setError(null);
  };
  const reset = () => {
    setEditing(null);
    setDraft(form?.blank() ?? null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form || draft === null) return;
    const target = editing;
    run(async () => {
      const said =
        target !== null && form.edit
          ? await form.edit.save(target, draft)
          : await form.create(draft);
      reset();
      return said;
    });
  };
  const set = (patch: Partial<D>) => setDraft((d) => (d === null ? d : { ...d, ...patch }));
  const editKey = editing !== null ? props.keyOf(editing) : null;

  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.toolbar}
      {/* A reload keeps the list (and the focus in it) in place until the answer comes. */}
      <QueryStatus
        loading={props.list.loading && props.list.items === undefined}
        error={props.list.error}
        empty={props.list.items?.length === 0}
        emptyText={`No ${props.title.toLowerCase()} yet.`}
        what={props.title.toLowerCase()}
      >
        <KeyList
          label={props.title}
          className="settings-list"
          items={props.list.items ?? []}
          keyOf={props.keyOf}
          selected={editKey}
          onOpen={form?.edit ? open : undefined}
          render={(item) => (
            <>
              <div className="item-text">{props.render(item)}</div>
              {props.actions && <div className="actions">{props.actions(item, run)}</div>}
            </>
          )}
        />
      </QueryStatus>
      {form && draft !== null && (
        <form
          className="create"
          onSubmit={submit}
          aria-label={editing !== null ? `Edit ${props.title}` : form.createLabel}
        >
          {form.fields(fields<D>(draft, set), draft, editing !== null)}
          <div className="form-buttons">
            <button type="submit" className="primary" disabled={busy}>
              {editing !== null ? 'Save changes' : form.createLabel}
            </button>
            {editing !== null && (
              <button type="button" onClick={reset}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      {form?.edit && editing === null && (
        <p className="muted hint">Open an item (Enter or a click) to edit it.</p>
      )}
      <ErrorText error={error} />
      {notice && (
        <p className="status ok" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}

/** A destructive action on one item: a mutation taking its `$id`, then a line saying it is done. */
export function DangerButton(props: {
  label: string;
  run: Run;
  mutation: string;
  id: string;
  done: string;
}) {
  const { call } = useSession();
  const { run, mutation, id, done } = props;
  return (
    <button
      className="danger"
      onClick={() =>
        run(async () => {
          await call(mutation, { id });
          return done;
        })
      }
    >
      {props.label}
    </button>
  );
}

type KeysOf<D, V> = { [K in keyof D]: D[K] extends V ? K : never }[keyof D] & string;
type Options = ReadonlyArray<readonly [value: string, text: string]>;

/** Inputs bound to one field of a draft each: the label is the input's accessible name. */
export interface Fields<D> {
  set: (patch: Partial<D>) => void;
  text: (
    key: KeysOf<D, string>,
    label: string,
    opts?: { required?: boolean; type?: string; placeholder?: string; hint?: string },
  ) => ReactNode;
  select: (key: KeysOf<D, string>, label: string, options: Options) => ReactNode;
  check: (key: KeysOf<D, boolean>, label: string) => ReactNode;
  many: (key: KeysOf<D, string[]>, label: string, options: Options) => ReactNode;
}

export function fields<D>(draft: D, set: (patch: Partial<D>) => void): Fields<D> {
  const put = (key: keyof D, value: unknown) => set({ [key]: value } as Partial<D>);
  return {
    set,
    text: (key, label, opts = {}) => (
      <label key={key}>
        {label}
        <input
          type={opts.type ?? 'text'}
          required={opts.required}
          placeholder={opts.placeholder}
          value={draft[key] as string}
          onChange={(e) => put(key, e.target.value)}
        />
        {opts.hint && <small className="muted">{opts.hint}</small>}
      </label>
    ),
    select: (key, label, options) => (
      <label key={key}>
        {label}
        <select value={draft[key] as string} onChange={(e) => put(key, e.target.value)}>
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </label>
    ),
    check: (key, label) => (
      <label key={key} className="check">
        <input
          type="checkbox"
          checked={draft[key] as boolean}
          onChange={(e) => put(key, e.target.checked)}
        />{' '}
        {label}
      </label>
    ),
    many: (key, label, options) => {
      const chosen = draft[key] as string[];
      return (
        <fieldset key={key} className="many">
          <legend>{label}</legend>
          {options.length === 0 && <span className="muted">none to choose from</span>}
          {options.map(([value, text]) => (
            <label key={value} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(value)}
                onChange={(e) =>
                  put(
                    key,
                    e.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value),
                  )
                }
              />{' '}
              {text}
            </label>
          ))}
        </fieldset>
      );
    },
  };
}

/** A number typed into a text field; null when left empty (the API applies its default). */
export function num(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

/** A comma-separated field as a list, blanks dropped. */
export function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An ISO time as a datetime-local input's value (local time, to the minute). */
export function localInput(iso: string | number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as ISO; an unreadable one is the API's to refuse. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}

/** The names of ids, for showing a route or a level: an unknown id shows as itself. */
export function namesOf(
  ids: readonly string[],
  known: ReadonlyArray<{ id: string; name: string }>,
) {
  return ids.map((id) => known.find((k) => k.id === id)?.name ?? id).join(', ');
}

/** A stored setting as a field's text: strings and numbers as they are, lists comma-separated. */
export function asText(v: unknown): string {
  if (Array.isArray(v)) return v.map(asText).join(', ');
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
