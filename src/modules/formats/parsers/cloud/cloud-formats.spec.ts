import type { JsonFormat, LogFormat } from '../../log-format';
import { W3C_EXTENDED_FORMAT } from '../web/w3c-extended.format';
import { AWS_ALB_FORMAT } from './aws-alb.format';
import { AWS_CLOUDFRONT_FORMAT } from './aws-cloudfront.format';
import { AWS_CLOUDTRAIL_FORMAT } from './aws-cloudtrail.format';
import { AWS_ELB_CLASSIC_FORMAT } from './aws-elb-classic.format';
import { AWS_S3_ACCESS_FORMAT } from './aws-s3-access.format';
import { AWS_VPC_FLOW_FORMAT } from './aws-vpc-flow.format';
import { AZURE_RESOURCE_FORMAT } from './azure-resource.format';
import { CLOUDFLARE_LOGPUSH_FORMAT } from './cloudflare-logpush.format';
import { xrayTraceId } from './elb-fields';
import { GCP_LOGENTRY_FORMAT } from './gcp-logentry.format';
import { HEROKU_ROUTER_FORMAT } from './heroku-router.format';
import { CLOUD_FORMATS } from './index';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

function claimants(formats: readonly LogFormat[], line: string): string[] {
  return formats
    .filter((f) =>
      f.kind === 'line'
        ? f.detect(line)
        : line.startsWith('{') && f.detect(JSON.parse(line) as Record<string, unknown>),
    )
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))
    .map((f) => f.name);
}

function parseJson(format: JsonFormat, doc: Record<string, unknown>) {
  return format.detect(doc) ? format.parse(doc, ctx) : null;
}

const ALB =
  'https 2026-11-26T10:11:12.186641Z app/lb/50dc6c495c0c9188 [2001:db8::1]:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://x.example.com:443/a HTTP/1.1" "Mozilla \\"quoted\\" agent" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "x.example.com" "-" 0 2026-11-26T10:11:12.184000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"';

describe('cloud formats', () => {
  describe('detection across the family', () => {
    it.each(CLOUD_FORMATS.flatMap((f) => f.samples.map((s) => [f.name, s.line] as const)))(
      '%s wins its own sample: %s',
      (name, line) => {
        expect(claimants([...CLOUD_FORMATS, W3C_EXTENDED_FORMAT], line)[0]).toBe(name);
      },
    );

    it('keeps ALB and Classic ELB apart', () => {
      const classic =
        '2026-11-26T10:11:12.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -';
      expect(claimants(CLOUD_FORMATS, ALB)).toEqual(['aws-alb']);
      expect(claimants(CLOUD_FORMATS, classic)).toEqual(['aws-elb-classic']);
      expect(AWS_ELB_CLASSIC_FORMAT.parse(ALB, ctx)).toBeNull();
    });

    it('lets CloudFront headers win over IIS ones, and leaves IIS headers to w3c-extended', () => {
      const formats = [...CLOUD_FORMATS, W3C_EXTENDED_FORMAT];
      expect(claimants(formats, '#Version: 1.0')).toEqual(['aws-cloudfront', 'w3c-extended']);
      expect(claimants(formats, '#Software: Microsoft Internet Information Services 10.0')).toEqual(
        ['w3c-extended'],
      );
      expect(claimants(formats, '#Fields: date time s-ip cs-method cs-uri-stem')).toEqual([
        'w3c-extended',
      ]);
    });
  });

  describe('ALB', () => {
    it('reads a bracketed IPv6 client, an escaped quote in the user agent and the X-Ray root', () => {
      const parsed = AWS_ALB_FORMAT.parse(ALB, ctx);
      expect(parsed).toMatchObject({
        traceId: '5833726236d228ad5d99923122bbe354',
        attributes: {
          'source.ip': '2001:db8::1',
          'source.port': 2817,
          'user_agent.original': 'Mozilla "quoted" agent',
          'url.domain': 'x.example.com',
          'url.port': 443,
        },
      });
      expect(parsed?.attributes).not.toHaveProperty('aws.elb.error.reason');
      expect(parsed?.attributes).not.toHaveProperty('aws.elb.redirect_url');
    });

    it('converts only well-formed X-Ray roots', () => {
      expect(xrayTraceId('Self=1-a-b;Root=1-674597A2-ABCDEF0123456789ABCDEF01;Parent=x')).toBe(
        '674597a2abcdef0123456789abcdef01',
      );
      expect(xrayTraceId('Root=1-zz-12')).toBeUndefined();
      expect(xrayTraceId('-')).toBeUndefined();
    });

    it('rejects a line cut short', () => {
      expect(AWS_ALB_FORMAT.parse(ALB.slice(0, 120), ctx)).toBeNull();
      expect(AWS_ALB_FORMAT.parse(ALB.replace('"Root', 'Root'), ctx)).not.toBeNull();
    });
  });

  describe('S3 access', () => {
    it('undoes escapes in quoted fields and leaves `-` columns out', () => {
      const parsed = AWS_S3_ACCESS_FORMAT.parse(
        '- bucket-1 [26/Nov/2026:10:11:12 +0000] 192.0.2.3 - 3E57427F3EXAMPLE REST.GET.OBJECT a%20b.txt "GET /a%20b.txt HTTP/1.1" 200 - 10 10 3 2 "-" "curl \\"x\\"" - hostid= SigV4 - QueryString bucket-1.s3.amazonaws.com - - -',
        ctx,
      );
      expect(parsed?.attributes).toMatchObject({
        'user_agent.original': 'curl "x"',
        'aws.s3access.authentication_type': 'QueryString',
      });
      for (const key of [
        'aws.s3access.bucket_owner',
        'aws.s3access.requester',
        'error.code',
        'tls.cipher',
      ]) {
        expect(parsed?.attributes).not.toHaveProperty(key);
      }
    });

    it('rejects a bad date and a short line', () => {
      expect(
        AWS_S3_ACCESS_FORMAT.parse(
          '- b [99/Nov/2026:10:11:12 +0000] 1.2.3.4 - x OP k "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "-" -',
          ctx,
        ),
      ).toBeNull();
      expect(
        AWS_S3_ACCESS_FORMAT.parse('- b [26/Nov/2026:10:11:12 +0000] 1.2.3.4', ctx),
      ).toBeNull();
    });
  });

  describe('VPC flow', () => {
    it('rejects other versions and custom field lists', () => {
      const v3 =
        '3 vpc-12345678 subnet-12345678 i-1234567890abcdef0 eni-1235b8ca123456789 123456789010 IPv4 172.31.16.139 172.31.16.21 10.0.0.1 10.0.0.2';
      expect(AWS_VPC_FLOW_FORMAT.detect(v3)).toBe(false);
      expect(AWS_VPC_FLOW_FORMAT.parse(v3, ctx)).toBeNull();
      expect(
        AWS_VPC_FLOW_FORMAT.parse('2 123456789010 eni-1 - - - - - - - x y - NODATA', ctx),
      ).toBeNull();
    });
  });

  describe('CloudFront', () => {
    it('keeps a malformed percent escape in the user agent as written', () => {
      const fields = AWS_CLOUDFRONT_FORMAT.samples[0]!.line.split('\t');
      fields[10] = 'bad%ZZagent';
      const parsed = AWS_CLOUDFRONT_FORMAT.parse(fields.join('\t'), ctx);
      expect(parsed?.attributes?.['user_agent.original']).toBe('bad%ZZagent');
    });

    it('rejects lines with too few columns', () => {
      expect(
        AWS_CLOUDFRONT_FORMAT.parse('2026-11-26\t10:11:12\tSEA19-C1\t2390\t1.2.3.4', ctx),
      ).toBeNull();
    });
  });

  describe('JSON documents', () => {
    it('truncates CloudTrail request bodies instead of exploding them into attributes', () => {
      const items = Array.from({ length: 2000 }, (_, i) => ({ instanceId: `i-${i}` }));
      const parsed = parseJson(AWS_CLOUDTRAIL_FORMAT, {
        eventVersion: '1.10',
        eventTime: '2026-11-26T10:11:12Z',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        requestParameters: { items },
      });
      const text = parsed?.attributes?.['aws.cloudtrail.request_parameters'];
      expect(typeof text === 'string' && text.length).toBe(8192);
      expect(Object.keys(parsed?.attributes ?? {}).length).toBeLessThan(20);
    });

    it('reads a GCP protobuf timestamp object and keeps a trace in another shape as text', () => {
      const parsed = parseJson(GCP_LOGENTRY_FORMAT, {
        logName: 'projects/p/logs/app',
        resource: { type: 'global', labels: {} },
        timestamp: { seconds: 1795687872, nanos: 123000000 },
        trace: 'not-a-trace',
        spanId: 'xyz',
        textPayload: 'hello',
      });
      expect(parsed).toMatchObject({
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message: 'hello',
      });
      expect(parsed?.traceId).toBeUndefined();
      expect(parsed?.spanId).toBeUndefined();
      expect(parsed?.attributes?.['gcp.trace']).toBe('not-a-trace');
    });

    it('reads Cloudflare EdgeStartTimestamp in ns, ms, s and RFC 3339', () => {
      const at = Date.parse('2026-11-26T10:11:12.123Z');
      for (const value of [1795687872123000000, 1795687872123, '2026-11-26T10:11:12.123Z']) {
        const parsed = parseJson(CLOUDFLARE_LOGPUSH_FORMAT, {
          RayID: 'r',
          EdgeStartTimestamp: value,
        });
        expect(parsed?.timestamp).toBe(at);
      }
      expect(
        parseJson(CLOUDFLARE_LOGPUSH_FORMAT, { RayID: 'r', EdgeStartTimestamp: 1795687872 })
          ?.timestamp,
      ).toBe(Date.parse('2026-11-26T10:11:12Z'));
    });

    it('refuses look-alikes', () => {
      expect(
        AZURE_RESOURCE_FORMAT.detect({ time: 't', resourceId: 'abc', operationName: 'x' }),
      ).toBe(false);
      expect(AWS_CLOUDTRAIL_FORMAT.detect({ eventName: 'click', eventTime: 1 })).toBe(false);
      expect(GCP_LOGENTRY_FORMAT.detect({ logName: 'app', resource: {} })).toBe(false);
      expect(CLOUDFLARE_LOGPUSH_FORMAT.detect({ RayID: 1, EdgeResponseStatus: 200 })).toBe(false);
    });
  });

  describe('Heroku router', () => {
    it('reads an escaped quote inside desc and absent values', () => {
      const parsed = HEROKU_ROUTER_FORMAT.parse(
        'at=error code=H27 desc="Client \\"closed\\" request" method=GET path="/" host=x.herokuapp.com request_id=abc fwd="1.2.3.4" dyno=web.1 connect=0ms service=0ms status=499 bytes= protocol=https',
        ctx,
      );
      expect(parsed?.attributes).toMatchObject({
        'error.message': 'Client "closed" request',
        'http.response.status_code': 499,
      });
      expect(parsed?.attributes).not.toHaveProperty('http.response.body.bytes');
    });

    it('does not claim other logfmt lines', () => {
      expect(HEROKU_ROUTER_FORMAT.detect('at=info msg="started" port=8080')).toBe(false);
      expect(HEROKU_ROUTER_FORMAT.detect('level=info method=GET path=/')).toBe(false);
      expect(HEROKU_ROUTER_FORMAT.parse('at=info nothing=here', ctx)).toBeNull();
    });
  });
});
