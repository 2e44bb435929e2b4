import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { IngestError, httpStatusOf } from '../ingest.errors';
import type { IngestBatch, IngestService } from '../ingest.service';
import {
  decodeLokiJson,
  decodeLokiProtobuf,
  type LokiEntry,
  type LokiEntryResult,
} from '../parsing/loki-push.decoder';
import { admitIngest, chargeRecords, type IngestAdmission } from './ingest-admission';
import { acceptRawBodies, decodeBody } from './request-body';
import { enforceRoutePermissions } from './route-permissions';

export interface LokiPushOptions extends IngestAdmission {
  ingest: IngestService;
  authenticator: Authenticator;
  maxBodyBytes: number;
}

const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_REPORTED_REASONS = 20;
const DEFAULT_DATASET = 'loki';
const MAX_DATASET_LENGTH = 255;

/** Labels naming the service, most specific first (Loki's own service_name discovery order). */
const SERVICE_LABELS = [
  'service_name',
  'service',
  'app',
  'application',
  'app_name',
  'app_kubernetes_io_name',
  'container',
  'container_name',
  'k8s_container_name',
  'component',
  'workload',
  'job',
];
const HOST_LABELS = ['host', 'hostname', 'host_name', 'instance', 'nodename', 'node_name'];
const LEVEL_LABELS = ['level', 'detected_level', 'severity'];
const TRACE_METADATA = ['trace_id', 'traceID', 'traceId'];
const SPAN_METADATA = ['span_id', 'spanID', 'spanId'];

/**
 * Loki push, `POST /loki/api/v1/push`: snappy-compressed protobuf PushRequest
 * (`application/x-protobuf`, also when Content-Type is absent, as Loki does) or JSON
 * (`application/json`, optionally gzip). 204 when every entry is stored.
 *
 * Like Loki, an entry with a bad value is rejected alone: the others are stored and the answer
 * is 400 with one line per rejected entry. Promtail, Alloy and Fluent Bit retry only 429 and
 * 5xx, so a 400 never makes them send the stored entries again. 429/503 (with Retry-After)
 * mean nothing was stored and the push should be retried.
 *
 * The tenant comes from the credential only; `X-Scope-OrgID` is ignored (a label or structured
 * metadata field called `tenant` is just an attribute).
 */
export async function lokiPushPlugin(
  app: FastifyInstance,
  options: LokiPushOptions,
): Promise<void> {
  acceptRawBodies(app, options.maxBodyBytes);
  app.addHook('onResponse', async (_req, reply) => {
    options.ingest.countRequest('loki_push', reply.statusCode);
  });
  enforceRoutePermissions(app, options.authenticator, (reply, failure) => {
    if (failure.status === 401) reply.header('WWW-Authenticate', 'Basic realm="vigil"');
    return reply.code(failure.status).type(TEXT_TYPE).send(`${failure.message}\n`);
  });
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    if (err instanceof IngestError) {
      const status = httpStatusOf(err.code);
      if (status === 429 || status === 503) {
        reply.header('Retry-After', String(err.retryAfterSeconds));
      }
      return reply.code(status).type(TEXT_TYPE).send(`${err.message}\n`);
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .type(TEXT_TYPE)
        .send(`request body exceeds ${options.maxBodyBytes} bytes\n`);
    }
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply.code(status).type(TEXT_TYPE).send(`${err.message}\n`);
  });

  app.post(
    '/loki/api/v1/push',
    { config: { permissions: ['ingest'] } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const receivedAt = Date.now();
      const principal = req.principal as Principal;
      await admitIngest(options, principal);
      const body = await decodeBody(
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req.headers['content-encoding'],
        options.maxBodyBytes,
      );
      const decode = {
        receivedAt,
        maxLineBytes: options.limits.maxDocumentBytes,
        maxBodyBytes: options.maxBodyBytes,
      };
      const results: LokiEntryResult[] = isJson(req.headers['content-type'])
        ? decodeLokiJson(body, decode)
        : await decodeLokiProtobuf(body, decode);

      const batch = await options.ingest.begin(principal, {
        endpoint: 'loki_push',
        format: 'text',
        envelopes: true,
        receivedAt,
      });
      const reasons: string[] = [];
      const added: LokiEntry[] = [];
      for (const result of results) {
        if (result.ok) {
          added.push(result.entry);
          addEntry(batch, result.entry);
        } else {
          reasons.push(`${result.where}: ${result.reason}`);
        }
      }
      chargeRecords(options, principal, results.length);
      const outcomes = await batch.commit(reasons.length);
      outcomes.forEach((outcome, j) => {
        const entry = added[j];
        if (!outcome.ok && entry)
          reasons.push(`entry of ${streamText(entry.labels)}: ${outcome.reason}`);
      });
      if (reasons.length === 0) return reply.code(204).send();
      const more = reasons.length - MAX_REPORTED_REASONS;
      const text =
        `${reasons.length} of ${results.length} entries rejected (the others were stored):\n` +
        reasons.slice(0, MAX_REPORTED_REASONS).join('\n') +
        (more > 0 ? `\nand ${more} more\n` : '\n');
      return reply.code(400).type(TEXT_TYPE).send(text);
    },
  );
}

/**
 * One Loki entry into the batch. Labels become service (SERVICE_LABELS), host (HOST_LABELS),
 * dataset (`dataset`, else `job`, else `loki`) and attributes `labels.<name>` (every label,
 * so label selectors translate one-to-one); structured metadata becomes `metadata.<name>`,
 * except a trace or span id, which fills traceId / spanId.
 */
function addEntry(batch: IngestBatch, entry: LokiEntry): void {
  const { labels } = entry;
  const doc: Record<string, unknown> = {
    message: entry.line,
    timestamp: entry.timestamp,
  };
  const service = firstLabel(labels, SERVICE_LABELS);
  if (service !== undefined) doc.service = service;
  const host = firstLabel(labels, HOST_LABELS);
  if (host !== undefined) doc.host = host;
  const level = firstLabel(labels, LEVEL_LABELS);
  if (level !== undefined) doc.level = level;
  doc.labels = labels;
  if (entry.metadata !== null) {
    const metadata = Object.assign(Object.create(null) as Record<string, string>, entry.metadata);
    const traceId = takeFirst(metadata, TRACE_METADATA);
    if (traceId !== undefined) doc.trace_id = traceId;
    const spanId = takeFirst(metadata, SPAN_METADATA);
    if (spanId !== undefined) doc.span_id = spanId;
    doc.metadata = metadata;
  }
  // A document whose message is a raw line: the format stage detects the line's format per
  // source (dataset + service) and merges what it parses, as for Filebeat's `message`.
  batch.add(doc, datasetOf(labels));
}

function datasetOf(labels: Record<string, string>): string {
  const name = labels.dataset ?? labels.job;
  return name && name.length <= MAX_DATASET_LENGTH ? name : DEFAULT_DATASET;
}

function firstLabel(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = labels[name];
    // Loki fills service_name with this placeholder when it found nothing better.
    if (value && value !== 'unknown_service') return value;
  }
  return undefined;
}

function takeFirst(map: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = map[name];
    if (value) {
      delete map[name];
      return value;
    }
  }
  return undefined;
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/** The stream's labels as Loki prints them, for error messages. */
function streamText(labels: Record<string, string>): string {
  const pairs = Object.keys(labels).map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${pairs.join(', ')}}`;
}
