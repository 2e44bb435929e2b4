import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Principal } from '../../tenancy/principal';
import { IngestError, httpStatusOf } from '../ingest.errors';
import type { IngestService } from '../ingest.service';
import { validateIndexName, visitBulkBody } from '../parsing/bulk-request.parser';
import {
  buildBulkResponseObject,
  type BulkItemResult,
  writeBulkResponse,
} from '../parsing/bulk-response.writer';
import { applyFilterPath } from '../parsing/filter-path';
import { clusterHealth, esError, LICENSE, rootInfo, XPACK } from './es-responses';
import { admitIngest, chargeRecords, type IngestAdmission } from './ingest-admission';
import { acceptRawBodies, decodeBody } from './request-body';
import { enforceRoutePermissions } from './route-permissions';

export interface EsApiOptions extends IngestAdmission {
  ingest: IngestService;
  authenticator: Authenticator;
  esVersion: string;
  maxBodyBytes: number;
}

type Query = Record<string, string | undefined>;
const JSON_TYPE = 'application/json; charset=UTF-8';
const INGEST = { permissions: ['ingest'] as const };
/** Index-management objects shippers create at start-up; we acknowledge and otherwise ignore them. */
const MANAGED_OBJECTS = [
  '/_index_template/:name',
  '/_template/:name',
  '/_component_template/:name',
  '/_ilm/policy/:name',
  '/_data_stream/:name',
  '/_ingest/pipeline/:name',
  '/_alias/:name',
  '/:index/_alias/:name',
  '/:index/_mapping',
  '/:index/_settings',
];

/**
 * The Elasticsearch-compatible API (served under `/es` on the main port and at the root of
 * ES_PORT): enough of Elasticsearch for Logstash, Fluent Bit, Vector, Filebeat, rsyslog and the
 * official clients to start up and ship with their default settings.
 */
export async function esApiPlugin(app: FastifyInstance, options: EsApiOptions): Promise<void> {
  acceptRawBodies(app, options.maxBodyBytes);
  app.addHook('onResponse', async (_req, reply) => {
    options.ingest.countRequest('es', reply.statusCode);
  });

  // Every response, errors included, carries the product header the clients check for.
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('X-Elastic-Product', 'Elasticsearch');
  });
  enforceRoutePermissions(app, options.authenticator, (reply, failure) => {
    if (failure.status === 401) reply.header('WWW-Authenticate', 'Basic realm="vigil", ApiKey');
    return reply
      .code(failure.status)
      .type(JSON_TYPE)
      .send(esError(failure.status, 'security_exception', failure.message));
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof IngestError) {
      const status = httpStatusOf(err.code);
      if (status === 429 || status === 503)
        reply.header('Retry-After', String(err.retryAfterSeconds));
      const type = ES_ERROR_TYPES[err.code];
      return reply
        .code(status)
        .type(JSON_TYPE)
        .send(esError(status, type, err.message));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .type(JSON_TYPE)
        .send(
          esError(
            413,
            'content_too_long_exception',
            `request body exceeds ${options.maxBodyBytes} bytes`,
          ),
        );
    }
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply
      .code(status)
      .type(JSON_TYPE)
      .send(esError(status, status === 500 ? 'exception' : 'parse_exception', err.message));
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(400)
      .type(JSON_TYPE)
      .send(
        esError(
          400,
          'illegal_argument_exception',
          `Vigil does not implement [${req.method} ${req.url}]`,
        ),
      ),
  );

  const send = (req: FastifyRequest, reply: FastifyReply, body: unknown, status = 200) => {
    const filterPath = (req.query as Query).filter_path;
    const filtered = filterPath ? applyFilterPath(body, filterPath) : body;
    return reply.code(status).type(JSON_TYPE).send(JSON.stringify(filtered));
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/',
    config: INGEST,
    handler: (req, reply) => {
      if (req.method === 'HEAD') return reply.code(200).type(JSON_TYPE).send();
      const openSearch = /opensearch/i.test(req.headers['user-agent'] ?? '');
      return send(req, reply, rootInfo(options.esVersion, openSearch));
    },
  });
  app.get('/_license', { config: INGEST }, (req, reply) => send(req, reply, LICENSE));
  app.get('/_xpack', { config: INGEST }, (req, reply) => send(req, reply, XPACK));
  app.get('/_cluster/health', { config: INGEST }, (req, reply) =>
    send(req, reply, clusterHealth()),
  );
  app.get('/_cluster/health/*', { config: INGEST }, (req, reply) =>
    send(req, reply, clusterHealth()),
  );
  app.get('/_cat/health', { config: INGEST }, (req, reply) => {
    const now = Date.now();
    if ((req.query as Query).format === 'json') {
      return send(req, reply, [
        { epoch: String(Math.floor(now / 1000)), cluster: 'vigil', status: 'green' },
      ]);
    }
    return reply
      .type('text/plain; charset=UTF-8')
      .send(`${Math.floor(now / 1000)} vigil green 1 1 1 1 0 0 0 0 - 100.0%\n`);
  });
  app.get('/_nodes', { config: INGEST }, (req, reply) =>
    send(req, reply, {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: 'vigil',
      nodes: {},
    }),
  );

  for (const url of MANAGED_OBJECTS) {
    app.route({
      method: ['GET', 'HEAD'],
      url,
      config: INGEST,
      handler: (req, reply) => {
        // "Not there yet": shippers then PUT it, which we acknowledge.
        if (req.method === 'HEAD') return reply.code(404).type(JSON_TYPE).send();
        return reply
          .code(404)
          .type(JSON_TYPE)
          .send(esError(404, 'resource_not_found_exception', `${req.url} is not stored by Vigil`));
      },
    });
    app.route({
      method: ['PUT', 'POST', 'DELETE'],
      url,
      config: INGEST,
      handler: (req, reply) => send(req, reply, { acknowledged: true }),
    });
  }
  // Index existence and creation (Logstash's ILM bootstrap: HEAD /ecs-logstash, PUT /<ecs-logstash-{now/d}-000001>).
  app.route({
    method: ['HEAD', 'GET'],
    url: '/:index',
    config: INGEST,
    handler: (req, reply) =>
      req.method === 'HEAD'
        ? reply.code(404).type(JSON_TYPE).send()
        : reply
            .code(404)
            .type(JSON_TYPE)
            .send(esError(404, 'index_not_found_exception', 'no such index')),
  });
  app.put('/:index', { config: INGEST }, (req, reply) =>
    send(req, reply, {
      acknowledged: true,
      shards_acknowledged: true,
      index: (req.params as { index: string }).index,
    }),
  );

  const bulk = async (req: FastifyRequest, reply: FastifyReply) => {
    const started = Date.now();
    const principal = req.principal as Principal;
    await admitIngest(options, principal);
    const body = await decodeBody(
      bodyOf(req),
      req.headers['content-encoding'],
      options.maxBodyBytes,
    );
    const batch = await options.ingest.begin(principal, {
      endpoint: 'es_bulk',
      format: 'json',
      receivedAt: started,
    });
    const results: BulkItemResult[] = [];
    const docItems: number[] = [];
    const index = (req.params as { index?: string }).index ?? null;
    const limit = options.limits.maxDocumentBytes;
    visitBulkBody(body, index, limit, (item) => {
      if (item.ok) {
        docItems.push(results.length);
        results.push({ op: item.op, index: item.index, id: item.id, status: 0 });
        batch.add(item.doc, item.index);
      } else {
        const { op, index, id, status, error } = item;
        results.push({ op, index, id, status, error });
      }
    });
    chargeRecords(options, principal, results.length);
    const outcomes = await batch.commit(results.length - docItems.length);
    outcomes.forEach((outcome, j) => {
      const result = results[docItems[j] as number] as BulkItemResult;
      if (outcome.ok) {
        result.status = 201;
        result.id ??= outcome.id;
      } else {
        result.status = 400;
        result.error = { type: 'document_parsing_exception', reason: outcome.reason };
      }
    });
    const filterPath = (req.query as Query).filter_path;
    const took = Date.now() - started;
    if (filterPath) return send(req, reply, buildBulkResponseObject(took, results));
    return reply.code(200).type(JSON_TYPE).send(writeBulkResponse(took, results));
  };
  for (const url of ['/_bulk', '/:index/_bulk']) {
    app.route({ method: ['POST', 'PUT'], url, config: INGEST, handler: bulk });
  }

  // Single-document writes, used by some client libraries.
  const single = async (req: FastifyRequest, reply: FastifyReply) => {
    const started = Date.now();
    const params = req.params as { index: string; id?: string };
    // As in _bulk: a valid name only labels the caller's records, an invalid one is refused.
    const invalid = validateIndexName(params.index);
    if (invalid) {
      return reply
        .code(400)
        .type(JSON_TYPE)
        .send(esError(400, invalid.type, invalid.reason));
    }
    await admitIngest(options, req.principal as Principal);
    const body = await decodeBody(
      bodyOf(req),
      req.headers['content-encoding'],
      options.maxBodyBytes,
    );
    if (body.length > options.limits.maxDocumentBytes) {
      return reply
        .code(400)
        .type(JSON_TYPE)
        .send(
          esError(
            400,
            'document_parsing_exception',
            `the document is ${body.length} bytes, more than the limit of ${options.limits.maxDocumentBytes}`,
          ),
        );
    }
    chargeRecords(options, req.principal as Principal, 1);
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return reply
        .code(400)
        .type(JSON_TYPE)
        .send(
          esError(400, 'document_parsing_exception', `failed to parse: ${(err as Error).message}`),
        );
    }
    const [outcome] = await options.ingest.ingest(
      req.principal as Principal,
      [{ doc, dataset: params.index }],
      {
        endpoint: 'es_doc',
        format: 'json',
        receivedAt: started,
      },
    );
    if (!outcome?.ok) {
      return reply
        .code(400)
        .type(JSON_TYPE)
        .send(esError(400, 'document_parsing_exception', outcome?.reason ?? 'not stored'));
    }
    return send(
      req,
      reply,
      {
        _index: params.index,
        _id: params.id ?? outcome.id,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
      },
      201,
    );
  };
  app.post('/:index/_doc', { config: INGEST }, single);
  app.route({ method: ['POST', 'PUT'], url: '/:index/_doc/:id', config: INGEST, handler: single });
  app.route({
    method: ['POST', 'PUT'],
    url: '/:index/_create/:id',
    config: INGEST,
    handler: single,
  });
}

const ES_ERROR_TYPES: Record<IngestError['code'], string> = {
  SATURATED: 'es_rejected_execution_exception',
  RATE_LIMITED: 'es_rejected_execution_exception',
  STORE_UNAVAILABLE: 'unavailable_shards_exception',
  BODY_TOO_LARGE: 'content_too_long_exception',
  BAD_REQUEST: 'parse_exception',
};

function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
