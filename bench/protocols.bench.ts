/**
 * `npm run bench:protocols`: single-core throughput of the protocol decoders, in process (no
 * HTTP, no store): OTLP protobuf and JSON (decode + map to records), Loki snappy protobuf and JSON
 * (decompress + decode + label parsing), and the syslog TCP deframer with structured-data key
 * extraction. Env: BENCH_SECONDS per case (default 3).
 */
import { compressSync } from 'snappy';

import {
  decodeLokiJson,
  decodeLokiProtobuf,
} from '../src/modules/ingest/parsing/loki-push.decoder';
import { PushRequest } from '../src/modules/ingest/parsing/loki-push.schema';
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  mapOtlpRequest,
} from '../src/modules/ingest/parsing/otlp-logs.decoder';
import { ExportLogsServiceRequest } from '../src/modules/ingest/parsing/otlp-logs.schema';
import { SyslogDeframer } from '../src/modules/ingest/syslog/syslog-framing';
import { takeSyslogKey } from '../src/modules/ingest/syslog/syslog-key';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const BATCH = 1000;
const now = Date.now();

async function measure(name: string, unitsPerRun: number, bytes: number, run: () => unknown) {
  for (let i = 0; i < 3; i++) await run(); // warm-up
  let runs = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    await run();
    runs++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = (runs * unitsPerRun) / seconds;
  const mb = (runs * bytes) / seconds / 1e6;
  console.log(
    `${name.padEnd(34)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s  ${mb.toFixed(1).padStart(7)} MB/s`,
  );
}

function otlpRequest() {
  const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            kv('service.name', 'checkout'),
            kv('host.name', 'web-7'),
            kv('deployment.environment', 'prod'),
            kv('k8s.pod.name', 'checkout-7f9c-x2'),
          ],
        },
        scopeLogs: [
          {
            scope: { name: 'app', version: '1.2.3' },
            logRecords: Array.from({ length: BATCH }, (_, i) => ({
              timeUnixNano: `${now - i}000000`,
              severityNumber: 9,
              severityText: 'INFO',
              body: {
                stringValue: `GET /api/cart/${i} served in ${i % 97} ms for user u-${i % 1000}`,
              },
              attributes: [
                kv('http.method', 'GET'),
                { key: 'http.status_code', value: { intValue: String(200 + (i % 5)) } },
                kv('url.path', `/api/cart/${i}`),
              ],
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
            })),
          },
        ],
      },
    ],
  };
}

async function main(): Promise<void> {
  const options = { receivedAt: now, dataset: 'otlp', maxDepth: 32, maxBytes: 1 << 20 };
  const request = otlpRequest();
  const json = Buffer.from(JSON.stringify(request));
  // The protobuf form carries the ids as bytes.
  const protoObject = JSON.parse(json.toString('utf8'), (key: string, value: unknown) =>
    (key === 'traceId' || key === 'spanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex')
      : value,
  ) as Record<string, unknown>;
  const proto = Buffer.from(
    ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(protoObject)).finish(),
  );
  await measure('OTLP protobuf decode+map (records)', BATCH, proto.length, () =>
    mapOtlpRequest(decodeOtlpProtobuf(proto), options),
  );
  await measure('OTLP JSON decode+map (records)', BATCH, json.length, () =>
    mapOtlpRequest(decodeOtlpJson(json), options),
  );

  const streams = Array.from({ length: 10 }, (_, s) => ({
    labels: `{job="varlogs", app="svc-${s}", host="node-${s}", env="prod"}`,
    entries: Array.from({ length: BATCH / 10 }, (_, i) => ({
      timestamp: { seconds: Math.floor(now / 1000), nanos: i * 1000 },
      line: `level=info msg="request served" path=/api/items/${i} status=200 duration=${i % 50}ms`,
      structuredMetadata: [{ name: 'trace_id', value: '5b8efff798038103d269b633813fc60c' }],
    })),
  }));
  const loki = compressSync(
    Buffer.from(PushRequest.encode(PushRequest.fromObject({ streams })).finish()),
  );
  const lokiOptions = { receivedAt: now, maxLineBytes: 1 << 20, maxBodyBytes: 100 << 20 };
  await measure('Loki snappy protobuf decode (lines)', BATCH, loki.length, () =>
    decodeLokiProtobuf(loki, lokiOptions),
  );
  const lokiJson = Buffer.from(
    JSON.stringify({
      streams: streams.map((s, i) => ({
        stream: { job: 'varlogs', app: `svc-${i}`, host: `node-${i}` },
        values: s.entries.map((e) => [`${now}000000`, e.line, { trace_id: 'abc' }]),
      })),
    }),
  );
  await measure('Loki JSON decode (lines)', BATCH, lokiJson.length, () =>
    decodeLokiJson(lokiJson, lokiOptions),
  );

  const messages = Array.from({ length: 10_000 }, (_, i) => {
    const m = `<13>1 2026-11-26T14:09:59.833Z web-${i % 7} app ${1000 + i} - [timeQuality tzKnown="1" isSynced="0"] request ${i} served in ${i % 97} ms`;
    return i % 2 === 0 ? `${m}\n` : `${Buffer.byteLength(m)} ${m}`;
  });
  const stream = Buffer.from(messages.join(''));
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += 65536) chunks.push(stream.subarray(at, at + 65536));
  let seen = 0;
  await measure('syslog TCP deframe+key (messages)', messages.length, stream.length, () => {
    const deframer = new SyslogDeframer(
      65536,
      (m) => {
        seen += takeSyslogKey(m.toString('utf8')).line.length > 0 ? 1 : 0;
      },
      () => undefined,
    );
    for (const chunk of chunks) deframer.push(chunk);
    deframer.end();
  });
  if (seen === 0) throw new Error('the deframer produced nothing');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
