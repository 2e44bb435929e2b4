import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { IngestError, httpStatusOf } from '../ingest.errors';
import type { IngestService } from '../ingest.service';
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  mapOtlpRequest,
  OtlpDecodeError,
} from '../parsing/otlp-logs.decoder';
import { ExportLogsServiceResponse, RpcStatus } from '../parsing/otlp-logs.schema';
import { admitIngest, chargeRecords, type IngestAdmission } from './ingest-admission';
import { acceptRawBodies, decodeBody } from './request-body';
import { enforceRoutePermissions } from './route-permissions';

export interface OtlpLogsOptions extends IngestAdmission {
  ingest: IngestService;
  authenticator: Authenticator;
  maxBodyBytes: number;
}

type Encoding = 'protobuf' | 'json';

const PROTOBUF_TYPE = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const DATASET = 'otlp';
/** Reasons quoted in `partialSuccess.errorMessage`; the count covers the rest. */
const MAX_REPORTED_REASONS = 10;

/** google.rpc.Code values the OTLP/HTTP spec pairs with each HTTP status. */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  413: 3,
  415: 3,
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/**
 * OTLP/HTTP logs, `POST /v1/logs`: an ExportLogsServiceRequest as protobuf
 * (`application/x-protobuf`) or OTLP JSON (`application/json`), optionally gzip. Answers 200
 * with an ExportLogsServiceResponse in the request's encoding, carrying `partialSuccess` when
 * some records were rejected (senders do not retry those); 400 when the body cannot be decoded,
 * 415 for another content type, 429/503 with Retry-After when Vigil is throttling or saturated,
 * 401/403 for credentials. Error bodies are google.rpc.Status, in the request's encoding.
 */
export async function otlpLogsPlugin(
  app: FastifyInstance,
  options: OtlpLogsOptions,
): Promise<void> {
  acceptRawBodies(app, options.maxBodyBytes);
  app.addHook('onResponse', async (_req, reply) => {
    options.ingest.countRequest('otlp_logs', reply.statusCode);
  });
  enforceRoutePermissions(app, options.authenticator, (reply, failure) =>
    sendStatus(reply, encodingOf(reply.request), failure.status, failure.message),
  );
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const encoding = encodingOf(req);
    if (err instanceof OtlpDecodeError) return sendStatus(reply, encoding, 400, err.message);
    if (err instanceof IngestError) {
      const status = httpStatusOf(err.code);
      if (status === 429 || status === 503) {
        reply.header('Retry-After', String(err.retryAfterSeconds));
      }
      return sendStatus(reply, encoding, status, err.message);
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendStatus(reply, encoding, 413, `request body exceeds ${options.maxBodyBytes} bytes`);
    }
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return sendStatus(reply, encoding, status, err.message);
  });

  app.post(
    '/v1/logs',
    { config: { permissions: ['ingest'] } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const receivedAt = Date.now();
      const encoding = requestEncoding(req.headers['content-type']);
      if (encoding === null) {
        return sendStatus(
          reply,
          'json',
          415,
          `unsupported Content-Type "${req.headers['content-type'] ?? ''}" (use ${PROTOBUF_TYPE} or ${JSON_TYPE})`,
        );
      }
      const principal = req.principal as Principal;
      await admitIngest(options, principal);
      const body = await decodeBody(
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req.headers['content-encoding'],
        options.maxBodyBytes,
      );
      const request =
        body.length === 0
          ? {}
          : encoding === 'protobuf'
            ? decodeOtlpProtobuf(body)
            : decodeOtlpJson(body);
      const results = mapOtlpRequest(request, {
        receivedAt,
        dataset: DATASET,
        maxDepth: options.limits.maxDocumentDepth,
        maxBytes: options.limits.maxDocumentBytes,
      });

      const batch = await options.ingest.begin(principal, {
        endpoint: 'otlp_logs',
        format: 'otlp',
        receivedAt,
      });
      const reasons: string[] = [];
      const added: number[] = [];
      results.forEach((result, i) => {
        if (result.ok) {
          added.push(i);
          batch.addRecord(result.record);
        } else {
          reasons.push(`${result.where}: ${result.reason}`);
        }
      });
      chargeRecords(options, principal, results.length);
      const outcomes = await batch.commit(reasons.length);
      outcomes.forEach((outcome, j) => {
        if (!outcome.ok)
          reasons.push(`log record #${(added[j] ?? j) + 1} of the request: ${outcome.reason}`);
      });
      return sendResponse(reply, encoding, reasons);
    },
  );
}

function requestEncoding(contentType: string | undefined): Encoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === PROTOBUF_TYPE || type === 'application/protobuf') return 'protobuf';
  if (type === JSON_TYPE) return 'json';
  return null;
}

/** Errors answer in the request's encoding when it is one of ours, else in JSON. */
function encodingOf(req: FastifyRequest): Encoding {
  return requestEncoding(req.headers['content-type']) ?? 'json';
}

function sendResponse(reply: FastifyReply, encoding: Encoding, reasons: string[]): FastifyReply {
  const partialSuccess =
    reasons.length === 0
      ? undefined
      : {
          rejectedLogRecords: reasons.length,
          errorMessage: summarize(reasons),
        };
  if (encoding === 'protobuf') {
    const bytes = ExportLogsServiceResponse.encode(
      ExportLogsServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {}),
    ).finish();
    return reply.code(200).type(PROTOBUF_TYPE).send(Buffer.from(bytes));
  }
  // proto3 JSON writes int64 as a decimal string.
  const json = partialSuccess
    ? {
        partialSuccess: {
          rejectedLogRecords: String(partialSuccess.rejectedLogRecords),
          errorMessage: partialSuccess.errorMessage,
        },
      }
    : {};
  return reply.code(200).type(JSON_TYPE).send(JSON.stringify(json));
}

function summarize(reasons: string[]): string {
  const shown = reasons.slice(0, MAX_REPORTED_REASONS).join('; ');
  const more = reasons.length - MAX_REPORTED_REASONS;
  return `${reasons.length} log record(s) rejected: ${shown}${more > 0 ? `; and ${more} more` : ''}`;
}

function sendStatus(
  reply: FastifyReply,
  encoding: Encoding,
  status: number,
  message: string,
): FastifyReply {
  const code = RPC_CODES[status] ?? 2; // UNKNOWN
  if (encoding === 'protobuf') {
    const bytes = RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
    return reply.code(status).type(PROTOBUF_TYPE).send(Buffer.from(bytes));
  }
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify({ code, message }));
}
