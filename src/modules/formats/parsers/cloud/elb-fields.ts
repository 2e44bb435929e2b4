/** Fields both Elastic Load Balancing access logs (ALB and Classic) share. */
import type { ParsedAttributes } from '../../log-format';
import {
  putAddress,
  putNumber,
  putRequestLine,
  putText,
  secondsToNanos,
  toNumber,
} from '../web/access-fields';

/**
 * The run `client:port target:port req_time target_time resp_time elb_status target_status
 * received sent "request" "user-agent" ssl_cipher ssl_protocol` starting at `at`.
 */
export function putElbCore(attrs: ParsedAttributes, f: readonly string[], at: number): void {
  putAddress(attrs, 'source', f[at], true);
  putAddress(attrs, 'aws.elb.backend', f[at + 1], true);
  const times = [toNumber(f[at + 2]), toNumber(f[at + 3]), toNumber(f[at + 4])];
  const keys = [
    'aws.elb.request_processing_time.sec',
    'aws.elb.backend_processing_time.sec',
    'aws.elb.response_processing_time.sec',
  ];
  let total = 0;
  let complete = true;
  for (let i = 0; i < 3; i++) {
    const t = times[i];
    // -1: the load balancer could not send the request or did not get a response.
    if (t === undefined || t < 0) {
      complete = false;
      continue;
    }
    attrs[keys[i] as string] = t;
    total += t;
  }
  if (complete) attrs['event.duration'] = secondsToNanos(total);
  putNumber(attrs, 'http.response.status_code', f[at + 5]);
  putNumber(attrs, 'aws.elb.backend.http.response.status_code', f[at + 6]);
  putNumber(attrs, 'http.request.body.bytes', f[at + 7]);
  putNumber(attrs, 'http.response.body.bytes', f[at + 8]);
  putRequestLine(attrs, f[at + 9]);
  putText(attrs, 'user_agent.original', f[at + 10]);
  putText(attrs, 'tls.cipher', f[at + 11]);
  putText(attrs, 'aws.elb.ssl_protocol', f[at + 12]);
}

/** `Root=1-58337262-36d228ad5d99923122bbe354` (X-Ray) as a W3C trace id: the 32 hex digits. */
export function xrayTraceId(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const at = header.indexOf('Root=1-');
  if (at === -1) return undefined;
  const id = header.slice(at + 7, at + 7 + 33);
  if (id.length !== 33 || id.charCodeAt(8) !== 45) return undefined;
  const hex = (id.slice(0, 8) + id.slice(9)).toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

/** `arn:aws:service:region:account:...` into cloud.region and cloud.account.id. */
export function putArnLocation(attrs: ParsedAttributes, arn: string | undefined): void {
  if (arn?.startsWith('arn:') !== true) return;
  const parts = arn.split(':', 5);
  putText(attrs, 'cloud.region', parts[3]);
  putText(attrs, 'cloud.account.id', parts[4]);
}
