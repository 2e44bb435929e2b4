import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { toJsonText } from '../../normalize/flatten';
import { parseTimestamp } from '../../normalize/timestamp';
import { isIp } from '../web/access-fields';
import { obj, putFlat, putRest, putStr, str } from '../web/json-fields';

const KNOWN = new Set([
  'eventVersion',
  'eventSource',
  'eventName',
  'eventTime',
  'awsRegion',
  'recipientAccountId',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'userIdentity',
  'eventID',
  'eventType',
  'eventCategory',
  'requestID',
  'readOnly',
  'managementEvent',
  'tlsDetails',
  'additionalEventData',
  'requestParameters',
  'responseElements',
  'resources',
]);

// Request and response bodies can hold thousands of keys: kept as one JSON text each.
const MAX_BODY_TEXT = 8192;

/**
 * One AWS CloudTrail record (as delivered by EventBridge, CloudWatch Logs or a shipper that
 * splits the S3 file's `Records` array): eventVersion, eventTime, eventSource, eventName,
 * awsRegion, sourceIPAddress, userIdentity, errorCode...
 */
export const AWS_CLOUDTRAIL_FORMAT: JsonFormat = {
  name: 'aws-cloudtrail',
  family: 'cloud',
  kind: 'json',
  description: 'AWS CloudTrail record (eventVersion, eventSource, eventName, userIdentity...)',
  priority: 20,
  detect: (doc) =>
    typeof doc.eventVersion === 'string' &&
    typeof doc.eventSource === 'string' &&
    typeof doc.eventName === 'string' &&
    typeof doc.eventTime === 'string',
  parse(doc) {
    const attrs: ParsedAttributes = { 'cloud.provider': 'aws' };
    putStr(attrs, 'event.provider', str(doc, 'eventSource'));
    putStr(attrs, 'event.action', str(doc, 'eventName'));
    putStr(attrs, 'cloud.region', str(doc, 'awsRegion'));
    putStr(attrs, 'cloud.account.id', str(doc, 'recipientAccountId'));
    const source = str(doc, 'sourceIPAddress');
    // A service acting on its own behalf logs its name here (`ec2.amazonaws.com`).
    if (source !== undefined) attrs[isIp(source) ? 'source.ip' : 'source.address'] = source;
    putStr(attrs, 'user_agent.original', str(doc, 'userAgent'));
    const errorCode = str(doc, 'errorCode');
    putStr(attrs, 'error.code', errorCode);
    putStr(attrs, 'error.message', str(doc, 'errorMessage'));
    attrs['event.outcome'] = errorCode === undefined ? 'success' : 'failure';
    const identity = obj(doc, 'userIdentity');
    putFlat(attrs, 'aws.cloudtrail.user_identity', identity);
    const userName =
      str(identity, 'userName') ??
      str(obj(obj(identity, 'sessionContext'), 'sessionIssuer'), 'userName') ??
      str(identity, 'principalId');
    putStr(attrs, 'user.name', userName);
    putStr(attrs, 'aws.cloudtrail.event_version', str(doc, 'eventVersion'));
    putStr(attrs, 'aws.cloudtrail.event_id', str(doc, 'eventID'));
    putStr(attrs, 'aws.cloudtrail.event_type', str(doc, 'eventType'));
    putStr(attrs, 'aws.cloudtrail.event_category', str(doc, 'eventCategory'));
    putStr(attrs, 'aws.cloudtrail.request_id', str(doc, 'requestID'));
    putFlat(attrs, 'aws.cloudtrail.read_only', doc.readOnly);
    putFlat(attrs, 'aws.cloudtrail.management_event', doc.managementEvent);
    putFlat(attrs, 'aws.cloudtrail.tls_details', doc.tlsDetails);
    putFlat(attrs, 'aws.cloudtrail.additional_event_data', doc.additionalEventData);
    putBody(attrs, 'aws.cloudtrail.request_parameters', doc.requestParameters);
    putBody(attrs, 'aws.cloudtrail.response_elements', doc.responseElements);
    putBody(attrs, 'aws.cloudtrail.resources', doc.resources);
    putRest(attrs, 'aws.cloudtrail.', doc, KNOWN);
    const timestamp = parseTimestamp(doc.eventTime);
    return { ...(timestamp === null ? {} : { timestamp }), attributes: attrs };
  },
  samples: [
    {
      line: '{"eventVersion":"1.10","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Alice"},"eventTime":"2026-11-26T10:11:12Z","eventSource":"ec2.amazonaws.com","eventName":"StartInstances","awsRegion":"us-east-2","sourceIPAddress":"205.251.233.176","userAgent":"aws-cli/2.22.4","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1234567890abcdef0"}]}},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1234567890abcdef0","currentState":{"code":0,"name":"pending"}}]}},"requestID":"e4336db0-149f-4a6b-844d-EXAMPLEb9d16","eventID":"e755e09c-42f9-4c5c-9064-EXAMPLE228c7","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12Z'),
        attributes: {
          'cloud.provider': 'aws',
          'event.provider': 'ec2.amazonaws.com',
          'event.action': 'StartInstances',
          'cloud.region': 'us-east-2',
          'cloud.account.id': '123456789012',
          'source.ip': '205.251.233.176',
          'user.name': 'Alice',
          'event.outcome': 'success',
          'aws.cloudtrail.user_identity.type': 'IAMUser',
          'aws.cloudtrail.user_identity.arn': 'arn:aws:iam::123456789012:user/Alice',
          'aws.cloudtrail.read_only': false,
          'aws.cloudtrail.request_parameters':
            '{"instancesSet":{"items":[{"instanceId":"i-1234567890abcdef0"}]}}',
        },
      },
    },
    {
      line: '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:ci-session","arn":"arn:aws:sts::210987654321:assumed-role/deployer/ci-session","accountId":"210987654321","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::210987654321:role/deployer","accountId":"210987654321","userName":"deployer"},"attributes":{"creationDate":"2026-11-26T09:58:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-26T10:11:13Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"eu-west-1","sourceIPAddress":"2001:db8:7::12","userAgent":"[Boto3/1.35.70 md/Botocore#1.35.70]","errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::210987654321:assumed-role/deployer/ci-session is not authorized to perform: s3:DeleteBucket","requestParameters":{"bucketName":"prod-backups","Host":"prod-backups.s3.eu-west-1.amazonaws.com"},"responseElements":null,"requestID":"ABCD1234EFGH5678","eventID":"0b5d8f9c-6a7b-4c3d-9e2f-1a0b9c8d7e6f","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"210987654321","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"prod-backups.s3.eu-west-1.amazonaws.com"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        attributes: {
          'event.action': 'DeleteBucket',
          'source.ip': '2001:db8:7::12',
          'user.name': 'deployer',
          'error.code': 'AccessDenied',
          'event.outcome': 'failure',
          'aws.cloudtrail.tls_details.tlsVersion': 'TLSv1.3',
        },
      },
    },
    {
      line: '{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"},"eventTime":"2026-11-26T10:11:14Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"autoscaling.amazonaws.com","userAgent":"autoscaling.amazonaws.com","requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling","roleSessionName":"AutoScaling"},"responseElements":null,"requestID":"f1e2d3c4-b5a6-4789-8012-3456789abcde","eventID":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","readOnly":true,"resources":[{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","sharedEventID":"3c2b1a09-8f7e-4d6c-5b4a-39281706f5e4","eventCategory":"Management"}',
      expect: {
        attributes: {
          'source.address': 'autoscaling.amazonaws.com',
          'event.provider': 'sts.amazonaws.com',
          'aws.cloudtrail.user_identity.invokedBy': 'autoscaling.amazonaws.com',
          'aws.cloudtrail.read_only': true,
          'aws.cloudtrail.sharedEventID': '3c2b1a09-8f7e-4d6c-5b4a-39281706f5e4',
        },
      },
    },
  ],
};

function putBody(attrs: ParsedAttributes, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const text = toJsonText(value);
  attrs[key] = text.length > MAX_BODY_TEXT ? text.slice(0, MAX_BODY_TEXT) : text;
}
