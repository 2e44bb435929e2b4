import { type FormEvent, useState } from 'react';

import { useSession } from '../api/session';
import { ErrorText } from '../ui/status';
import {
  actionDetails,
  actionWords,
  type Run,
  RUN_FIELDS,
  type Runbook,
  type RunbookParameter,
} from './runbook-words';

interface PlannedStep {
  index: number;
  id: string;
  name?: string;
  when?: { expression: string; result: boolean | 'unknown' };
  timeoutSeconds: number;
  retries: { max: number; backoffSeconds: number };
  on_failure: string;
  action?: Record<string, unknown> & { kind: string };
  error?: string;
}

interface DryRun {
  ok: boolean;
  parameterErrors: Array<{ parameter: string; message: string }>;
  plan: { steps: PlannedStep[] } | null;
}

const START = `mutation ($id: String!, $input: JSON, $dry: Boolean, $fp: ID) {
  startRunbook(id: $id, input: $input, dryRun: $dry, alertFingerprint: $fp) {
    run { ${RUN_FIELDS} }
    dryRun { ok parameterErrors { parameter message } plan } } }`;

/** The input key a parameter is given under, or null when it comes from an alert or a log line. */
function inputKey(p: RunbookParameter): string | null {
  if (p.from === undefined) return p.name;
  return p.from.startsWith('input.') ? p.from.slice('input.'.length) : null;
}

/** A field's text as the value the API expects; empty fields are left out (defaults apply). */
function inputValue(p: RunbookParameter, text: string): unknown {
  if (p.type === 'boolean') return text === 'true';
  if (p.type === 'integer' || p.type === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

function sourceWords(from: string): string {
  if (from.startsWith('alert.labels.')) return `the alert label ${from.slice(13)}`;
  if (from.startsWith('alert.annotations.')) return `the alert annotation ${from.slice(18)}`;
  if (from === 'anomaly.service') return 'the alerting service';
  if (from.startsWith('pattern.param.')) return 'the triggering log line';
  return from;
}

/** One field per declared parameter; Dry run shows the plan (or what is wrong), Start runs it. */
export function RunForm(props: { runbook: Runbook; onStarted: (run: Run) => void }) {
  const { call } = useSession();
  const params = props.runbook.definition.parameters ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [fingerprint, setFingerprint] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dry, setDry] = useState<DryRun | null>(null);
  const fromAlert = params.some((p) => inputKey(p) === null && !p.from?.startsWith('pattern.'));

  const go = async (dryRun: boolean) => {
    const input: Record<string, unknown> = {};
    for (const p of params) {
      const key = inputKey(p);
      const text = values[p.name] ?? '';
      if (key !== null && text !== '') input[key] = inputValue(p, text);
    }
    setBusy(true);
    setError(null);
    setDry(null);
    try {
      const { startRunbook } = await call<{ startRunbook: { run: Run | null; dryRun: DryRun } }>(
        START,
        { id: props.runbook.id, input, dry: dryRun, fp: fingerprint.trim() || null },
      );
      if (dryRun) setDry(startRunbook.dryRun);
      else if (startRunbook.run) props.onStarted(startRunbook.run);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void go(false);
  };

  return (
    <form className="run-form" onSubmit={submit} aria-label={`Run ${props.runbook.name}`}>
      <h3>Run</h3>
      {params.length === 0 && <p className="muted">This runbook takes no parameters.</p>}
      <div className="param-fields">
        {params.map((p) => (
          <ParameterField
            key={p.name}
            param={p}
            value={values[p.name] ?? ''}
            onChange={(v) => setValues((old) => ({ ...old, [p.name]: v }))}
          />
        ))}
        {fromAlert && (
          <label>
            Alert fingerprint (optional)
            <input value={fingerprint} onChange={(e) => setFingerprint(e.target.value)} />
            <small className="muted">Parameters taken from an alert read this alert.</small>
          </label>
        )}
      </div>
      <div className="form-buttons">
        <button type="button" disabled={busy} onClick={() => void go(true)}>
          Dry run
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Start
        </button>
      </div>
      <ErrorText error={error} />
      {dry && <DryRunResult dry={dry} />}
    </form>
  );
}

function ParameterField(props: {
  param: RunbookParameter;
  value: string;
  onChange: (v: string) => void;
}) {
  const p = props.param;
  const key = inputKey(p);
  const hint = [
    p.description,
    p.required ? 'required' : null,
    p.default !== undefined ? `default ${String(p.default)}` : null,
    p.pattern ? `must match ${p.pattern}` : null,
    p.min !== undefined ? `at least ${p.min}` : null,
    p.max !== undefined ? `at most ${p.max}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const label = `${p.name} (${p.type})`;
  if (key === null) {
    return (
      <p className="muted param-from">
        <strong>{p.name}</strong> comes from {sourceWords(p.from ?? '')}
        {p.default !== undefined ? ` (default ${String(p.default)})` : ''}.
      </p>
    );
  }
  const unset = p.default !== undefined ? `Default (${String(p.default)})` : 'Not given';
  if (p.type === 'boolean' || p.type === 'enum' || p.allowed) {
    const options =
      p.type === 'boolean' ? ['true', 'false'] : (p.allowed ?? []).map((a) => String(a));
    return (
      <label>
        {label}
        <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          <option value="">{unset}</option>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        {hint && <small className="muted">{hint}</small>}
      </label>
    );
  }
  const numeric = p.type === 'integer' || p.type === 'number';
  return (
    <label>
      {label}
      <input
        type={numeric ? 'number' : 'text'}
        step={p.type === 'integer' ? 1 : 'any'}
        min={p.min}
        max={p.max}
        maxLength={p.maxLength}
        placeholder={p.default !== undefined ? String(p.default) : ''}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}

function DryRunResult(props: { dry: DryRun }) {
  const { dry } = props;
  if (dry.parameterErrors.length > 0) {
    return (
      <div className="status error" role="alert">
        The run would not start: its parameters do not pass their checks.
        <ul className="problems">
          {dry.parameterErrors.map((e) => (
            <li key={e.parameter}>
              <strong>{e.parameter}</strong>: {e.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const steps = dry.plan?.steps ?? [];
  return (
    <section className="dry-run" aria-label="Dry run plan">
      <p className={`status ${dry.ok ? 'ok' : 'error'}`} role="status">
        {dry.ok
          ? `Dry run: nothing was called. A run would take these ${steps.length} steps.`
          : 'Dry run: a step could not be resolved, so the run would not start.'}
      </p>
      <ol className="plan">
        {steps.map((s) => {
          const details = actionDetails(s.action);
          return (
            <li key={s.id}>
              <span className="badge">{s.action?.kind ?? 'step'}</span>{' '}
              <strong>{s.name ?? s.id}</strong>{' '}
              <span className="action">{s.action ? actionWords(s.action) : ''}</span>
              {s.when && (
                <div className="muted">
                  only when {s.when.expression} (
                  {s.when.result === 'unknown'
                    ? 'known when it runs'
                    : s.when.result
                      ? 'true now'
                      : 'false now: skipped'}
                  )
                </div>
              )}
              {details && <pre className="details">{details}</pre>}
              <div className="muted">
                timeout {s.timeoutSeconds} s
                {s.retries.max > 0
                  ? ` · up to ${s.retries.max} retries, ${s.retries.backoffSeconds} s apart`
                  : ''}{' '}
                · on failure: {s.on_failure}
              </div>
              {s.error && <p className="status error">{s.error}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
