/** What pino and bunyan (Node.js) share: numeric levels, serialized errors, req/res objects. */
import type { ParsedAttributes, ParsedFields } from '../../log-format';
import { type JsonDoc, num, obj, putFlattened, str } from './json-fields';

const NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (custom levels fall to the bucket below). */
export function nodeLevelName(level: number): string | undefined {
  if (!(level >= 10)) return undefined;
  return NAMES[Math.min(Math.floor(level / 10), 6) - 1];
}

/** The `err` serializer's `{ type|name, message, stack }` plus its other fields under `err.`. */
export function putNodeError(attributes: ParsedAttributes, err: JsonDoc): void {
  const type = str(err, 'type') ?? str(err, 'name');
  if (type !== undefined) attributes['error.type'] = type;
  const message = str(err, 'message');
  if (message !== undefined) attributes['error.message'] = message;
  const stack = str(err, 'stack');
  if (stack !== undefined) attributes['error.stack_trace'] = stack;
  for (const key in err) {
    if (key !== 'type' && key !== 'name' && key !== 'message' && key !== 'stack') {
      putFlattened(attributes, `err.${key}`, err[key]);
    }
  }
}

const REQ_MAPPED = new Set(['method', 'url', 'remoteAddress', 'remotePort']);
const RES_MAPPED = new Set(['statusCode']);

/** The `req` / `res` serializers (pino-http, bunyan's stdSerializers) in ECS names. */
export function putNodeHttp(attributes: ParsedAttributes, req?: JsonDoc, res?: JsonDoc): void {
  if (req !== undefined) {
    const method = str(req, 'method');
    if (method !== undefined) attributes['http.request.method'] = method;
    const url = str(req, 'url');
    if (url !== undefined) attributes['url.original'] = url;
    const ip = str(req, 'remoteAddress');
    if (ip !== undefined) attributes['client.ip'] = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    const port = num(req, 'remotePort');
    if (port !== undefined) attributes['client.port'] = port;
    const agent = obj(req, 'headers')?.['user-agent'];
    if (typeof agent === 'string') attributes['user_agent.original'] = agent;
    for (const key in req)
      if (!REQ_MAPPED.has(key)) putFlattened(attributes, `req.${key}`, req[key]);
  }
  if (res !== undefined) {
    const status = num(res, 'statusCode');
    if (status !== undefined) attributes['http.response.status_code'] = status;
    for (const key in res)
      if (!RES_MAPPED.has(key)) putFlattened(attributes, `res.${key}`, res[key]);
  }
}

/** Fields pino and bunyan name alike. */
export function putNodeCommon(
  fields: ParsedFields,
  attributes: ParsedAttributes,
  doc: JsonDoc,
): void {
  const msg = str(doc, 'msg');
  if (msg !== undefined) fields.message = msg;
  const host = str(doc, 'hostname');
  if (host !== undefined) fields.host = host;
  const name = str(doc, 'name');
  if (name !== undefined) fields.service = name;
  const pid = num(doc, 'pid');
  if (pid !== undefined) attributes['process.pid'] = pid;
  const err = obj(doc, 'err');
  if (err !== undefined) putNodeError(attributes, err);
  putNodeHttp(attributes, obj(doc, 'req'), obj(doc, 'res'));
  const took = num(doc, 'responseTime');
  if (took !== undefined) attributes['event.duration'] = Math.round(took * 1e6);
}
