import type { LogFormat } from '../../log-format';
import { TRAEFIK_JSON_FORMAT } from './traefik-json.format';
import { W3C_EXTENDED_FORMAT } from './w3c-extended.format';
import { SQUID_FORMAT } from './squid.format';
import { CADDY_JSON_FORMAT } from './caddy-json.format';
import { ENVOY_ACCESS_FORMAT } from './envoy-access.format';
import { APACHE_ERROR_22_FORMAT } from './apache-error-22.format';
import { APACHE_ERROR_24_FORMAT } from './apache-error-24.format';
import { HAPROXY_HTTP_FORMAT } from './haproxy-http.format';
import { HAPROXY_TCP_FORMAT } from './haproxy-tcp.format';
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
  HAPROXY_HTTP_FORMAT,
  HAPROXY_TCP_FORMAT,
  ENVOY_ACCESS_FORMAT,
  TRAEFIK_JSON_FORMAT,
  CADDY_JSON_FORMAT,
  SQUID_FORMAT,
  W3C_EXTENDED_FORMAT,
];
