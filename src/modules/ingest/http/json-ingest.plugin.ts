import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { IngestError, httpStatusOf } from '../ingest.errors';
import type { IngestService } from '../ingest.service';
import { parseJsonValues, parseTextLines } from '../parsing/json-values';
import { admitIngest, chargeRecords, type IngestAdmission } from './ingest-admission';
import { acceptRawBodies, decodeBody } from './request-body';
import { enforceRoutePermissions } from './route-permissions';

export interface JsonIngestOptions extends IngestAdmission {
  ingest: IngestService;
  authenticator: Authenticator;
  maxBodyBytes: number;
}

interface IngestQuery {
  service?: string;
  format?: string;
  dataset?: string;
}

interface ItemError {
  index: number;
  line?: number;
  error: string;
}

const MAX_REPORTED_ERRORS = 100;

/**
 * `POST /api/v1/logs`: a JSON object, a JSON array, NDJSON or concatenated objects
 * (`application/json`, `application/x-ndjson`), or raw lines (`text/plain`, one log per line).
 * Query: `service` (default service), `dataset` (default `api`), `format`: `auto` (default:
 * lines and raw `message`s are detected per source), `json` (documents as they are), `text`, or
 * a format name (pins it).
 * Answers 200 with counts and per-item errors; 400 only when nothing could be stored.
 */
export async function jsonIngestPlugin(
  app: FastifyInstance,
  options: JsonIngestOptions,
): Promise<void> {
  acceptRawBodies(app, options.maxBodyBytes);
  app.addHook('onResponse', async (_req, reply) => {
    options.ingest.countRequest('api_v1_logs', reply.statusCode);
  });
  enforceRoutePermissions(app, options.authenticator, (reply, failure) =>
    reply.code(failure.status).send({
      error: failure.status === 401 ? 'unauthenticated' : 'forbidden',
      message: failure.message,
    }),
  );
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    if (err instanceof IngestError) {
      const status = httpStatusOf(err.code);
      if (status === 429 || status === 503)
        reply.header('Retry-After', String(err.retryAfterSeconds));
      return reply.code(status).send({ error: err.code.toLowerCase(), message: err.message });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: 'body_too_large',
        message: `request body exceeds ${options.maxBodyBytes} bytes`,
      });
    }
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply.code(status).send({ error: 'error', message: err.message });
  });

  app.post(
    '/api/v1/logs',
    { config: { permissions: ['ingest'] } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const receivedAt = Date.now();
      const query = req.query as IngestQuery;
      const contentType = (req.headers['content-type'] ?? '').toLowerCase();
      const principal = req.principal as Principal;
      const format = query.format ?? 'auto';
      const known = options.ingest.formatNamed(principal.tenantId, format);
      if (format !== 'auto' && known === undefined) {
        throw new IngestError(
          'BAD_REQUEST',
          `unknown format "${format}" (auto, json, text or a name listed by the logFormats query)`,
        );
      }
      // Raw lines: text/plain bodies, and any body pinned to a line format (`text` included).
      const lines =
        known?.kind === 'line' || (format === 'auto' && contentType.startsWith('text/plain'));
      const dataset = query.dataset ?? 'api';
      await admitIngest(options, principal);
      const body = await decodeBody(
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req.headers['content-encoding'],
        options.maxBodyBytes,
      );

      const maxBytes = options.limits.maxDocumentBytes;
      const batch = await options.ingest.begin(principal, {
        endpoint: 'api_v1_logs',
        format: 'json',
        pin: format,
        defaultService: query.service,
        receivedAt,
      });
      const positions: number[] = [];
      const errors: ItemError[] = [];
      let total = 0;
      if (lines) {
        for (const line of parseTextLines(body)) {
          const index = total++;
          // UTF-8 takes at most 3 bytes per UTF-16 unit, so short lines skip the byte count.
          const bytes = line.length * 3 > maxBytes ? Buffer.byteLength(line) : 0;
          if (bytes > maxBytes) {
            errors.push({ index, error: tooLong(bytes, maxBytes) });
            continue;
          }
          positions.push(index);
          batch.addLine(line, dataset);
        }
      } else {
        for (const value of parseJsonValues(body, maxBytes)) {
          const index = total++;
          if (value.ok) {
            positions.push(index);
            batch.add(value.value, dataset);
          } else {
            errors.push({ index, line: value.line, error: value.error });
          }
        }
      }
      chargeRecords(options, principal, total);
      const outcomes = await batch.commit(errors.length);
      let accepted = 0;
      outcomes.forEach((outcome, j) => {
        if (outcome.ok) accepted++;
        else errors.push({ index: positions[j] ?? j, error: outcome.reason });
      });
      errors.sort((a, b) => a.index - b.index);
      const rejected = total - accepted;
      return reply.code(rejected > 0 && accepted === 0 ? 400 : 200).send({
        accepted,
        rejected,
        errors: errors.slice(0, MAX_REPORTED_ERRORS),
      });
    },
  );
}

function tooLong(bytes: number, max: number): string {
  return `the line is ${bytes} bytes, more than the limit of ${max}`;
}
