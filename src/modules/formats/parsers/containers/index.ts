import type { LogFormat } from '../../log-format';
import { CRI_FORMAT } from './cri.format';
import { DOCKER_JSON_FORMAT } from './docker-json.format';
import { JOURNALD_JSON_FORMAT } from './journald-json.format';
import { K8S_AUDIT_FORMAT } from './k8s-audit.format';
import { KLOG_FORMAT } from './klog.format';

export const CONTAINER_FORMATS: readonly LogFormat[] = [
  DOCKER_JSON_FORMAT,
  CRI_FORMAT,
  KLOG_FORMAT,
  K8S_AUDIT_FORMAT,
  JOURNALD_JSON_FORMAT,
];
