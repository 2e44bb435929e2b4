import type { LogFormat } from '../../log-format';
import { APACHE_ERROR_22_FORMAT } from './apache-error-22.format';
import { APACHE_ERROR_24_FORMAT } from './apache-error-24.format';
import { COMBINED_FORMAT } from './combined.format';
import { NCSA_COMMON_FORMAT } from './ncsa-common.format';
import { NGINX_ERROR_FORMAT } from './nginx-error.format';
import { TRAEFIK_FORMAT } from './traefik.format';

export const WEB_FORMATS: readonly LogFormat[] = [
  NCSA_COMMON_FORMAT,
  COMBINED_FORMAT,
  TRAEFIK_FORMAT,
  NGINX_ERROR_FORMAT,
  APACHE_ERROR_22_FORMAT,
  APACHE_ERROR_24_FORMAT,
];
