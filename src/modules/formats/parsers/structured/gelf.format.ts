import type { JsonFormat, ParsedAttributes, ParsedFields } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { SYSLOG_SEVERITY_NAMES } from '../syslog/syslog-header';
import { scalar, text } from './json-attributes';

// Additional fields with an ECS home (Docker's GELF driver and the common GELF appenders).
const EXTRA_TO_ECS: Readonly<Record<string, string>> = {
  _container_id: 'container.id',
  _container_name: 'container.name',
  _image_name: 'container.image.name',
  _image_id: 'container.image.id',
  _logger_name: 'log.logger',
  _logger: 'log.logger',
  _thread_name: 'process.thread.name',
  _pid: 'process.pid',
  _exception: 'error.stack_trace',
};
const SERVICE_EXTRAS = ['_service', '_service_name', '_app', '_application', '_application_name'];
const HEX_ID = /^[0-9a-fA-F]{8,32}$/;

/** GELF 1.1 (Graylog Extended Log Format) as sent over UDP/TCP/HTTP, one JSON object. */
export const gelfFormat: JsonFormat = {
  name: 'gelf',
  family: 'structured',
  kind: 'json',
  description: 'Graylog Extended Log Format 1.1',
  priority: 30,
  detect: (doc) =>
    typeof doc.version === 'string' &&
    typeof doc.short_message === 'string' &&
    typeof doc.host === 'string',
  parse(doc): ParsedFields | null {
    if (typeof doc.short_message !== 'string') return null;
    const attributes: ParsedAttributes = {};
    const out: ParsedFields = { message: doc.short_message, attributes };
    if (typeof doc.host === 'string' && doc.host !== '') out.host = doc.host;
    const ts = doc.timestamp === undefined ? null : parseTimestamp(doc.timestamp);
    if (ts !== null) out.timestamp = ts;
    const level = typeof doc.level === 'string' ? Number(doc.level) : doc.level;
    if (typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 7) {
      out.level = SYSLOG_SEVERITY_NAMES[level];
      attributes['log.syslog.severity.code'] = level;
    }
    const full = text(doc.full_message);
    if (full !== undefined) attributes['gelf.full_message'] = full;
    const facility = text(doc.facility);
    if (facility !== undefined) attributes['gelf.facility'] = facility;
    const file = text(doc.file);
    if (file !== undefined) attributes['log.origin.file.name'] = file;
    if (typeof doc.line === 'number') attributes['log.origin.file.line'] = doc.line;
    attributes['gelf.version'] = String(doc.version);

    for (const key in doc) {
      // `_id` is reserved by the spec; everything else starting with `_` is an additional field.
      if (key.charCodeAt(0) !== 95 || key === '_id') continue;
      const value = scalar(doc[key]);
      if (value === undefined) continue;
      if (key === '_trace_id' && typeof value === 'string' && HEX_ID.test(value)) {
        out.traceId = value.toLowerCase();
      } else if (key === '_span_id' && typeof value === 'string' && HEX_ID.test(value)) {
        out.spanId = value.toLowerCase();
      } else if (out.service === undefined && SERVICE_EXTRAS.includes(key)) {
        out.service = String(value);
      } else {
        attributes[EXTRA_TO_ECS[key] ?? key.slice(1)] = value;
      }
    }
    return out;
  },
  samples: [
    {
      line: '{"version":"1.1","host":"example.org","short_message":"A short message that helps you identify what is going on","full_message":"Backtrace here\\n\\nmore stuff","timestamp":1385053862.3072,"level":1,"_user_id":9001,"_some_info":"foo","_some_env_var":"bar"}',
      expect: {
        timestamp: 1385053862307,
        level: 'alert',
        host: 'example.org',
        message: 'A short message that helps you identify what is going on',
        attributes: {
          'gelf.full_message': 'Backtrace here\n\nmore stuff',
          'log.syslog.severity.code': 1,
          user_id: 9001,
          some_info: 'foo',
        },
      },
    },
    {
      line: '{"version":"1.1","host":"docker-node-3","short_message":"GET /healthz 200 1.2ms","timestamp":1796378472.501,"level":6,"_command":"node server.js","_container_id":"9f3c0e1b2a7d4c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6","_container_name":"api-1","_created":"2026-11-26T09:00:00.1Z","_image_id":"sha256:5d41402abc4b2a76b9719d911017c592","_image_name":"shop/api:2.8.1","_tag":"9f3c0e1b2a7d"}',
      expect: {
        timestamp: 1796378472501,
        level: 'info',
        host: 'docker-node-3',
        attributes: {
          'container.name': 'api-1',
          'container.image.name': 'shop/api:2.8.1',
          command: 'node server.js',
          tag: '9f3c0e1b2a7d',
        },
      },
    },
    {
      line: '{"version":"1.1","host":"app02.prod","short_message":"Could not reach inventory service","timestamp":1796378480,"level":3,"_service":"checkout","_logger_name":"com.shop.checkout.InventoryClient","_thread_name":"http-nio-8080-exec-4","_trace_id":"0AF7651916CD43DD8448EB211C80319C","_exception":"java.net.ConnectException: Connection refused\\n\\tat java.base/sun.nio.ch.Net.connect0(Native Method)"}',
      expect: {
        timestamp: 1796378480000,
        level: 'err',
        service: 'checkout',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        attributes: {
          'log.logger': 'com.shop.checkout.InventoryClient',
          'process.thread.name': 'http-nio-8080-exec-4',
          'error.stack_trace':
            'java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
        },
      },
    },
  ],
};
