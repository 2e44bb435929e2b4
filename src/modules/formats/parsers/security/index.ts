import type { LogFormat } from '../../log-format';
import { ciscoAsaFormat } from './cisco-asa.format';
import { fortigateFormat } from './fortigate.format';
import { paloaltoFormat } from './paloalto.format';
import { snortFastFormat } from './snort-fast.format';
import { suricataEveFormat } from './suricata-eve.format';
import { windowsEventJsonFormat } from './windows-event-json.format';
import { zeekJsonFormat } from './zeek-json.format';
import { zeekTsvFormat } from './zeek-tsv.format';

export const SECURITY_FORMATS: readonly LogFormat[] = [
  ciscoAsaFormat,
  paloaltoFormat,
  fortigateFormat,
  zeekTsvFormat,
  zeekJsonFormat,
  suricataEveFormat,
  snortFastFormat,
  windowsEventJsonFormat,
];
