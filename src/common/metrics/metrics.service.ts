import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Vigil's Prometheus metrics, in one registry per app instance (so tests can boot several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly ingestRecords = new Counter({
    name: 'vigil_ingest_records_total',
    help: 'Log records received, by endpoint and outcome (stored, rejected)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ingestRequests = new Counter({
    name: 'vigil_ingest_requests_total',
    help: 'Ingest HTTP requests by endpoint and status code',
    labelNames: ['endpoint', 'status'] as const,
    registers: [this.registry],
  });

  readonly ingestRequestRecords = new Histogram({
    name: 'vigil_ingest_request_records',
    help: 'Records per ingest request',
    labelNames: ['endpoint'] as const,
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
    registers: [this.registry],
  });

  readonly writeBatchRecords = new Histogram({
    name: 'vigil_log_write_batch_records',
    help: 'Records per group commit to the log store',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 4000, 8000],
    registers: [this.registry],
  });

  readonly writeSeconds = new Histogram({
    name: 'vigil_log_write_duration_seconds',
    help: 'Time to commit one group of records to the log store',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly pendingRecords = new Gauge({
    name: 'vigil_ingest_pending_records',
    help: 'Records accepted over HTTP and waiting for their group commit',
    registers: [this.registry],
  });

  readonly redactions = new Counter({
    name: 'vigil_redactions_total',
    help: 'Values replaced by PII redaction, by rule (email, credit_card, iban, bearer_token, api_key, jwt, password, ip)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly formatLines = new Counter({
    name: 'vigil_format_lines_total',
    help: 'Ingested records by the format they were detected or parsed as',
    labelNames: ['format'] as const,
    registers: [this.registry],
  });

  readonly formatStreams = new Gauge({
    name: 'vigil_format_streams',
    help: 'Source streams whose format detection state is kept (bounded LRU)',
    registers: [this.registry],
  });

  readonly templatePatterns = new Gauge({
    name: 'vigil_template_patterns',
    help: 'Log patterns (learned and user-defined) held by the template miners, per tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  readonly anomalyChanges = new Counter({
    name: 'vigil_anomaly_changes_total',
    help: 'Anomalies opened, updated and resolved by the detection ensemble, by kind',
    labelNames: ['type', 'kind'] as const,
    registers: [this.registry],
  });

  readonly alertNotifications = new Counter({
    name: 'vigil_alert_notifications_total',
    help: 'Alert notifications by outcome (queued, sent, retried, dead)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly alertsFired = new Counter({
    name: 'vigil_alerts_fired_total',
    help: 'Alerts that began firing, by what kept them from a notification (none, silenced, inhibited, held); with the notifications sent, the noise ratio',
    labelNames: ['muted'] as const,
    registers: [this.registry],
  });

  readonly classifications = new Counter({
    name: 'vigil_classifications_total',
    help: 'Records classified at ingest, by how (cached per pattern, model, rules when no model is active)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly modelEvents = new Counter({
    name: 'vigil_model_events_total',
    help: 'Classifier registry events: trained, promoted, rejected, rolled_back, drift',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly modelMacroF1 = new Gauge({
    name: 'vigil_model_macro_f1',
    help: 'Held-out macro-F1 of the last classifier version registered, by status when registered',
    labelNames: ['tenant', 'status'] as const,
    registers: [this.registry],
  });

  readonly incidentsOpened = new Counter({
    name: 'vigil_incidents_opened_total',
    help: 'Incidents opened by alert correlation (alerts fired / incidents opened = alerts per incident)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
