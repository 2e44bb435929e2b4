/**
 * Benign scheduled traffic of the incident workload: rare but known messages (hourly cron,
 * the daily backup at 03:00, log rotation at midnight, a session sweeper every 15 minutes) and
 * a bursty but normal pattern (the broker releases delayed messages at :30 every hour). None of
 * it is an incident, so a detector that flags it earns a false positive.
 *
 * @example
 *   const out: string[] = [];
 *   emitScheduled(Date.UTC(2026, 0, 5, 3, 0), new Rand(1), (svc, sev, msg) => out.push(msg));
 */
import { type Rand } from './prng';
import { type Severity } from './services';

/** `offsetMs` is the record's offset inside the minute, in [0, 60 000). */
export type ScheduledPush = (
  service: string,
  severity: Severity,
  message: string,
  offsetMs: number,
) => void;

const TOPICS = ['orders', 'emails', 'invoices'];
const WEB_HOST_COUNT = 3;

/** Emits the scheduled records of the minute starting at `minute` (epoch ms, UTC). */
export function emitScheduled(minute: number, r: Rand, push: ScheduledPush): void {
  const d = new Date(minute);
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  if (m === 0) push('database', 'info', 'cron: job vacuum_analyze started', r.int(0, 500));
  if (m === 2) {
    push(
      'database',
      'info',
      `cron: job vacuum_analyze finished in ${r.int(40, 110)} s`,
      r.int(0, 59_000),
    );
  }
  if (m % 15 === 0) {
    push(
      'auth',
      'info',
      `session sweeper removed ${r.int(20, 900)} expired sessions`,
      r.int(0, 2000),
    );
  }
  if (m === 30) {
    const n = r.int(20, 40);
    const base = r.int(0, 50_000);
    for (let i = 0; i < n; i++) {
      const topic = r.pick(TOPICS);
      push(
        'queue',
        'info',
        `scheduled batch: released delayed msg=${r.hex(12)} topic=${topic}`,
        base + i * 60,
      );
    }
  }
  if (h === 0 && m === 0) {
    for (let host = 1; host <= WEB_HOST_COUNT; host++) {
      const mb = r.int(50, 900);
      push(
        'web',
        'info',
        `logrotate: rotated /var/log/nginx/access.log (${mb} MB) on web-${host}`,
        1000 * host,
      );
      push('web', 'info', `signal process started: reopening logs on web-${host}`, 1000 * host + 5);
    }
  }
  if (h === 3 && m === 0) {
    const label = d.toISOString().slice(0, 10).replaceAll('-', '');
    push('database', 'info', `backup: pg_basebackup started label=daily-${label}`, r.int(0, 500));
  }
  if (h === 3 && m > 0 && m < 15) {
    for (let i = r.int(3, 6); i > 0; i--) {
      push(
        'database',
        'info',
        `backup: copied ${r.int(1000, 3000)} MB, ${m * 7 + i}% done`,
        r.int(0, 59_000),
      );
    }
  }
  if (h === 3 && m === 15) {
    const gb = `${r.int(38, 44)}.${r.int(0, 9)}`;
    push(
      'database',
      'info',
      `backup: completed ${gb} GB in ${r.int(880, 940)} s`,
      r.int(0, 59_000),
    );
  }
}
