import { uncompress } from 'snappy';

import { IngestError } from '../ingest.errors';
import { parseLokiLabels } from './loki-labels.parser';
import { PushRequest } from './loki-push.schema';

/** One pushed line with its stream's labels. */
export interface LokiEntry {
  /** Shared by every entry of the stream; null-prototype. */
  labels: Record<string, string>;
  /** Epoch milliseconds; the receive time when the sender left it at zero. */
  timestamp: number;
  line: string;
  /** Structured metadata (null-prototype), or null when there is none. */
  metadata: Record<string, string> | null;
}

export type LokiEntryResult =
  { ok: true; entry: LokiEntry } | { ok: false; where: string; reason: string };

export interface LokiDecodeOptions {
  receivedAt: number;
  /** Longest line accepted (UTF-8 bytes), like Loki's max_line_size. */
  maxLineBytes: number;
  /** Largest body once decompressed. */
  maxBodyBytes: number;
}

const LAST_MS = Date.UTC(2201, 0, 1);

/**
 * The JSON push body, `{"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}?]]}]}`.
 * Throws IngestError BAD_REQUEST when the body is not JSON of that shape; an entry or a stream
 * with bad values is rejected alone (one result per entry).
 */
export function decodeLokiJson(body: Buffer, options: LokiDecodeOptions): LokiEntryResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new IngestError('BAD_REQUEST', `the body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed) || !Array.isArray(parsed.streams)) {
    throw new IngestError('BAD_REQUEST', 'the body must be an object with a "streams" array');
  }
  const results: LokiEntryResult[] = [];
  parsed.streams.forEach((stream: unknown, s) => {
    const where = `streams[${s}]`;
    if (!isObject(stream)) {
      results.push({ ok: false, where, reason: 'a stream must be an object' });
      return;
    }
    const values = stream.values;
    if (!Array.isArray(values)) {
      results.push({ ok: false, where, reason: 'the stream has no "values" array' });
      return;
    }
    const labels = stringMap(stream.stream);
    if (labels === null || !hasKeys(labels)) {
      const reason =
        labels === null
          ? '"stream" must be an object of string label values'
          : 'at least one label pair is required per stream';
      values.forEach((_v, e) =>
        results.push({ ok: false, where: `${where}.values[${e}]`, reason }),
      );
      return;
    }
    values.forEach((value: unknown, e) => {
      results.push(jsonEntry(value, labels, `${where}.values[${e}]`, options));
    });
  });
  return results;
}

function jsonEntry(
  value: unknown,
  labels: Record<string, string>,
  where: string,
  options: LokiDecodeOptions,
): LokiEntryResult {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    return { ok: false, where, reason: 'an entry must be ["<unix ns>", "<line>", {metadata}?]' };
  }
  const [ts, line, meta] = value as [unknown, unknown, unknown];
  const timestamp = nanosToMs(ts, options.receivedAt);
  if (timestamp === null) {
    return { ok: false, where, reason: 'the timestamp must be a string of Unix nanoseconds' };
  }
  if (typeof line !== 'string') return { ok: false, where, reason: 'the line must be a string' };
  let metadata: Record<string, string> | null = null;
  if (meta !== undefined && meta !== null) {
    metadata = stringMap(meta);
    if (metadata === null) {
      return { ok: false, where, reason: 'structured metadata must map names to strings' };
    }
  }
  return checked({ labels, timestamp, line, metadata }, where, options);
}

/**
 * The protobuf push body: a snappy block-compressed PushRequest. Throws IngestError
 * (BAD_REQUEST for bad snappy or protobuf, BODY_TOO_LARGE past `maxBodyBytes`).
 */
export async function decodeLokiProtobuf(
  body: Buffer,
  options: LokiDecodeOptions,
): Promise<LokiEntryResult[]> {
  const length = snappyLength(body);
  if (length === null) {
    throw new IngestError('BAD_REQUEST', 'the body is not snappy-compressed protobuf');
  }
  if (length > options.maxBodyBytes) {
    throw new IngestError(
      'BODY_TOO_LARGE',
      `the decompressed body would be ${length} bytes, more than ${options.maxBodyBytes}`,
    );
  }
  let raw: Buffer;
  try {
    raw = (await uncompress(body, { asBuffer: true })) as Buffer;
  } catch (err) {
    throw new IngestError('BAD_REQUEST', `the body is not valid snappy: ${(err as Error).message}`);
  }
  let request: ProtoPushRequest;
  try {
    request = PushRequest.decode(raw) as unknown as ProtoPushRequest;
  } catch (err) {
    throw new IngestError(
      'BAD_REQUEST',
      `the body is not a valid PushRequest: ${(err as Error).message}`,
    );
  }
  const results: LokiEntryResult[] = [];
  request.streams.forEach((stream, s) => {
    const parsed = parseLokiLabels(stream.labels);
    stream.entries.forEach((entry, e) => {
      const where = `streams[${s}].entries[${e}]`;
      if (!parsed.ok) {
        results.push({ ok: false, where, reason: `${parsed.reason} in ${clip(stream.labels)}` });
        return;
      }
      let metadata: Record<string, string> | null = null;
      if (entry.structuredMetadata.length > 0) {
        metadata = Object.create(null) as Record<string, string>;
        for (const pair of entry.structuredMetadata) metadata[pair.name] = pair.value;
      }
      const timestamp = protoTimestampToMs(entry.timestamp, options.receivedAt);
      results.push(
        checked({ labels: parsed.labels, timestamp, line: entry.line, metadata }, where, options),
      );
    });
  });
  return results;
}

interface ProtoPushRequest {
  streams: Array<{
    labels: string;
    entries: Array<{
      timestamp: { seconds: number | { toNumber(): number }; nanos: number } | null;
      line: string;
      structuredMetadata: Array<{ name: string; value: string }>;
    }>;
  }>;
}

function checked(entry: LokiEntry, where: string, options: LokiDecodeOptions): LokiEntryResult {
  if (entry.timestamp >= LAST_MS || entry.timestamp < 0) {
    return { ok: false, where, reason: 'the timestamp is outside 1970..2200' };
  }
  const max = options.maxLineBytes;
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so short lines skip the byte count.
  if (entry.line.length * 3 > max) {
    const bytes = Buffer.byteLength(entry.line);
    if (bytes > max) {
      return { ok: false, where, reason: `the line is ${bytes} bytes, more than ${max}` };
    }
  }
  return { ok: true, entry };
}

/** Unix nanoseconds as Loki's JSON writes them (a decimal string; a number is tolerated). */
function nanosToMs(value: unknown, receivedAt: number): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    return value === 0 ? receivedAt : Math.floor(value / 1e6);
  }
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return null;
  const ms = value.length <= 6 ? 0 : Number(value.slice(0, -6));
  return ms === 0 && /^0+$/.test(value) ? receivedAt : ms;
}

function protoTimestampToMs(
  ts: ProtoPushRequest['streams'][number]['entries'][number]['timestamp'],
  receivedAt: number,
): number {
  if (ts === null || ts === undefined) return receivedAt;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  const ms = seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return ms === 0 ? receivedAt : ms;
}

/** The uncompressed length a raw snappy block starts with (a varint), or null. */
function snappyLength(body: Buffer): number | null {
  let value = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const byte = body[i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  return null;
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const out = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') return null;
    out[key] = v;
  }
  return out;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
