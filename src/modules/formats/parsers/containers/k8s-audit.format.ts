import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { toJsonText } from '../../normalize/flatten';
import { parseTimestamp } from '../../normalize/timestamp';
import { isIp, putUrl } from '../web/access-fields';
import { num, obj, putFlat, putNum, putRest, putStr, str } from '../web/json-fields';

const KNOWN = new Set([
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'user',
  'impersonatedUser',
  'sourceIPs',
  'userAgent',
  'objectRef',
  'responseStatus',
  'requestObject',
  'responseObject',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'annotations',
]);
// Whole objects (a Secret, a Deployment spec) are kept as one JSON text, capped.
const MAX_OBJECT_TEXT = 8192;

/**
 * A Kubernetes API server audit Event (audit.k8s.io/v1, log or webhook backend): verb,
 * user, objectRef, responseStatus, sourceIPs, stage. Its `level` is the audit level
 * (Metadata, Request...), not a severity, so it stays an attribute.
 */
export const K8S_AUDIT_FORMAT: JsonFormat = {
  name: 'k8s-audit',
  family: 'containers',
  kind: 'json',
  description:
    'Kubernetes audit Event (audit.k8s.io): verb, user, objectRef, responseStatus, stage',
  priority: 20,
  detect: (doc) =>
    doc.kind === 'Event' &&
    typeof doc.apiVersion === 'string' &&
    doc.apiVersion.startsWith('audit.k8s.io/'),
  parse(doc) {
    const attrs: ParsedAttributes = {};
    putStr(attrs, 'kubernetes.audit.level', str(doc, 'level'));
    putStr(attrs, 'kubernetes.audit.auditID', str(doc, 'auditID'));
    putStr(attrs, 'kubernetes.audit.stage', str(doc, 'stage'));
    putStr(attrs, 'event.action', str(doc, 'verb'));
    const uri = str(doc, 'requestURI');
    if (uri !== undefined) putUrl(attrs, uri);
    const user = obj(doc, 'user');
    putStr(attrs, 'user.name', str(user, 'username'));
    putStr(attrs, 'user.id', str(user, 'uid'));
    putFlat(attrs, 'kubernetes.audit.user.groups', user?.groups);
    putFlat(attrs, 'kubernetes.audit.user.extra', user?.extra);
    putFlat(attrs, 'kubernetes.audit.impersonatedUser', doc.impersonatedUser);
    const ips = doc.sourceIPs;
    if (Array.isArray(ips) && typeof ips[0] === 'string') {
      const first = ips[0];
      attrs[isIp(first) ? 'source.ip' : 'source.address'] = first;
      if (ips.length > 1) attrs['kubernetes.audit.sourceIPs'] = ips.join(',');
    }
    putStr(attrs, 'user_agent.original', str(doc, 'userAgent'));
    putFlat(attrs, 'kubernetes.audit.objectRef', doc.objectRef);
    const status = obj(doc, 'responseStatus');
    const code = num(status, 'code');
    putNum(attrs, 'http.response.status_code', code);
    putStr(attrs, 'kubernetes.audit.responseStatus.status', str(status, 'status'));
    putStr(attrs, 'kubernetes.audit.responseStatus.reason', str(status, 'reason'));
    const statusMessage = str(status, 'message');
    if (code !== undefined) attrs['event.outcome'] = code < 400 ? 'success' : 'failure';
    if (code !== undefined && code >= 400) putStr(attrs, 'error.message', statusMessage);
    putFlat(attrs, 'kubernetes.audit.annotations', doc.annotations);
    putObject(attrs, 'kubernetes.audit.requestObject', doc.requestObject);
    putObject(attrs, 'kubernetes.audit.responseObject', doc.responseObject);
    putStr(
      attrs,
      'kubernetes.audit.requestReceivedTimestamp',
      str(doc, 'requestReceivedTimestamp'),
    );
    putRest(attrs, 'kubernetes.audit.', doc, KNOWN);
    const timestamp = parseTimestamp(doc.stageTimestamp ?? doc.requestReceivedTimestamp);
    return { ...(timestamp === null ? {} : { timestamp }), attributes: attrs };
  },
  samples: [
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"1c3c8a1b-6f2e-4a51-9d8e-3b7f5c2d1e0a","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/secrets/db-credentials","verb":"get","user":{"username":"system:serviceaccount:payments:api","uid":"0d7f4c1e-2b3a-4c5d-8e9f-a1b2c3d4e5f6","groups":["system:serviceaccounts","system:serviceaccounts:payments","system:authenticated"]},"sourceIPs":["10.42.3.17"],"userAgent":"api/v1.4.2 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"secrets","namespace":"payments","name":"db-credentials","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-26T10:11:12.118804Z","stageTimestamp":"2026-11-26T10:11:12.123456Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \\"api-secrets/payments\\" of Role \\"secret-reader\\" to ServiceAccount \\"api/payments\\""}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        attributes: {
          'kubernetes.audit.level': 'Metadata',
          'kubernetes.audit.stage': 'ResponseComplete',
          'event.action': 'get',
          'url.path': '/api/v1/namespaces/payments/secrets/db-credentials',
          'user.name': 'system:serviceaccount:payments:api',
          'source.ip': '10.42.3.17',
          'kubernetes.audit.objectRef.resource': 'secrets',
          'kubernetes.audit.objectRef.namespace': 'payments',
          'kubernetes.audit.objectRef.name': 'db-credentials',
          'http.response.status_code': 200,
          'event.outcome': 'success',
          'kubernetes.audit.annotations.authorization.k8s.io/decision': 'allow',
          'kubernetes.audit.user.groups':
            '["system:serviceaccounts","system:serviceaccounts:payments","system:authenticated"]',
        },
      },
    },
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"7a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/prod/deployments/web","verb":"delete","user":{"username":"mallory@example.com","groups":["system:authenticated"]},"sourceIPs":["2001:db8:42::7","10.0.0.1"],"userAgent":"kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46","objectRef":{"resource":"deployments","namespace":"prod","name":"web","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","message":"deployments.apps \\"web\\" is forbidden: User \\"mallory@example.com\\" cannot delete resource \\"deployments\\" in API group \\"apps\\" in the namespace \\"prod\\"","reason":"Forbidden","details":{"name":"web","group":"apps","kind":"deployments"},"code":403},"requestReceivedTimestamp":"2026-11-26T10:11:13.000100Z","stageTimestamp":"2026-11-26T10:11:13.002300Z","annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13.002Z'),
        attributes: {
          'event.action': 'delete',
          'user.name': 'mallory@example.com',
          'source.ip': '2001:db8:42::7',
          'kubernetes.audit.sourceIPs': '2001:db8:42::7,10.0.0.1',
          'kubernetes.audit.objectRef.apiGroup': 'apps',
          'http.response.status_code': 403,
          'event.outcome': 'failure',
          'kubernetes.audit.responseStatus.reason': 'Forbidden',
          'error.message':
            'deployments.apps "web" is forbidden: User "mallory@example.com" cannot delete resource "deployments" in API group "apps" in the namespace "prod"',
        },
      },
    },
    {
      line: '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a","stage":"RequestReceived","requestURI":"/api/v1/namespaces/default/pods?watch=true&resourceVersion=18234","verb":"watch","user":{"username":"system:kube-scheduler","groups":["system:authenticated"]},"sourceIPs":["192.168.0.10"],"userAgent":"kube-scheduler/v1.31.2","objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"requestReceivedTimestamp":"2026-11-26T10:11:14.500000Z","stageTimestamp":"2026-11-26T10:11:14.500000Z"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.500Z'),
        attributes: {
          'kubernetes.audit.stage': 'RequestReceived',
          'event.action': 'watch',
          'url.query': 'watch=true&resourceVersion=18234',
          'user.name': 'system:kube-scheduler',
        },
      },
    },
  ],
};

function putObject(attrs: ParsedAttributes, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const text = toJsonText(value);
  attrs[key] = text.length > MAX_OBJECT_TEXT ? text.slice(0, MAX_OBJECT_TEXT) : text;
}
