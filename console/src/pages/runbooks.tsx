import { useMemo, useState } from 'react';

import { isAdmin, useSession } from '../api/session';
import { KeyList } from '../ui/key-list';
import { navigate, usePlace } from '../ui/router';
import { ErrorText, QueryStatus, time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';
import { toYaml } from '../ui/yaml';
import { RunbookEditor } from './runbook-editor';
import { useLiveRuns } from './runbook-live';
import { RunForm } from './runbook-run-form';
import { RunDetail, RunsSection } from './runbook-runs';
import { readingOrder, type Runbook, RUNBOOK_FIELDS, triggerWords } from './runbook-words';

const RUNBOOKS = `query { runbooks { ${RUNBOOK_FIELDS} } }`;
const VERSIONS = `query ($id: String!) { runbookVersions(id: $id) { version definition createdBy createdAt } }`;
const SETTINGS_FIELDS = 'enabled haltedBy globallyHalted maxRunsPerHour allowPrivateNetwork';
const SETTINGS = `query { remediationSettings { ${SETTINGS_FIELDS} } }`;
const DELETE = `mutation ($id: String!) { deleteRunbook(id: $id) }`;
const SET_ENABLED = `mutation ($enabled: Boolean!) { setRemediationEnabled(enabled: $enabled) { ${SETTINGS_FIELDS} } }`;

interface Settings {
  enabled: boolean;
  haltedBy: string | null;
  globallyHalted: boolean;
  maxRunsPerHour: number;
  allowPrivateNetwork: boolean;
}

/** Where the page is: `id` is the open runbook, `run` the open run, `runs` the runs filter. */
function go(patch: Record<string, string | null>) {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v) params.set(k, v);
    else params.delete(k);
  }
  const qs = params.toString();
  navigate(`/runbooks${qs ? `?${qs}` : ''}`);
}

/** Runbooks: the list, one runbook with its versions and a run form, the editor, live runs. */
export function RunbooksPage() {
  const { session } = useSession();
  const place = usePlace();
  const selected = place.params.get('id');
  const openRun = place.params.get('run');
  const runsFilter = place.params.get('runs') ?? '';
  const q = useQuery<{ runbooks: Runbook[] }>(RUNBOOKS);
  const runbooks = useMemo(() => q.data?.runbooks ?? [], [q.data]);
  const names = useMemo(() => new Map(runbooks.map((r) => [r.id, r.name])), [runbooks]);
  const current = runbooks.find((r) => r.id === selected) ?? null;
  const live = useLiveRuns({ runbookId: runsFilter || null });
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const mayWrite = session.role !== 'viewer';

  const edit = (r: Runbook) => {
    setDraft(toYaml(readingOrder(r.definition)));
    setEditing(r.id);
    document.getElementById('runbook-editor-title')?.scrollIntoView({ block: 'start' });
  };

  return (
    <div className="page runbooks">
      <h1>Runbooks</h1>
      <KillSwitch admin={isAdmin(session)} />
      <div className="split">
        <section aria-labelledby="runbook-list-title">
          <h2 id="runbook-list-title">Runbooks</h2>
          <QueryStatus
            loading={q.loading && !q.data}
            error={q.error}
            what="runbooks"
            empty={runbooks.length === 0}
            emptyText="No runbooks yet: write one in the editor below."
          >
            <KeyList
              label="Runbooks"
              className="runbook-list"
              items={runbooks}
              keyOf={(r) => r.id}
              selected={selected}
              onOpen={(r) => go({ id: r.id })}
              render={(r) => (
                <div>
                  <strong>{r.name}</strong> <span className="badge">v{r.version}</span>{' '}
                  <span className="muted">{r.id}</span>
                  <div className="explanation">{triggerWords(r.trigger)}</div>
                </div>
              )}
            />
          </QueryStatus>
        </section>
        {current ? (
          <RunbookDetail
            key={`${current.id}:${current.version}`}
            runbook={current}
            mayWrite={mayWrite}
            onEdit={() => edit(current)}
            onDeleted={() => {
              q.reload();
              go({ id: null });
            }}
            onStarted={(run) => {
              live.put(run);
              go({ run: run.id });
            }}
          />
        ) : selected && !q.loading ? (
          <p className="status empty">There is no runbook {selected}.</p>
        ) : (
          <p className="status empty">Open a runbook to see its definition, versions and run it.</p>
        )}
      </div>
      <RunbookEditor
        text={draft}
        onText={(t) => {
          setDraft(t);
          if (!t) setEditing(null);
        }}
        editing={editing}
        mayWrite={mayWrite}
        onSaved={(id) => {
          setEditing(id);
          q.reload();
          go({ id });
        }}
      />
      <div className="split runs-split">
        <RunsSection
          live={live}
          names={names}
          filter={runsFilter}
          onFilter={(id) => go({ runs: id || null })}
          selected={openRun}
          onOpen={(id) => go({ run: id })}
        />
        {openRun && (
          <RunDetail
            key={openRun}
            runId={openRun}
            known={live.runs.find((r) => r.id === openRun)}
            name={names.get(live.runs.find((r) => r.id === openRun)?.runbookId ?? '')}
            onClose={() => go({ run: null })}
          />
        )}
      </div>
    </div>
  );
}

function RunbookDetail(props: {
  runbook: Runbook;
  mayWrite: boolean;
  onEdit: () => void;
  onDeleted: () => void;
  onStarted: Parameters<typeof RunForm>[0]['onStarted'];
}) {
  const r = props.runbook;
  const versions = useQuery<{
    runbookVersions: Array<{
      version: number;
      definition: unknown;
      createdBy: string;
      createdAt: string;
    }>;
  }>(VERSIONS, { id: r.id });
  const [shown, setShown] = useState<number | null>(null);
  const remove = useMutation<{ deleteRunbook: boolean }>(DELETE);
  const list = versions.data?.runbookVersions ?? [];
  const definition =
    shown === null || shown === r.version
      ? r.definition
      : (list.find((v) => v.version === shown)?.definition ?? r.definition);
  return (
    <section className="panel runbook-detail" aria-labelledby="runbook-detail-title">
      <h2 id="runbook-detail-title">{r.name}</h2>
      <p>
        <span className="badge">v{r.version}</span> {triggerWords(r.trigger)}.{' '}
        <span className="muted">
          Id <code>{r.id}</code>, changed {time(r.updatedAt)}.
        </span>
      </p>
      {r.definition.description && <p>{r.definition.description}</p>}
      <RunForm runbook={r} onStarted={props.onStarted} />
      <h3>
        Definition{' '}
        <span className="muted">
          (version {shown ?? r.version}
          {shown !== null && shown !== r.version ? ', not the current one' : ''})
        </span>
      </h3>
      <pre className="definition" tabIndex={0} aria-label="Definition">
        {toYaml(readingOrder(definition))}
      </pre>
      <div className="actions">
        <button onClick={props.onEdit}>Edit in the editor</button>
        {props.mayWrite && (
          <button
            className="danger"
            disabled={remove.busy}
            onClick={() => {
              if (!confirm(`Delete ${r.name} with its versions and runs?`)) return;
              void remove.run({ id: r.id }).then((done) => done && props.onDeleted());
            }}
          >
            Delete runbook
          </button>
        )}
      </div>
      <ErrorText error={remove.error} />
      <h3>Versions</h3>
      <QueryStatus
        loading={versions.loading && !versions.data}
        error={versions.error}
        what="versions"
        empty={list.length === 0}
        emptyText="No versions."
      >
        <KeyList
          label="Versions"
          className="version-list"
          items={list}
          keyOf={(v) => String(v.version)}
          selected={String(shown ?? r.version)}
          onOpen={(v) => setShown(v.version)}
          render={(v) => (
            <div>
              <strong>Version {v.version}</strong>{' '}
              <span className="muted">
                by {v.createdBy} · {time(v.createdAt)}
                {v.version === r.version ? ' · current' : ''}
              </span>
            </div>
          )}
        />
      </QueryStatus>
    </section>
  );
}

/** The tenant's kill switch (admins flip it) and the installation-wide halt (read only). */
function KillSwitch(props: { admin: boolean }) {
  const q = useQuery<{ remediationSettings: Settings }>(SETTINGS);
  const set = useMutation<{ setRemediationEnabled: Settings }>(SET_ENABLED);
  const [state, setState] = useState<Settings | null>(null);
  const s = state ?? q.data?.remediationSettings ?? null;
  const flip = async (enabled: boolean) => {
    const r = await set.run({ enabled });
    if (r) setState(r.setRemediationEnabled);
  };
  return (
    <section className="panel kill-switch" aria-labelledby="kill-switch-title">
      <h2 id="kill-switch-title">Kill switch</h2>
      <QueryStatus loading={q.loading} error={q.error} what="remediation settings">
        {s && (
          <>
            <p className={s.enabled ? '' : 'halted'} role="status">
              {s.enabled
                ? 'Remediation is on for this tenant: runbooks start and run.'
                : `Remediation is halted for this tenant${s.haltedBy ? ` by ${s.haltedBy}` : ''}: no run starts, and running ones stop at their next step.`}
            </p>
            <p className={s.globallyHalted ? 'halted' : 'muted'}>
              {s.globallyHalted
                ? 'The installation-wide kill switch is on: no runbook runs for any tenant until the operator turns it off.'
                : 'The installation-wide kill switch is off.'}
            </p>
            <p className="muted">
              At most {s.maxRunsPerHour} runs an hour;{' '}
              {s.allowPrivateNetwork
                ? 'steps may call private network addresses.'
                : 'steps may not call private network addresses.'}
            </p>
            {props.admin ? (
              s.enabled ? (
                <button className="danger" disabled={set.busy} onClick={() => void flip(false)}>
                  Halt remediation
                </button>
              ) : (
                <button className="primary" disabled={set.busy} onClick={() => void flip(true)}>
                  Resume remediation
                </button>
              )
            ) : (
              <p className="muted hint">Only admins may halt or resume remediation.</p>
            )}
            <ErrorText error={set.error} />
          </>
        )}
      </QueryStatus>
    </section>
  );
}
