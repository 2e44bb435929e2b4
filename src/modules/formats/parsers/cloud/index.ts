import type { LogFormat } from '../../log-format';
import { AWS_ALB_FORMAT } from './aws-alb.format';
import { AWS_CLOUDFRONT_FORMAT } from './aws-cloudfront.format';
import { AWS_CLOUDTRAIL_FORMAT } from './aws-cloudtrail.format';
import { AWS_ELB_CLASSIC_FORMAT } from './aws-elb-classic.format';
import { AWS_S3_ACCESS_FORMAT } from './aws-s3-access.format';
import { AWS_VPC_FLOW_FORMAT } from './aws-vpc-flow.format';
import { AZURE_RESOURCE_FORMAT } from './azure-resource.format';
import { CLOUDFLARE_LOGPUSH_FORMAT } from './cloudflare-logpush.format';
import { GCP_LOGENTRY_FORMAT } from './gcp-logentry.format';
import { HEROKU_ROUTER_FORMAT } from './heroku-router.format';

export const CLOUD_FORMATS: readonly LogFormat[] = [
  AWS_ALB_FORMAT,
  AWS_ELB_CLASSIC_FORMAT,
  AWS_CLOUDFRONT_FORMAT,
  AWS_S3_ACCESS_FORMAT,
  AWS_VPC_FLOW_FORMAT,
  AWS_CLOUDTRAIL_FORMAT,
  GCP_LOGENTRY_FORMAT,
  AZURE_RESOURCE_FORMAT,
  CLOUDFLARE_LOGPUSH_FORMAT,
  HEROKU_ROUTER_FORMAT,
];
