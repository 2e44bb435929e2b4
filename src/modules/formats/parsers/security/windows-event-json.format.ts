import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { jsonAttributes, text } from '../structured/json-attributes';
import { prefixedKey } from '../structured/prefixed-key';

// Candidate keys (flattened) per field: Winlogbeat first, then NXLog, evtx dumps, Get-WinEvent.
const TIME_KEYS = [
  '@timestamp',
  'TimeCreated.SystemTime',
  'TimeCreated',
  'EventTime',
  'TimeGenerated',
];
const ID_KEYS = ['winlog.event_id', 'event.code', 'EventID', 'EventId', 'Id'];
const CHANNEL_KEYS = ['winlog.channel', 'Channel', 'LogName'];
const HOST_KEYS = [
  'host.name',
  'winlog.computer_name',
  'Computer',
  'Hostname',
  'ComputerName',
  'MachineName',
];
const PROVIDER_KEYS = [
  'winlog.provider_name',
  'SourceName',
  'ProviderName',
  'Provider.Name',
  'Provider_Name',
];
const MESSAGE_KEYS = ['message', 'Message'];
const LEVEL_TEXT_KEYS = ['log.level', 'LevelText', 'LevelDisplayName', 'Severity'];
const RECORD_KEYS = ['winlog.record_id', 'RecordNumber', 'EventRecordID', 'RecordId'];
const PID_KEYS = ['winlog.process.pid', 'ProcessID', 'Execution.ProcessID', 'ProcessId'];
const TID_KEYS = ['winlog.process.thread.id', 'ThreadID', 'Execution.ThreadID', 'ThreadId'];
const NXLOG_META = new Set([
  'EventReceivedTime',
  'Keywords',
  'EventType',
  'SeverityValue',
  'ProviderGuid',
  'Version',
  'Task',
  'OpcodeValue',
  'ActivityID',
  'RelatedActivityID',
  'Category',
  'Opcode',
  'Domain',
  'AccountName',
  'UserID',
  'AccountType',
  'SourceModuleName',
  'SourceModuleType',
  'Level',
  'EventCategory',
  'TimeWritten',
  'Qualifiers',
  'Sid',
  'StringInserts',
  'Data',
]);
// Event data fields with an ECS home.
const EVENT_DATA_ECS: Readonly<Record<string, string>> = {
  TargetUserName: 'user.name',
  TargetDomainName: 'user.domain',
  IpAddress: 'source.ip',
  IpPort: 'source.port',
  WorkstationName: 'source.domain',
  ProcessName: 'process.executable',
  NewProcessName: 'process.executable',
  CommandLine: 'process.command_line',
};
// Windows Level: 0 LogAlways, 1 Critical, 2 Error, 3 Warning, 4 Information, 5 Verbose.
const LEVEL_NUMBERS = ['info', 'critical', 'error', 'warning', 'info', 'debug'];

/** `winlog` (Winlogbeat) or EventID next to a channel or provider (NXLog, evtx exports). */
function isWindowsEvent(doc: Readonly<Record<string, unknown>>): boolean {
  const winlog = doc.winlog;
  if (typeof winlog === 'object' && winlog !== null) {
    const w = winlog as Record<string, unknown>;
    return w.channel !== undefined || w.event_id !== undefined;
  }
  if (typeof doc['winlog.channel'] === 'string') return true;
  const id = doc.EventID ?? doc.EventId;
  return (
    (typeof id === 'number' || typeof id === 'string') &&
    (typeof doc.Channel === 'string' ||
      typeof doc.SourceName === 'string' ||
      typeof doc.ProviderName === 'string' ||
      typeof doc.Provider === 'object')
  );
}

/** Windows Event Log records as JSON: Winlogbeat, NXLog im_msvistalog, evtx / Get-WinEvent dumps. */
export const windowsEventJsonFormat: JsonFormat = {
  name: 'windows-event-json',
  family: 'security',
  kind: 'json',
  description: 'Windows Event Log as JSON (Winlogbeat, NXLog, evtx exports)',
  priority: 40,
  detect: isWindowsEvent,
  parse(doc): ParsedFields | null {
    if (!isWindowsEvent(doc)) return null;
    const flat = jsonAttributes(doc, new Set());
    const a: ParsedAttributes = {};
    const out: ParsedFields = { attributes: a };
    for (const key of TIME_KEYS) {
      const ts = flat[key] === undefined ? null : parseTimestamp(flat[key]);
      if (ts !== null) {
        out.timestamp = ts;
        delete flat[key];
        break;
      }
    }
    const id = take(flat, ID_KEYS);
    if (id !== undefined) {
      a['event.code'] = id;
      a['winlog.event_id'] = id;
    }
    assign(out, 'host', take(flat, HOST_KEYS));
    assign(out, 'message', take(flat, MESSAGE_KEYS));
    const provider = take(flat, PROVIDER_KEYS);
    if (provider !== undefined) {
      out.service = provider;
      a['winlog.provider_name'] = provider;
    }
    setText(a, 'winlog.channel', take(flat, CHANNEL_KEYS));
    setNumber(a, 'winlog.record_id', take(flat, RECORD_KEYS));
    setNumber(a, 'process.pid', take(flat, PID_KEYS));
    setNumber(a, 'process.thread.id', take(flat, TID_KEYS));
    const levelText = take(flat, LEVEL_TEXT_KEYS);
    const levelNumber = flat.Level ?? flat['winlog.level'];
    if (levelText !== undefined) out.level = levelText;
    else if (typeof levelNumber === 'number') out.level = LEVEL_NUMBERS[levelNumber] ?? 'info';

    const eventType = text(flat.EventType) ?? text(flat.Keywords) ?? '';
    if (/AUDIT_FAILURE|Audit Failure/i.test(eventType)) a['event.outcome'] = 'failure';
    else if (/AUDIT_SUCCESS|Audit Success/i.test(eventType)) a['event.outcome'] = 'success';

    const winlogbeat = doc.winlog !== undefined || doc['winlog.channel'] !== undefined;
    for (const key in flat) {
      const value = flat[key] as string | number | boolean;
      let name = key;
      if (key.startsWith('EventData.')) name = `winlog.event_data.${key.slice(10)}`;
      else if (key.startsWith('UserData.')) name = `winlog.user_data.${key.slice(9)}`;
      else if (!winlogbeat && !key.includes('.')) {
        // NXLog puts the event data fields at the top, beside its own metadata.
        name = prefixedKey(NXLOG_META.has(key) ? 'winlog.' : 'winlog.event_data.', key);
      }
      a[name] = value;
      if (name.startsWith('winlog.event_data.')) {
        const ecs = EVENT_DATA_ECS[name.slice(18)];
        if (ecs === 'source.port') {
          const port = Number(value);
          if (Number.isInteger(port) && port > 0 && port < 65536) a[ecs] = port;
        } else if (ecs !== undefined && value !== '-' && value !== '' && a[ecs] === undefined) {
          a[ecs] = value;
        }
      }
    }
    return out;
  },
  samples: [
    {
      line: '{"@timestamp":"2026-11-26T10:11:12.345Z","event":{"code":"4625","kind":"event","provider":"Microsoft-Windows-Security-Auditing","action":"logon-failed","outcome":"failure"},"log":{"level":"information"},"message":"An account failed to log on.\\n\\nSubject:\\n\\tSecurity ID:\\t\\tS-1-0-0","host":{"name":"DC01.corp.example.com"},"winlog":{"channel":"Security","computer_name":"DC01.corp.example.com","event_id":"4625","provider_name":"Microsoft-Windows-Security-Auditing","record_id":"5512309","process":{"pid":788,"thread":{"id":4212}},"keywords":["Audit Failure"],"event_data":{"TargetUserName":"administrator","TargetDomainName":"CORP","LogonType":"3","IpAddress":"203.0.113.77","IpPort":"51822","FailureReason":"%%2313","Status":"0xc000006d"}}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.345Z'),
        level: 'information',
        host: 'DC01.corp.example.com',
        service: 'Microsoft-Windows-Security-Auditing',
        message: 'An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tS-1-0-0',
        attributes: {
          'event.code': '4625',
          'winlog.channel': 'Security',
          'winlog.record_id': 5512309,
          'process.pid': 788,
          'event.outcome': 'failure',
          'winlog.event_data.LogonType': '3',
          'user.name': 'administrator',
          'source.ip': '203.0.113.77',
          'source.port': 51822,
        },
      },
    },
    {
      line: '{"EventTime":"2026-11-26 10:12:00","Hostname":"WS-0142.corp.example.com","Keywords":-9214364837600034816,"EventType":"AUDIT_SUCCESS","SeverityValue":2,"Severity":"INFO","EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","ProviderGuid":"{54849625-5478-4994-A5BA-3E3B0328C30D}","Version":2,"Task":12544,"OpcodeValue":0,"RecordNumber":88123,"ProcessID":640,"ThreadID":7260,"Channel":"Security","Message":"An account was successfully logged on.","Category":"Logon","Opcode":"Info","TargetUserName":"alice","TargetDomainName":"CORP","LogonType":"10","IpAddress":"10.0.4.17","IpPort":"0","EventReceivedTime":"2026-11-26 10:12:01","SourceModuleName":"eventlog","SourceModuleType":"im_msvistalog"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:12:00Z'),
        level: 'INFO',
        host: 'WS-0142.corp.example.com',
        service: 'Microsoft-Windows-Security-Auditing',
        message: 'An account was successfully logged on.',
        attributes: {
          'event.code': '4624',
          'winlog.channel': 'Security',
          'event.outcome': 'success',
          'winlog.event_data.LogonType': '10',
          'winlog.Category': 'Logon',
          'user.name': 'alice',
          'source.ip': '10.0.4.17',
          'process.thread.id': 7260,
        },
      },
    },
    {
      line: '{"EventID":7031,"Channel":"System","Computer":"SRV-SQL02","Level":2,"TimeCreated":"2026-11-26T10:13:44.1200000Z","ProviderName":"Service Control Manager","Message":"The SQL Server (MSSQLSERVER) service terminated unexpectedly.  It has done this 1 time(s).","EventData":{"param1":"SQL Server (MSSQLSERVER)","param2":"1","param3":"60000","param4":"1","param5":"Restart the service"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:13:44.120Z'),
        level: 'error',
        host: 'SRV-SQL02',
        service: 'Service Control Manager',
        attributes: {
          'event.code': '7031',
          'winlog.channel': 'System',
          'winlog.event_data.param1': 'SQL Server (MSSQLSERVER)',
        },
      },
    },
  ],
};

function take(flat: ParsedAttributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(flat[key]);
    if (value !== undefined) {
      delete flat[key];
      return value;
    }
  }
  return undefined;
}

function assign(out: ParsedFields, key: 'host' | 'message', value: string | undefined): void {
  if (value !== undefined) out[key] = value;
}

function setText(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (value !== undefined) a[key] = value;
}

function setNumber(a: ParsedAttributes, key: string, value: string | undefined): void {
  if (value !== undefined) a[key] = /^\d{1,15}$/.test(value) ? Number(value) : value;
}
