import { useState } from 'react';

import { useSession } from '../api/session';
import { KeyList } from '../ui/key-list';
import { ErrorText, QueryStatus, time } from '../ui/status';
import { type LiveRuns, useLiveRuns } from './runbook-live';
import {
  actionDetails,
  actionWords,
  FINISHED,
  type Run,
  RUN_FIELDS,
  type RunStep,
  runTriggerWords,
  statusWords,
} from './runbook-words';

const APPROVE = `mutation ($run: ID!, $step: String!, $approve: Boolean, $comment: String) {
  approveRunbookStep(runId: $run, stepId: $step, approve: $approve, comment: $comment) { ${RUN_FIELDS} } }`;
const CANCEL = `mutation ($run: ID!) { cancelRunbookRun(runId: $run) { ${RUN_FIELDS} } }`;

export function StatusBadge(props: { status: string }) {
  return <span className={`badge run-${props.status}`}>{props.status}</span>;
}

/** The live list of runs, newest first; opening one shows it below. */
export function RunsSection(props: {
  live: LiveRuns;
  names: ReadonlyMap<string, string>;
  filter: string;
  onFilter: (runbookId: string) => void;
  selected: string | null;
  onOpen: (runId: string) => void;
}) {
  const { live, names } = props;
  return (
    <section className="panel runs" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      <label className="inline-label">
        Runbook
        <select value={props.filter} onChange={(e) => props.onFilter(e.target.value)}>
          <option value="">All runbooks</option>
          {[...names].map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <p className="muted hint">Updates as runs change; open one to see its steps.</p>
      <QueryStatus
        loading={live.loading && live.runs.length === 0}
        error={live.error}
        what="runs"
        empty={live.runs.length === 0}
        emptyText="No runs yet: start one from a runbook, or wait for its trigger."
      >
        <KeyList
          label="Runs"
          className="run-list"
          items={live.runs}
          keyOf={(r) => r.id}
          selected={props.selected}
          onOpen={(r) => props.onOpen(r.id)}
          render={(r) => (
            <div>
              <StatusBadge status={r.status} />{' '}
              <strong>{names.get(r.runbookId) ?? r.runbookId}</strong>{' '}
              <span className="muted">
                v{r.version} · {runTriggerWords(r.trigger)} · {time(r.createdAt)}
                {FINISHED.has(r.status)
                  ? ''
                  : ` · step ${Math.min(r.currentStep + 1, r.steps.length)} of ${r.steps.length}`}
              </span>
              {r.reason && <div className="explanation">{r.reason}</div>}
            </div>
          )}
        />
      </QueryStatus>
    </section>
  );
}

/** One run: what it is doing and why, its steps as a timeline, approvals and cancelling. */
export function RunDetail(props: {
  runId: string;
  known: Run | undefined;
  name: string | undefined;
  onClose: () => void;
}) {
  const own = useLiveRuns({ runId: props.runId });
  const { call } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fetched = own.runs[0];
  // The page's list and this run's own subscription both follow it: show the newer.
  const run =
    fetched && props.known
      ? Date.parse(props.known.updatedAt) > Date.parse(fetched.updatedAt)
        ? props.known
        : fetched
      : (fetched ?? props.known);

  const act = async (query: string, variables: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const data = await call<Record<string, Run>>(query, variables);
      const updated = Object.values(data)[0];
      if (updated) own.put(updated);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel run-detail" aria-labelledby="run-detail-title">
      <h2 id="run-detail-title">Run of {props.name ?? run?.runbookId ?? 'a runbook'}</h2>
      <button className="close" onClick={props.onClose} aria-label="Close run">
        ×
      </button>
      <QueryStatus
        loading={own.loading && !run}
        error={run ? null : own.error}
        what="the run"
        empty={!run}
        emptyText="No such run."
      >
        {run && (
          <>
            <p className="run-status">
              <StatusBadge status={run.status} /> {statusWords(run)}
              {run.reason && (
                <>
                  {' '}
                  <span className="reason">Why: {run.reason}</span>
                </>
              )}
            </p>
            <dl>
              <dt>Run</dt>
              <dd>
                <code>{run.id}</code> (version {run.version})
              </dd>
              <dt>Started</dt>
              <dd>
                {time(run.createdAt)}, {runTriggerWords(run.trigger)}
                {run.trigger?.by === run.startedBy ? '' : ` (${run.startedBy})`}
              </dd>
              {run.finishedAt && (
                <>
                  <dt>Finished</dt>
                  <dd>{time(run.finishedAt)}</dd>
                </>
              )}
              {run.alertFingerprint && (
                <>
                  <dt>Alert</dt>
                  <dd>
                    <code>{run.alertFingerprint}</code>
                  </dd>
                </>
              )}
              <dt>Parameters</dt>
              <dd>
                {Object.keys(run.params).length === 0
                  ? 'none'
                  : Object.entries(run.params)
                      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
                      .join(', ')}
              </dd>
            </dl>
            {!FINISHED.has(run.status) && (
              <button
                className="danger"
                disabled={busy}
                onClick={() => void act(CANCEL, { run: run.id })}
              >
                Cancel run
              </button>
            )}
            <ErrorText error={error ?? own.error} />
            <ol className="timeline" aria-label="Steps">
              {run.steps.map((s) => (
                <StepItem
                  key={s.index}
                  step={s}
                  current={!FINISHED.has(run.status) && s.index === run.currentStep}
                  busy={busy}
                  decide={(approve, comment) =>
                    void act(APPROVE, {
                      run: run.id,
                      step: s.stepId,
                      approve,
                      comment: comment || null,
                    })
                  }
                />
              ))}
            </ol>
          </>
        )}
      </QueryStatus>
    </section>
  );
}

function StepItem(props: {
  step: RunStep;
  current: boolean;
  busy: boolean;
  decide: (approve: boolean, comment: string) => void;
}) {
  const s = props.step;
  const [comment, setComment] = useState('');
  const out = s.output ?? {};
  const pending = s.kind === 'approval' && s.status === 'waiting' && !out.decision;
  const details = actionDetails(s.action);
  // The decision is shown in words above; an approval's message is in its action.
  const hidden = ['decision', 'by', 'via', 'at', 'comment', 'asked', 'message'];
  const shown = Object.fromEntries(Object.entries(out).filter(([k]) => !hidden.includes(k)));
  return (
    <li
      className={`step step-${s.status}${props.current ? ' current' : ''}`}
      aria-label={`Step ${s.stepId}`}
    >
      <div>
        <StatusBadge status={s.status} /> <strong>{s.stepId}</strong>{' '}
        <span className="badge">{s.kind}</span>{' '}
        <span className="muted">
          {s.kind === 'approval' || s.attempts === 0
            ? ''
            : s.attempts === 1
              ? '1 attempt · '
              : `${s.attempts} attempts · `}
          {s.startedAt ? `started ${time(s.startedAt)}` : 'not started'}
          {s.finishedAt ? ` · finished ${time(s.finishedAt)}` : ''}
        </span>
      </div>
      {s.action && <div className="action">{actionWords(s.action)}</div>}
      {details && <pre className="details">{details}</pre>}
      {s.decidedBy && (
        <div>
          {out.decision === 'refused' ? 'Refused' : 'Approved'} by {s.decidedBy}
          {typeof out.via === 'string' ? ` (via ${out.via})` : ''}
          {typeof out.comment === 'string' ? `: “${out.comment}”` : ''}
        </div>
      )}
      {s.deadline && !s.finishedAt && (
        <div className="muted">
          {s.kind === 'approval' ? 'Times out' : 'Gives up'} at {time(s.deadline)}
        </div>
      )}
      {Object.keys(shown).length > 0 && (
        <pre className="details output" aria-label={`Output of ${s.stepId}`}>
          {`Output: ${JSON.stringify(shown, null, 2)}`}
        </pre>
      )}
      {s.error && <p className="status error">{s.error}</p>}
      {pending && (
        <div className="approval">
          <label>
            Comment (optional)
            <input value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <button
            className="primary"
            disabled={props.busy}
            onClick={() => props.decide(true, comment)}
          >
            Approve
          </button>
          <button
            className="danger"
            disabled={props.busy}
            onClick={() => props.decide(false, comment)}
          >
            Refuse
          </button>
        </div>
      )}
    </li>
  );
}
