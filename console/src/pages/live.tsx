import { useState } from 'react';

import { KeyList } from '../ui/key-list';
import { navigate } from '../ui/router';
import { Empty, ErrorText, time } from '../ui/status';
import { useSubscription } from '../ui/use-subscription';

interface AnomalyEvent {
  type: string;
  anomaly: {
    id: string;
    service: string;
    kind: string;
    score: number;
    explanation: string;
    detectedAt: string;
  };
}
interface AlertEvent {
  fingerprint: string;
  status: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  updatedAt: string;
}
interface TailRecord {
  id: string;
  timestamp: string;
  service: string;
  severityText: string;
  body: string;
}

const ANOMALIES = `subscription { anomalyDetected {
  type anomaly { id service kind score explanation detectedAt } } }`;
const ALERTS = `subscription { alertUpdated { fingerprint status severity labels annotations updatedAt } }`;
const TAIL = `subscription ($filter: LogFilter!) { logTail(filter: $filter, backfill: 20) {
  id timestamp service severityText body } }`;

const pickAnomaly = (d: { anomalyDetected: AnomalyEvent }) => d.anomalyDetected;
const pickAlert = (d: { alertUpdated: AlertEvent }) => d.alertUpdated;
const pickRecord = (d: { logTail: TailRecord }) => d.logTail;

/** What is happening now: anomalies and alerts as they arrive, and a live tail. */
export function LivePage() {
  const anomalies = useSubscription(ANOMALIES, {}, pickAnomaly);
  const alerts = useSubscription(ALERTS, {}, pickAlert);
  return (
    <div className="page live">
      <h1>Live</h1>
      <div className="columns">
        <section aria-labelledby="anomaly-feed">
          <h2 id="anomaly-feed">Anomalies</h2>
          <ErrorText error={anomalies.error} />
          {anomalies.events.length === 0 ? (
            <Empty>Waiting for anomalies… they appear here as they are detected.</Empty>
          ) : (
            <KeyList
              label="Anomaly feed"
              className="feed anomaly-feed"
              items={anomalies.events}
              keyOf={(e) => `${e.anomaly.id}:${e.type}:${e.anomaly.detectedAt}`}
              onOpen={(e) => navigate(`/anomalies?id=${encodeURIComponent(e.anomaly.id)}`)}
              render={(e) => (
                <div>
                  <span className={`badge kind`}>{e.anomaly.kind}</span>{' '}
                  <span className="badge">{e.type}</span> <strong>{e.anomaly.service}</strong>{' '}
                  <span className="muted">score {e.anomaly.score.toFixed(2)}</span>
                  <div className="explanation">{e.anomaly.explanation}</div>
                </div>
              )}
            />
          )}
        </section>
        <section aria-labelledby="alert-feed">
          <h2 id="alert-feed">Alerts</h2>
          <ErrorText error={alerts.error} />
          {alerts.events.length === 0 ? (
            <Empty>No alert changes since you opened this page.</Empty>
          ) : (
            <KeyList
              label="Alert feed"
              className="feed alert-feed"
              items={alerts.events}
              keyOf={(a) => `${a.fingerprint}:${a.status}:${a.updatedAt}`}
              onOpen={(a) => navigate(`/anomalies?alert=${encodeURIComponent(a.fingerprint)}`)}
              render={(a) => (
                <div>
                  <span className={`badge status-${a.status.toLowerCase()}`}>{a.status}</span>{' '}
                  <span className="badge">{a.severity}</span>{' '}
                  <strong>
                    {a.labels.alertname ?? a.labels.rule ?? a.fingerprint.slice(0, 10)}
                  </strong>{' '}
                  {a.labels.service && <span className="muted">{a.labels.service}</span>}
                  <div className="muted">{time(a.updatedAt)}</div>
                </div>
              )}
            />
          )}
        </section>
      </div>
      <LiveTail />
    </div>
  );
}

function LiveTail() {
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const tail = useSubscription(TAIL, { filter: query ? { query } : {} }, pickRecord, 200);
  return (
    <section aria-labelledby="tail-title">
      <h2 id="tail-title">Live tail</h2>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(draft.trim());
        }}
      >
        <input
          aria-label="Tail search"
          placeholder='Search language: level:error AND "timeout"'
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Tail</button>
      </form>
      <ErrorText error={tail.error} />
      {tail.events.length === 0 ? (
        <Empty>No matching records yet; new ones stream in here.</Empty>
      ) : (
        <ol className="tail" aria-live="polite">
          {tail.events.map((r) => (
            <li key={r.id}>
              <span className="muted">{time(r.timestamp)}</span>{' '}
              <span className={`level level-${r.severityText.toLowerCase()}`}>
                {r.severityText}
              </span>{' '}
              <strong>{r.service}</strong> {r.body}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
