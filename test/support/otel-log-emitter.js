/**
 * Emits log records with the OpenTelemetry JS SDK and its OTLP/HTTP exporter, then flushes.
 * Run as a plain Node process (`node otel-log-emitter.js '<json>'`): the exporter loads `http`
 * with a dynamic import, which Jest's CommonJS sandbox cannot run. Prints the export result.
 *
 * Input: { url, key, protocol: 'json' | 'protobuf', resource: {...}, scope: {name, version},
 *          records: [{ body, severityNumber?, severityText?, attributes?, timestamp?, traceId?, spanId? }] }
 */
const { context, trace, TraceFlags } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');

async function main() {
  const input = JSON.parse(process.argv[2]);
  const { OTLPLogExporter } =
    input.protocol === 'protobuf'
      ? require('@opentelemetry/exporter-logs-otlp-proto')
      : require('@opentelemetry/exporter-logs-otlp-http');
  const exporter = new OTLPLogExporter({
    url: input.url,
    headers: { Authorization: `Bearer ${input.key}` },
  });
  const results = [];
  const recording = {
    export: (records, done) =>
      exporter.export(records, (result) => {
        results.push({ code: result.code, error: result.error ? String(result.error) : undefined });
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(input.resource),
    processors: [new SimpleLogRecordProcessor({ exporter: recording })],
  });
  const logger = provider.getLogger(input.scope.name, input.scope.version);
  for (const record of input.records) {
    let ctx = context.active();
    if (record.traceId) {
      const span = trace.wrapSpanContext({
        traceId: record.traceId,
        spanId: record.spanId,
        traceFlags: TraceFlags.SAMPLED,
      });
      ctx = trace.setSpan(ctx, span);
    }
    logger.emit({
      severityNumber: record.severityNumber,
      severityText: record.severityText,
      body: record.body,
      attributes: record.attributes,
      timestamp: record.timestamp === undefined ? undefined : new Date(record.timestamp),
      context: ctx,
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
