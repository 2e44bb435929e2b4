import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { mappingsComponent } from 'src/modules/logs/opensearch/opensearch-templates';
import { DEFAULT_OPENSEARCH_SETTINGS } from 'src/modules/logs/opensearch/opensearch-settings';

import { type Doc, DslEvaluator, type MappingsLike } from './opensearch-dsl-evaluator';

/** A request as the fake received it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON, or for `_bulk` the parsed NDJSON lines. */
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

/** Returns an answer to send instead of the normal one, or undefined to let the request through. */
export type Fault = (request: SeenRequest) => FakeAnswer | undefined;

interface StoredDoc {
  stream: string;
  index: string;
  id: string;
  routing: string | undefined;
  source: Record<string, unknown>;
}

interface Task {
  polls: number;
  response: Record<string, unknown>;
}

/**
 * An HTTP server on 127.0.0.1 that answers like OpenSearch, with response bodies shaped as
 * OpenSearch 2.x documents and returns them (bulk items, PIT ids, hits with `sort`, buckets,
 * tasks, `{"error":{"type","reason"},"status"}` errors). Documents live in memory; queries are
 * evaluated with the documented semantics (test/support/opensearch-dsl-evaluator.ts). It is not
 * OpenSearch: it checks what the store sends and how it handles answers, not OpenSearch itself.
 * The update-by-query script is not run: the fake applies the store's `params.changes`.
 */
export class FakeOpenSearch {
  readonly requests: SeenRequest[] = [];
  readonly faults: Fault[] = [];
  readonly docs: StoredDoc[] = [];
  readonly componentTemplates = new Map<string, unknown>();
  readonly indexTemplates = new Map<string, unknown>();
  readonly policies = new Map<string, { seqNo: number; body: unknown }>();
  readonly streams = new Set<string>();
  readonly pits = new Map<string, StoredDoc[]>();
  readonly tasks = new Map<string, Task>();
  /** Polls a task answers `completed: false` before it reports done. */
  taskPollsBeforeDone = 2;
  #server: Server | null = null;
  #seq = 0;
  readonly #evaluator = new DslEvaluator(
    (mappingsComponent(DEFAULT_OPENSEARCH_SETTINGS) as { template: { mappings: MappingsLike } })
      .template.mappings,
  );

  /** Listens on a free loopback port; a second call gives the same server's URL. */
  async start(): Promise<string> {
    if (this.#server !== null) {
      return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    }
    this.#server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    // The client keeps connections alive; close() alone would wait for them to time out.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  seen(method: string, pathPattern: RegExp): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const body = path.endsWith('/_bulk')
      ? text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown)
      : text === ''
        ? undefined
        : (JSON.parse(text) as unknown);
    const request: SeenRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body,
    };
    this.requests.push(request);
    let answer: FakeAnswer | undefined;
    for (const fault of this.faults) {
      answer = fault(request);
      if (answer) break;
    }
    answer ??= this.route(request);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }

  private route(r: SeenRequest): FakeAnswer {
    const m = r.method;
    const p = r.path;
    let match: RegExpExecArray | null;
    if (m === 'GET' && p === '/')
      return ok({ version: { distribution: 'opensearch', number: '2.19.0' } });
    if (m === 'PUT' && (match = /^\/_component_template\/(.+)$/.exec(p))) {
      this.componentTemplates.set(match[1] as string, r.body);
      return ok({ acknowledged: true });
    }
    if (m === 'PUT' && (match = /^\/_index_template\/(.+)$/.exec(p))) {
      this.indexTemplates.set(match[1] as string, r.body);
      return ok({ acknowledged: true });
    }
    if ((match = /^\/_plugins\/_ism\/policies\/(.+)$/.exec(p)))
      return this.policy(r, match[1] as string);
    if ((match = /^\/_plugins\/_ism\/change_policy\/(.+)$/.exec(p))) {
      return ok({ updated_indices: 1, failures: false, failed_indices: [] });
    }
    if ((match = /^\/_data_stream\/(.+)$/.exec(p))) return this.dataStream(r, match[1] as string);
    if (m === 'POST' && p === '/_bulk') return this.bulk(r.body as Record<string, unknown>[]);
    if (m === 'DELETE' && p === '/_search/point_in_time') {
      const ids = (r.body as { pit_id: string[] }).pit_id;
      const pits = ids.map((id) => ({ pit_id: id, successful: this.pits.delete(id) }));
      return ok({ pits });
    }
    if (m === 'POST' && (match = /^\/(.+)\/_search\/point_in_time$/.exec(p))) {
      const id = `pit-${++this.#seq}`;
      this.pits.set(
        id,
        this.targeted(match[1] as string).map((d) => structuredClone(d)),
      );
      return ok({
        pit_id: id,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        creation_time: Date.now(),
      });
    }
    if (m === 'POST' && p === '/_search') {
      const pit = (r.body as { pit?: { id: string } }).pit;
      const docs = pit ? this.pits.get(pit.id) : undefined;
      if (!docs)
        return error(404, 'search_phase_execution_exception', 'No search context found for id');
      return ok({ ...this.search(docs, r.body as SearchBody), pit_id: pit?.id });
    }
    if (m === 'POST' && (match = /^\/(.+)\/_search$/.exec(p))) {
      return ok(this.search(this.targeted(match[1] as string), r.body as SearchBody));
    }
    if (m === 'POST' && (match = /^\/(.+)\/_count$/.exec(p))) {
      const { query } = r.body as { query: Record<string, unknown> };
      return ok({
        count: this.targeted(match[1] as string).filter((d) => this.matches(query, d)).length,
      });
    }
    if (m === 'POST' && (match = /^\/(.+)\/_delete_by_query$/.exec(p))) {
      const { query } = r.body as { query: Record<string, unknown> };
      const doomed = new Set(
        this.targeted(match[1] as string).filter((d) => this.matches(query, d)),
      );
      const kept = this.docs.filter((d) => !doomed.has(d));
      this.docs.splice(0, this.docs.length, ...kept);
      return ok({ task: this.task({ total: doomed.size, deleted: doomed.size, failures: [] }) });
    }
    if (m === 'POST' && (match = /^\/(.+)\/_update_by_query$/.exec(p))) {
      return ok({ task: this.updateByQuery(match[1] as string, r.body as UpdateBody) });
    }
    if (m === 'GET' && (match = /^\/_tasks\/(.+)$/.exec(p))) {
      const task = this.tasks.get(match[1] as string);
      if (!task) return error(404, 'resource_not_found_exception', 'task not found');
      const completed = ++task.polls > this.taskPollsBeforeDone;
      return ok({
        completed,
        task: {
          node: 'fake',
          id: 1,
          action: 'indices:data/write/delete/byquery',
          status: task.response,
        },
        ...(completed ? { response: task.response } : {}),
      });
    }
    return error(400, 'illegal_argument_exception', `the fake does not know ${m} ${p}`);
  }

  private policy(r: SeenRequest, id: string): FakeAnswer {
    const stored = this.policies.get(id);
    if (r.method === 'GET') {
      if (!stored) return error(404, 'status_exception', 'Policy not found');
      return ok({ _id: id, _seq_no: stored.seqNo, _primary_term: 1, ...(stored.body as object) });
    }
    if (r.method === 'DELETE') {
      if (!stored) return error(404, 'status_exception', 'Policy not found');
      this.policies.delete(id);
      return ok({ result: 'deleted' });
    }
    const ifSeqNo = r.query.get('if_seq_no');
    if (stored && ifSeqNo === null)
      return error(409, 'version_conflict_engine_exception', 'exists');
    if (stored && Number(ifSeqNo) !== stored.seqNo)
      return error(409, 'version_conflict_engine_exception', 'seq_no');
    this.policies.set(id, { seqNo: (stored?.seqNo ?? -1) + 1, body: r.body });
    return { status: stored ? 200 : 201, body: { _id: id, policy: r.body } };
  }

  private dataStream(r: SeenRequest, name: string): FakeAnswer {
    if (r.method === 'PUT') {
      if (this.streams.has(name)) {
        return error(
          400,
          'resource_already_exists_exception',
          `data_stream [${name}] already exists`,
        );
      }
      this.streams.add(name);
      return ok({ acknowledged: true });
    }
    if (r.method === 'DELETE') {
      if (!this.streams.delete(name))
        return error(404, 'index_not_found_exception', `no such index [${name}]`);
      const kept = this.docs.filter((d) => d.stream !== name);
      this.docs.splice(0, this.docs.length, ...kept);
      return ok({ acknowledged: true });
    }
    const pattern = wildcard(name);
    const found = [...this.streams].filter((s) => pattern.test(s));
    return ok({
      data_streams: found.map((s) => ({
        name: s,
        timestamp_field: { name: '@timestamp' },
        status: 'GREEN',
      })),
    });
  }

  private bulk(lines: Record<string, unknown>[]): FakeAnswer {
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      const action = (lines[i] as { create?: { _index: string; _id: string; routing?: string } })
        .create;
      const source = lines[i + 1] as Record<string, unknown>;
      if (!action) throw new Error('the store only sends create actions');
      const index = `.ds-${action._index}-000001`;
      let result: Record<string, unknown>;
      if (this.docs.some((d) => d.stream === action._index && d.id === action._id)) {
        result = {
          status: 409,
          error: {
            type: 'version_conflict_engine_exception',
            reason: `[${action._id}]: version conflict, document already exists`,
          },
        };
      } else {
        this.streams.add(action._index);
        this.docs.push({
          stream: action._index,
          index,
          id: action._id,
          routing: action.routing,
          source,
        });
        result = { status: 201, result: 'created', _seq_no: this.#seq++, _primary_term: 1 };
      }
      if (result.status !== 201) errors = true;
      items.push({ create: { _index: index, _id: action._id, ...result } });
    }
    return ok({ took: 3, errors, items });
  }

  private search(docs: StoredDoc[], body: SearchBody): Record<string, unknown> {
    const matching = docs.filter((d) => this.matches(body.query, d));
    const sorted = sortDocs(matching, body.sort);
    const after = body.search_after;
    const order = sortOrder(body.sort);
    const page = (
      after ? sorted.filter((d) => compare(key(d), after as [number, string], order) > 0) : sorted
    ).slice(0, body.size ?? 10);
    const result: Record<string, unknown> = {
      took: 1,
      timed_out: false,
      hits: {
        hits: page.map((d) => ({
          _index: d.index,
          _id: d.id,
          _score: null,
          _source: d.source,
          sort: key(d),
        })),
      },
    };
    if (body.aggs) result.aggregations = this.aggregate(matching, body.aggs);
    return result;
  }

  private aggregate(
    docs: StoredDoc[],
    aggs: Record<string, Record<string, Record<string, unknown>>>,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, agg] of Object.entries(aggs)) {
      if (agg.date_histogram) {
        const interval = Number(/^(\d+)ms$/.exec(String(agg.date_histogram.fixed_interval))?.[1]);
        const members = new Map<number, StoredDoc[]>();
        for (const d of docs) {
          const start = Math.floor(key(d)[0] / interval) * interval;
          const bucket = members.get(start);
          if (bucket) bucket.push(d);
          else members.set(start, [d]);
        }
        const sub = agg.aggs as Record<string, Record<string, Record<string, unknown>>> | undefined;
        const buckets = [...members]
          .sort((a, b) => a[0] - b[0])
          .map(([k, inBucket]) => ({
            key_as_string: new Date(k).toISOString(),
            key: k,
            doc_count: inBucket.length,
            ...(sub ? this.aggregate(inBucket, sub) : {}),
          }));
        out[name] = { buckets };
      } else if (agg.stats) {
        const field = String(agg.stats.field);
        const values = docs.flatMap((d) => this.#evaluator.numbers(field, asDoc(d)));
        const sum = values.reduce((a, b) => a + b, 0);
        const n = values.length;
        out[name] = {
          count: n,
          min: n ? values.reduce((a, b) => Math.min(a, b)) : null,
          max: n ? values.reduce((a, b) => Math.max(a, b)) : null,
          avg: n ? sum / n : null,
          sum,
        };
      } else if (agg.terms) {
        const field = String(agg.terms.field);
        const exclude = new Set((agg.terms.exclude as string[] | undefined) ?? []);
        const counts = new Map<string, number>();
        for (const d of docs) {
          for (const v of new Set(this.#evaluator.indexedTerms(field, asDoc(d)))) {
            if (!exclude.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
          }
        }
        const buckets = [...counts]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, Number(agg.terms.size ?? 10))
          .map(([k, n]) => ({ key: k, doc_count: n }));
        out[name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets };
      }
    }
    return out;
  }

  private updateByQuery(targets: string, body: UpdateBody): string {
    const changes = body.script.params.changes as Record<string, Record<string, unknown>>;
    let updated = 0;
    let noops = 0;
    for (const d of this.targeted(targets).filter((doc) => this.matches(body.query, doc))) {
      const c = changes[d.id];
      if (!c) {
        noops++;
        continue;
      }
      const vigil = d.source.vigil as Record<string, unknown>;
      d.source = {
        ...d.source,
        message: c.message,
        attributes: c.attributes,
        vigil: {
          ...vigil,
          attr: c.attr,
          lexemes: c.lexemes,
          ...(c.pattern_params != null
            ? {
                pattern_params: c.pattern_params,
                param: c.param,
                ...(c.param_num != null ? { param_num: c.param_num } : {}),
              }
            : {}),
        },
      };
      updated++;
    }
    return this.task({ total: updated + noops, updated, noops, failures: [] });
  }

  private task(response: Record<string, unknown>): string {
    const id = `fakeNode:${++this.#seq}`;
    this.tasks.set(id, { polls: 0, response });
    return id;
  }

  private targeted(targets: string): StoredDoc[] {
    const patterns = targets.split(',').map(wildcard);
    return this.docs.filter((d) => patterns.some((p) => p.test(d.stream)));
  }

  private matches(query: Record<string, unknown>, d: StoredDoc): boolean {
    return this.#evaluator.matches(query, asDoc(d));
  }
}

interface SearchBody {
  query: Record<string, unknown>;
  size?: number;
  sort?: Array<Record<string, { order: 'asc' | 'desc' }>>;
  search_after?: unknown[];
  aggs?: Record<string, Record<string, Record<string, unknown>>>;
}

interface UpdateBody {
  query: Record<string, unknown>;
  script: { source: string; params: Record<string, unknown> };
}

function asDoc(d: StoredDoc): Doc {
  return { ...d.source, _id: d.id };
}

function key(d: StoredDoc): [number, string] {
  const vigil = d.source.vigil as { id: string };
  return [Date.parse(String(d.source['@timestamp'])), vigil.id];
}

function sortOrder(sort: SearchBody['sort']): 'asc' | 'desc' {
  return Object.values(sort?.[0] ?? {})[0]?.order ?? 'desc';
}

function compare(a: [number, string], b: [number, string], order: 'asc' | 'desc'): number {
  const c = a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  return order === 'asc' ? c : -c;
}

function sortDocs(docs: StoredDoc[], sort: SearchBody['sort']): StoredDoc[] {
  const order = sortOrder(sort);
  return [...docs].sort((a, b) => compare(key(a), key(b), order));
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function ok(body: unknown): FakeAnswer {
  return { status: 200, body };
}

export function error(status: number, type: string, reason: string): FakeAnswer {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}
