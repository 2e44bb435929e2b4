import { useState } from 'react';

import { KeyList } from '../ui/key-list';
import { navigate, usePlace } from '../ui/router';
import { ErrorText, QueryStatus, time } from '../ui/status';
import { useMutation, useQuery } from '../ui/use-query';
import { ANOMALY_FIELDS, AnomalyEvidence, type AnomalyRow } from './anomaly-evidence';

interface AlertRow {
  fingerprint: string;
  status: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startedAt: string;
  acknowledgedBy: string | null;
  anomalyIds: string[];
  incidentId: string | null;
}

const ANOMALIES = `query { anomalies(first: 100) { edges { node { ${ANOMALY_FIELDS} } } } }`;
const ALERTS = `query { alerts(first: 100) {
  fingerprint status severity labels annotations startedAt acknowledgedBy anomalyIds incidentId }
  incidents(first: 20) { id title status openedAt alertCount rootCause acknowledgedBy } }`;
const ACK = `mutation ($fp: ID!) { acknowledgeAlert(fingerprint: $fp) }`;
const RESOLVE = `mutation ($fp: ID!) { resolveAlert(fingerprint: $fp) }`;

/** Anomalies with their evidence and feedback; alerts to acknowledge or resolve; incidents. */
export function AnomaliesPage() {
  const place = usePlace();
  const selected = place.params.get('id');
  const anomalies = useQuery<{ anomalies: { edges: Array<{ node: AnomalyRow }> } }>(ANOMALIES);
  const rows = anomalies.data?.anomalies.edges.map((e) => e.node) ?? [];
  const current = rows.find((r) => r.id === selected) ?? null;
  return (
    <div className="page anomalies">
      <h1>Anomalies and incidents</h1>
      <div className="split">
        <section aria-labelledby="anomaly-list-title">
          <h2 id="anomaly-list-title">Anomalies</h2>
          <QueryStatus
            loading={anomalies.loading}
            error={anomalies.error}
            what="anomalies"
            empty={rows.length === 0}
            emptyText="No anomalies: detection has not raised any."
          >
            <KeyList
              label="Anomalies"
              className="anomaly-list"
              items={rows}
              keyOf={(a) => a.id}
              selected={selected}
              onOpen={(a) => navigate(`/anomalies?id=${encodeURIComponent(a.id)}`)}
              render={(a) => (
                <div>
                  <span className="badge kind">{a.kind}</span>{' '}
                  <span className={`badge status-${a.status.toLowerCase()}`}>{a.status}</span>{' '}
                  <strong>{a.service}</strong>{' '}
                  <span className="muted">
                    score {a.score.toFixed(2)} · {time(a.startedAt)}
                  </span>
                  <div className="explanation">{a.explanation}</div>
                </div>
              )}
            />
          </QueryStatus>
        </section>
        {current ? (
          <AnomalyEvidence key={current.id} anomaly={current} />
        ) : (
          selected &&
          !anomalies.loading && (
            <p className="status empty">That anomaly is not among the latest 100.</p>
          )
        )}
      </div>
      <Alerts />
    </div>
  );
}

function Alerts() {
  const q = useQuery<{
    alerts: AlertRow[];
    incidents: Array<{
      id: string;
      title: string;
      status: string;
      openedAt: string;
      alertCount: number;
      rootCause: string | null;
    }>;
  }>(ALERTS);
  const ack = useMutation(ACK);
  const resolve = useMutation(RESOLVE);
  const [done, setDone] = useState<string | null>(null);
  const [incident, setIncident] = useState<string | null>(null);
  const act = async (run: typeof ack.run, fp: string, what: string) => {
    setDone(null);
    if (await run({ fp })) {
      setDone(what);
      q.reload();
    }
  };
  const all = q.data?.alerts ?? [];
  const alerts = incident ? all.filter((a) => a.incidentId === incident) : all;
  const incidentTitle = q.data?.incidents.find((i) => i.id === incident)?.title;
  return (
    <>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        {incident && (
          <p className="muted">
            Alerts of the incident “{incidentTitle ?? incident}” only.{' '}
            <button className="link" onClick={() => setIncident(null)}>
              Show all alerts
            </button>
          </p>
        )}
        <ErrorText error={ack.error ?? resolve.error} />
        {done && (
          <p className="status ok" role="status">
            {done}
          </p>
        )}
        <QueryStatus
          loading={q.loading}
          error={q.error}
          what="alerts"
          empty={alerts.length === 0}
          emptyText={
            incident ? 'None of this incident’s alerts is among the latest 100.' : 'No alerts.'
          }
        >
          <KeyList
            label="Alerts"
            className="alert-list"
            items={alerts}
            keyOf={(a) => a.fingerprint}
            onOpen={(a) =>
              a.anomalyIds[0] && navigate(`/anomalies?id=${encodeURIComponent(a.anomalyIds[0])}`)
            }
            render={(a) => (
              <div className="alert-row">
                <span className={`badge status-${a.status.toLowerCase()}`}>{a.status}</span>{' '}
                <span className="badge">{a.severity}</span>{' '}
                <strong>{a.labels.alertname ?? a.fingerprint.slice(0, 12)}</strong>{' '}
                <span className="muted">
                  {a.labels.service ?? ''} · since {time(a.startedAt)}
                  {a.acknowledgedBy ? ` · acknowledged by ${a.acknowledgedBy}` : ''}
                </span>
                {a.annotations.summary && (
                  <div className="explanation">{a.annotations.summary}</div>
                )}
                <div className="actions">
                  {a.status !== 'ACKNOWLEDGED' && a.status !== 'RESOLVED' && (
                    <button
                      onClick={(e) => {
                        e.stopPropagation();
                        void act(ack.run, a.fingerprint, 'Alert acknowledged.');
                      }}
                    >
                      Acknowledge
                    </button>
                  )}
                  {a.status !== 'RESOLVED' && (
                    <button
                      onClick={(e) => {
                        e.stopPropagation();
                        void act(resolve.run, a.fingerprint, 'Alert resolved.');
                      }}
                    >
                      Resolve
                    </button>
                  )}
                </div>
              </div>
            )}
          />
        </QueryStatus>
      </section>
      <section aria-labelledby="incidents-title">
        <h2 id="incidents-title">Incidents</h2>
        <QueryStatus
          loading={q.loading}
          error={q.error}
          empty={(q.data?.incidents.length ?? 0) === 0}
          emptyText="No incidents."
        >
          <KeyList
            label="Incidents (open one to see its alerts)"
            className="incident-list"
            items={q.data?.incidents ?? []}
            keyOf={(i) => i.id}
            selected={incident}
            onOpen={(i) => {
              setIncident(i.id);
              document.getElementById('alerts-title')?.scrollIntoView({ block: 'start' });
            }}
            render={(i) => (
              <div>
                <span className="badge">{i.status}</span> <strong>{i.title}</strong>{' '}
                <span className="muted">
                  {i.alertCount} alerts · opened {time(i.openedAt)}
                  {i.rootCause ? ` · root cause: ${i.rootCause}` : ''}
                </span>
              </div>
            )}
          />
        </QueryStatus>
      </section>
    </>
  );
}
