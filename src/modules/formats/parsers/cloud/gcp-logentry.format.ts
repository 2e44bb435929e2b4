import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { isIp, putUrl, secondsToNanos } from '../web/access-fields';
import { toJsonText } from '../../normalize/flatten';
import { type JsonDoc, num, obj, putFlat, putNum, putRest, putStr, str } from '../web/json-fields';

const LOG_NAME = /^(?:projects|organizations|folders|billingAccounts)\/([^/]+)\/logs\/(.+)$/;
const TRACE = /^projects\/([^/]+)\/traces\/([0-9a-fA-F]{32})$/;
const KNOWN_PAYLOAD = new Set(['message']);
const KNOWN_PROTO = new Set([
  '@type',
  'serviceName',
  'methodName',
  'resourceName',
  'authenticationInfo',
  'requestMetadata',
  'status',
  'authorizationInfo',
  'request',
  'response',
  'metadata',
  'serviceData',
]);
// Audit request and response bodies: one JSON text each, capped, not hundreds of attributes.
const MAX_BODY_TEXT = 8192;
// Resource labels that name the workload, in the order they are preferred as the service.
const SERVICE_LABELS = ['service_name', 'module_id', 'function_name', 'job_name', 'container_name'];

/**
 * A Google Cloud Logging LogEntry as exported (sinks, `gcloud logging read --format=json`,
 * Pub/Sub): timestamp, severity, logName, resource{type, labels}, one of textPayload /
 * jsonPayload / protoPayload, httpRequest, trace, spanId, labels.
 */
export const GCP_LOGENTRY_FORMAT: JsonFormat = {
  name: 'gcp-logentry',
  family: 'cloud',
  kind: 'json',
  description:
    'Google Cloud Logging LogEntry JSON (logName, resource, textPayload/jsonPayload, httpRequest, trace)',
  priority: 20,
  detect(doc) {
    const logName = doc.logName;
    return (
      typeof logName === 'string' &&
      logName.indexOf('/logs/') !== -1 &&
      typeof doc.resource === 'object' &&
      doc.resource !== null
    );
  },
  parse(doc) {
    const attrs: ParsedAttributes = { 'cloud.provider': 'gcp' };
    const logName = str(doc, 'logName');
    const named = logName === undefined ? null : LOG_NAME.exec(logName);
    if (named !== null) {
      attrs['cloud.project.id'] = named[1] as string;
      attrs['gcp.log_name'] = decodeLogId(named[2] as string);
    }
    const resource = obj(doc, 'resource');
    putStr(attrs, 'gcp.resource.type', str(resource, 'type'));
    const labels = obj(resource, 'labels');
    putFlat(attrs, 'gcp.resource.labels', labels);
    const project = str(labels, 'project_id');
    if (project !== undefined) attrs['cloud.project.id'] = project;
    putStr(attrs, 'cloud.region', str(labels, 'location') ?? str(labels, 'region'));
    putFlat(attrs, 'gcp.labels', doc.labels);
    putStr(attrs, 'gcp.insert_id', str(doc, 'insertId'));
    putFlat(attrs, 'gcp.source_location', doc.sourceLocation);
    putFlat(attrs, 'gcp.operation', doc.operation);
    putHttpRequest(attrs, obj(doc, 'httpRequest'));

    let message = str(doc, 'textPayload');
    const json = obj(doc, 'jsonPayload');
    if (json !== undefined) {
      message ??= str(json, 'message');
      putRest(attrs, 'gcp.json_payload.', json, KNOWN_PAYLOAD);
    }
    const proto = obj(doc, 'protoPayload');
    if (proto !== undefined) putProtoPayload(attrs, proto);

    const traceText = str(doc, 'trace');
    const trace = traceText === undefined ? null : TRACE.exec(traceText);
    const traceId = trace === null ? undefined : (trace[2] as string).toLowerCase();
    if (trace === null) putStr(attrs, 'gcp.trace', traceText);
    const spanText = str(doc, 'spanId');
    const spanId =
      spanText !== undefined && /^[0-9a-fA-F]{16}$/.test(spanText)
        ? spanText.toLowerCase()
        : undefined;
    if (typeof doc.traceSampled === 'boolean') attrs['gcp.trace_sampled'] = doc.traceSampled;

    const timestamp = logTime(doc.timestamp) ?? logTime(doc.receiveTimestamp);
    const level = str(doc, 'severity');
    let service: string | undefined;
    for (const key of SERVICE_LABELS) service ??= str(labels, key);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      ...(message === undefined ? {} : { message }),
      ...(service === undefined ? {} : { service }),
      ...(traceId === undefined ? {} : { traceId }),
      ...(spanId === undefined ? {} : { spanId }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '{"insertId":"6745a1b2000c3d9e4f5a6b7c","jsonPayload":{"message":"payment authorised","orderId":"ord_8812","amount":42.5},"resource":{"type":"cloud_run_revision","labels":{"project_id":"shop-prod","service_name":"payments","revision_name":"payments-00042-abc","location":"europe-west1","configuration_name":"payments"}},"timestamp":"2026-11-26T10:11:12.123456Z","severity":"INFO","logName":"projects/shop-prod/logs/run.googleapis.com%2Fstdout","trace":"projects/shop-prod/traces/4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00F067AA0BA902B7","traceSampled":true,"receiveTimestamp":"2026-11-26T10:11:12.300Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'INFO',
        message: 'payment authorised',
        service: 'payments',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        attributes: {
          'cloud.provider': 'gcp',
          'cloud.project.id': 'shop-prod',
          'cloud.region': 'europe-west1',
          'gcp.log_name': 'run.googleapis.com/stdout',
          'gcp.resource.type': 'cloud_run_revision',
          'gcp.resource.labels.revision_name': 'payments-00042-abc',
          'gcp.json_payload.orderId': 'ord_8812',
          'gcp.json_payload.amount': 42.5,
          'gcp.trace_sampled': true,
        },
      },
    },
    {
      line: '{"insertId":"1q2w3e4r5t","httpRequest":{"requestMethod":"POST","requestUrl":"https://api.example.com/v1/upload?chunk=3","requestSize":"1048576","status":503,"responseSize":"312","userAgent":"Go-http-client/2.0","remoteIp":"2001:db8:9::4","serverIp":"10.8.0.12","referer":"https://app.example.com/","latency":"30.004512s","protocol":"HTTP/1.1"},"resource":{"type":"http_load_balancer","labels":{"project_id":"shop-prod","forwarding_rule_name":"api-fr","url_map_name":"api-map","backend_service_name":"api-be","zone":"global","target_proxy_name":"api-proxy"}},"timestamp":"2026-11-26T10:11:13.500Z","severity":"WARNING","logName":"projects/shop-prod/logs/requests","trace":"projects/shop-prod/traces/0af7651916cd43dd8448eb211c80319c","receiveTimestamp":"2026-11-26T10:11:14Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.500Z'),
        level: 'WARNING',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        attributes: {
          'http.request.method': 'POST',
          'url.original': 'https://api.example.com/v1/upload?chunk=3',
          'url.domain': 'api.example.com',
          'url.query': 'chunk=3',
          'http.request.body.bytes': 1048576,
          'http.response.status_code': 503,
          'http.response.body.bytes': 312,
          'user_agent.original': 'Go-http-client/2.0',
          'source.ip': '2001:db8:9::4',
          'http.request.referrer': 'https://app.example.com/',
          'event.duration': 30_004_512_000,
          'gcp.resource.labels.backend_service_name': 'api-be',
        },
      },
    },
    {
      line: '{"textPayload":"E1126 10:11:14.004512       1 reflector.go:158] Failed to watch *v1.Pod: the server has asked for the client to provide credentials","insertId":"abc123xyz","resource":{"type":"k8s_container","labels":{"project_id":"infra-prod","location":"us-central1","cluster_name":"prod-1","namespace_name":"kube-system","pod_name":"kube-scheduler-node-1","container_name":"kube-scheduler"}},"timestamp":"2026-11-26T10:11:14.004512Z","severity":"ERROR","labels":{"k8s-pod/component":"kube-scheduler","compute.googleapis.com/resource_name":"gke-prod-1-pool-1-abcd"},"logName":"projects/infra-prod/logs/stderr","receiveTimestamp":"2026-11-26T10:11:15Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.004Z'),
        level: 'ERROR',
        service: 'kube-scheduler',
        message:
          'E1126 10:11:14.004512       1 reflector.go:158] Failed to watch *v1.Pod: the server has asked for the client to provide credentials',
        attributes: {
          'gcp.resource.type': 'k8s_container',
          'gcp.resource.labels.pod_name': 'kube-scheduler-node-1',
          'gcp.labels.k8s-pod/component': 'kube-scheduler',
          'cloud.project.id': 'infra-prod',
        },
      },
    },
    {
      line: '{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{"code":7,"message":"Permission \'storage.buckets.delete\' denied on resource (or it may not exist)."},"authenticationInfo":{"principalEmail":"ci@shop-prod.iam.gserviceaccount.com"},"requestMetadata":{"callerIp":"2001:db8:77::1","callerSuppliedUserAgent":"google-cloud-sdk gcloud/499.0.0"},"serviceName":"storage.googleapis.com","methodName":"storage.buckets.delete","authorizationInfo":[{"resource":"projects/_/buckets/prod-backups","permission":"storage.buckets.delete","granted":false}],"resourceName":"projects/_/buckets/prod-backups","resourceLocation":{"currentLocations":["eu"]}},"insertId":"1x2y3z","resource":{"type":"gcs_bucket","labels":{"project_id":"shop-prod","bucket_name":"prod-backups","location":"eu"}},"timestamp":"2026-11-26T10:11:15.250Z","severity":"ERROR","logName":"projects/shop-prod/logs/cloudaudit.googleapis.com%2Factivity","receiveTimestamp":"2026-11-26T10:11:15.900Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:15.250Z'),
        level: 'ERROR',
        attributes: {
          'gcp.log_name': 'cloudaudit.googleapis.com/activity',
          'event.provider': 'storage.googleapis.com',
          'event.action': 'storage.buckets.delete',
          'user.email': 'ci@shop-prod.iam.gserviceaccount.com',
          'source.ip': '2001:db8:77::1',
          'gcp.audit.status.code': 7,
          'event.outcome': 'failure',
          'error.message':
            "Permission 'storage.buckets.delete' denied on resource (or it may not exist).",
          'gcp.audit.resource_name': 'projects/_/buckets/prod-backups',
          'gcp.audit.authorizationInfo':
            '[{"resource":"projects/_/buckets/prod-backups","permission":"storage.buckets.delete","granted":false}]',
          'gcp.proto_payload.resourceLocation.currentLocations': '["eu"]',
        },
      },
    },
  ],
};

function putHttpRequest(attrs: ParsedAttributes, http: JsonDoc | undefined): void {
  if (http === undefined) return;
  putStr(attrs, 'http.request.method', str(http, 'requestMethod'));
  putUrl(attrs, str(http, 'requestUrl'));
  putNum(attrs, 'http.request.body.bytes', num(http, 'requestSize'));
  putNum(attrs, 'http.response.status_code', num(http, 'status'));
  putNum(attrs, 'http.response.body.bytes', num(http, 'responseSize'));
  putStr(attrs, 'user_agent.original', str(http, 'userAgent'));
  const remote = str(http, 'remoteIp');
  if (remote !== undefined) attrs[isIp(remote) ? 'source.ip' : 'source.address'] = remote;
  putStr(attrs, 'destination.ip', str(http, 'serverIp'));
  putStr(attrs, 'http.request.referrer', str(http, 'referer'));
  const protocol = str(http, 'protocol');
  if (protocol?.startsWith('HTTP/') === true) attrs['http.version'] = protocol.slice(5);
  // A google.protobuf.Duration in JSON: decimal seconds with an `s` suffix.
  const latency = str(http, 'latency');
  if (latency?.endsWith('s') === true) {
    const seconds = Number(latency.slice(0, -1));
    if (Number.isFinite(seconds)) attrs['event.duration'] = secondsToNanos(seconds);
  }
  if (typeof http.cacheHit === 'boolean') attrs['gcp.http_request.cache_hit'] = http.cacheHit;
}

/** A Cloud Audit Logs `protoPayload` (AuditLog) or another typed payload. */
function putProtoPayload(attrs: ParsedAttributes, proto: JsonDoc): void {
  putStr(attrs, 'gcp.proto_payload.type', str(proto, '@type'));
  putStr(attrs, 'event.provider', str(proto, 'serviceName'));
  putStr(attrs, 'event.action', str(proto, 'methodName'));
  putStr(attrs, 'gcp.audit.resource_name', str(proto, 'resourceName'));
  putStr(attrs, 'user.email', str(obj(proto, 'authenticationInfo'), 'principalEmail'));
  const meta = obj(proto, 'requestMetadata');
  const caller = str(meta, 'callerIp');
  if (caller !== undefined) attrs[isIp(caller) ? 'source.ip' : 'source.address'] = caller;
  putStr(attrs, 'user_agent.original', str(meta, 'callerSuppliedUserAgent'));
  const status = obj(proto, 'status');
  if (status !== undefined) {
    const code = num(status, 'code') ?? 0;
    attrs['gcp.audit.status.code'] = code;
    attrs['event.outcome'] = code === 0 ? 'success' : 'failure';
    if (code !== 0) putStr(attrs, 'error.message', str(status, 'message'));
  }
  for (const key of ['authorizationInfo', 'request', 'response', 'metadata', 'serviceData']) {
    const value = proto[key];
    if (value === undefined || value === null) continue;
    const text = toJsonText(value);
    attrs[`gcp.audit.${key}`] = text.length > MAX_BODY_TEXT ? text.slice(0, MAX_BODY_TEXT) : text;
  }
  putRest(attrs, 'gcp.proto_payload.', proto, KNOWN_PROTO);
}

/** Log ids are URL-encoded in logName (`run.googleapis.com%2Fstdout`). */
function decodeLogId(id: string): string {
  if (id.indexOf('%') === -1) return id;
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** RFC 3339 text, or a protobuf Timestamp object `{seconds, nanos}` from some exporters. */
function logTime(value: unknown): number | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const seconds = num(value as JsonDoc, 'seconds');
    if (seconds === undefined) return null;
    const nanos = num(value as JsonDoc, 'nanos') ?? 0;
    return parseTimestamp(seconds * 1000 + Math.floor(nanos / 1e6));
  }
  return parseTimestamp(value);
}
