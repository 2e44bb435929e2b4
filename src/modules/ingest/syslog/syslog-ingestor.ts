import { Logger } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';

import type { SyslogSettings } from '../../../config/app-config';
import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { admitIngest, chargeRecords, type IngestAdmission } from '../http/ingest-admission';
import { IngestError } from '../ingest.errors';
import type { IngestService } from '../ingest.service';
import { takeSyslogKey } from './syslog-key';

export type SyslogTransport = 'tcp' | 'udp';
export type SyslogReject =
  | 'too_large'
  | 'truncated'
  | 'no_key'
  | 'unauthorized'
  | 'forbidden'
  | 'store'
  | 'overflow'
  | 'shutdown';

export interface SyslogIngestorDeps extends IngestAdmission {
  ingest: IngestService;
  authenticator: Authenticator;
  registry: Registry;
}

interface Pending {
  lines: string[];
  transports: SyslogTransport[];
  timer: NodeJS.Timeout | null;
}

const DATASET = 'syslog';
/** Longest wait before retrying a batch the store refused for saturation or rate limits. */
const MAX_RETRY_MS = 5_000;
/** How long `close` keeps retrying a saturated store before dropping what is left. */
const CLOSE_DEADLINE_MS = 10_000;

/** Prometheus metrics of the syslog listeners. */
export class SyslogMetrics {
  readonly messages: Counter<'transport'>;
  readonly bytes: Counter<'transport'>;
  readonly rejected: Counter<'transport' | 'reason'>;
  readonly deferred: Counter<'reason'>;
  readonly connections: Gauge;
  readonly connectionsTotal: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.messages = new Counter({
      name: 'vigil_syslog_messages_total',
      help: 'Syslog messages received, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.bytes = new Counter({
      name: 'vigil_syslog_bytes_total',
      help: 'Syslog bytes received, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.rejected = new Counter({
      name: 'vigil_syslog_rejected_total',
      help: 'Syslog messages not stored, by transport and reason',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.deferred = new Counter({
      name: 'vigil_syslog_deferred_batches_total',
      help: 'Syslog batches kept for a retry because the store was saturated or the tenant throttled',
      labelNames: ['reason'],
      registers,
    });
    this.connections = new Gauge({
      name: 'vigil_syslog_connections',
      help: 'Open syslog TCP connections',
      registers,
    });
    this.connectionsTotal = new Counter({
      name: 'vigil_syslog_connections_total',
      help: 'Syslog TCP connections, by outcome (accepted, refused)',
      labelNames: ['outcome'],
      registers,
    });
  }
}

/**
 * Batches syslog messages per API key and commits them through IngestBatch: a batch goes when it
 * holds `batchMaxMessages` or its oldest message waited `flushDelayMs`. The key is the one in the
 * message's structured data (see syslog-key.ts) or else the listener's; it is checked at every
 * commit, so a revoked key stops acceptance at once. When the store is saturated or the tenant
 * throttled, the batch is kept and retried, and `congested` tells the TCP listener to stop
 * reading until `onDrain` fires; UDP messages beyond the buffer are dropped and counted.
 */
export class SyslogIngestor {
  readonly metrics: SyslogMetrics;
  readonly #logger = new Logger('SyslogIngestor');
  readonly #pending = new Map<string, Pending>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #drainListeners = new Set<() => void>();
  readonly #maxBuffered: number;
  /** Messages buffered or being committed. */
  #buffered = 0;
  /** A commit was refused for saturation and is waiting to be retried. */
  #blocked = false;
  #closing = false;

  constructor(
    private readonly deps: SyslogIngestorDeps,
    private readonly settings: SyslogSettings,
  ) {
    this.metrics = new SyslogMetrics(deps.registry);
    this.#maxBuffered = settings.batchMaxMessages * 10;
  }

  /** True while readers should pause: the store is saturated or the buffer is full. */
  get congested(): boolean {
    return this.#blocked || this.#buffered >= this.#maxBuffered;
  }

  /** Calls `listener` whenever congestion clears; returns the function that removes it. */
  onDrain(listener: () => void): () => void {
    this.#drainListeners.add(listener);
    return () => this.#drainListeners.delete(listener);
  }

  reject(transport: SyslogTransport, reason: SyslogReject, count = 1): void {
    this.metrics.rejected.inc({ transport, reason }, count);
  }

  /** Takes one decoded message. */
  push(message: string, transport: SyslogTransport): void {
    this.metrics.messages.inc({ transport });
    if (this.#closing) return this.reject(transport, 'shutdown');
    // TCP readers pause instead; a datagram cannot wait.
    if (transport === 'udp' && this.#buffered >= this.#maxBuffered) {
      return this.reject(transport, 'overflow');
    }
    const { key, line } = takeSyslogKey(message);
    const credential = key ?? this.settings.apiKey;
    if (credential === undefined) return this.reject(transport, 'no_key');
    let pending = this.#pending.get(credential);
    if (pending === undefined) {
      pending = { lines: [], transports: [], timer: null };
      this.#pending.set(credential, pending);
    }
    pending.lines.push(line);
    pending.transports.push(transport);
    this.#buffered++;
    // While the store is saturated the retry timer decides; a full batch does not retry early.
    if (pending.lines.length >= this.settings.batchMaxMessages && !this.#blocked) {
      this.flush(credential);
    } else {
      pending.timer ??= setTimeout(() => this.flush(credential), this.settings.flushDelayMs);
    }
  }

  /** Stops taking messages and commits what is buffered (retrying a saturated store briefly). */
  async close(): Promise<void> {
    this.#closing = true;
    for (const credential of [...this.#pending.keys()]) this.flush(credential);
    // What the store refuses now comes back with a retry timer; wait for those, up to a limit.
    const deadline = Date.now() + CLOSE_DEADLINE_MS;
    while (this.#pending.size > 0 || this.#inflight.size > 0) {
      if (Date.now() > deadline) {
        for (const [credential, pending] of this.#pending) {
          if (pending.timer !== null) clearTimeout(pending.timer);
          this.dropAll(pending, 'shutdown');
          this.#pending.delete(credential);
        }
        break;
      }
      await Promise.race([...this.#inflight, delay(50)]);
    }
  }

  private flush(credential: string): void {
    const pending = this.#pending.get(credential);
    if (pending === undefined) return;
    if (pending.timer !== null) clearTimeout(pending.timer);
    this.#pending.delete(credential);
    const run = this.commit(credential, pending).finally(() => {
      this.#inflight.delete(run);
      this.drained();
    });
    this.#inflight.add(run);
  }

  private async commit(credential: string, pending: Pending): Promise<void> {
    const size = pending.lines.length;
    try {
      const principal = await this.deps.authenticator.authenticateConnectionParams({
        apiKey: credential,
      });
      if (principal === null) {
        this.#logger.warn(`refused ${size} syslog message(s): invalid or revoked API key`);
        this.dropAll(pending, 'unauthorized');
      } else if (!principal.permissions.has('ingest')) {
        this.#logger.warn(`refused ${size} syslog message(s): the API key lacks the ingest scope`);
        this.dropAll(pending, 'forbidden');
      } else {
        await this.store(principal, pending);
        this.#buffered -= size;
      }
    } catch (err) {
      if (!(err instanceof IngestError)) {
        this.#logger.error(`syslog commit failed: ${String(err)}`);
        this.dropAll(pending, 'store');
      } else {
        // Saturated, throttled or the store is down: keep the messages and try again later.
        this.#blocked = true;
        this.metrics.deferred.inc({ reason: err.code.toLowerCase() });
        this.requeue(credential, pending, Math.min(err.retryAfterSeconds * 1000, MAX_RETRY_MS));
        return;
      }
    }
    // Nothing of this batch waits for a retry: readers may go on.
    this.#blocked = false;
  }

  private async store(principal: Principal, pending: Pending): Promise<void> {
    const receivedAt = Date.now();
    await admitIngest(this.deps, principal);
    const batch = await this.deps.ingest.begin(principal, {
      endpoint: 'syslog',
      format: 'text',
      receivedAt,
    });
    // Each message is a line of its source: syslog headers, program sub-parsers, and the
    // continuation lines of a trace sent as separate messages within one batch, joined.
    for (const line of pending.lines) batch.addLine(line, DATASET);
    chargeRecords(this.deps, principal, pending.lines.length);
    const outcomes = await batch.commit(0);
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) this.reject(pending.transports[i] ?? 'tcp', 'store');
    });
  }

  /** Puts a refused batch back in front of what arrived since, to be committed after `wait` ms. */
  private requeue(credential: string, pending: Pending, wait: number): void {
    const newer = this.#pending.get(credential);
    if (newer !== undefined) {
      if (newer.timer !== null) clearTimeout(newer.timer);
      for (let i = 0; i < newer.lines.length; i++) {
        pending.lines.push(newer.lines[i] as string);
        pending.transports.push(newer.transports[i] as SyslogTransport);
      }
    }
    pending.timer = setTimeout(() => this.flush(credential), wait);
    this.#pending.set(credential, pending);
  }

  private dropAll(pending: Pending, reason: SyslogReject): void {
    for (const transport of pending.transports) this.reject(transport, reason);
    this.#buffered -= pending.lines.length;
  }

  private drained(): void {
    if (this.congested) return;
    for (const listener of this.#drainListeners) listener();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
