import { type Detection, GENERIC_JSON_FORMAT, safeDetect, TEXT_FORMAT } from './format-registry';
import type { FormatStream } from './format-stream';
import type { LogFormat, ParsedFields, ParseContext } from './log-format';
import {
  DEFAULT_MULTILINE,
  type JoinedRecord,
  type LineClassifier,
  Multiline,
  type MultilineOptions,
} from './multiline';
import { toJsonText } from './normalize/flatten';
import {
  applyMessageParser,
  mergeWrapped,
  type ParsedRecord,
  parseWith,
  parseWithNext,
} from './parsed-record';

/** A finished record and the inputs (lines) it was made of. */
export interface AssembledRecord<O> extends ParsedRecord {
  owners: O[];
}

interface Head {
  detection: Detection;
  /** The wrapper record (Docker, CRI, journald) the line came out of, if any. */
  wrapper: ParsedRecord | null;
}

/** A wrapper line the shipper split (`partial`): messages are concatenated until the last piece. */
interface PartialRecord<O> {
  wrapper: ParsedRecord;
  text: string;
  owners: O[];
  lastAt: number;
}

/**
 * The line-oriented path of one source stream: detection (through the stream, which settles),
 * Docker/CRI partial reassembly, wrapper unwrapping, multiline joining, parsing and message
 * sub-parsers. Lives as long as its input does (one HTTP request, one syslog connection); the
 * stream it detects with outlives it. Records come out through `emit`, in the order they close.
 */
export class LinePipeline<O> {
  readonly #outer: Multiline<Head, O>;
  readonly #inner: Multiline<Head, O[]>;
  #partial: PartialRecord<O> | null = null;
  readonly #outerStarts: LineClassifier;
  readonly #innerStarts: LineClassifier;

  constructor(
    private readonly stream: FormatStream,
    private readonly ctx: ParseContext,
    private readonly emit: (record: AssembledRecord<O>) => void,
    private readonly options: MultilineOptions = DEFAULT_MULTILINE,
  ) {
    this.#outer = new Multiline(options, (r) => this.#finish(r, r.owners));
    this.#inner = new Multiline(options, (r) => this.#finish(r, r.owners.flat<O[][]>()));
    this.#outerStarts = recordStarts(this.#outer, stream);
    this.#innerStarts = recordStarts(this.#inner, stream.inner);
  }

  push(line: string, owner: O, now: number): void {
    const stream = this.stream;
    if (this.#partial !== null) {
      this.#continuePartial(line, owner, now);
      return;
    }
    if (this.#outer.append(line, owner, now, this.#outerStarts)) return;
    const detection = stream.detectLine(line);
    const format = detection.format;
    if (format.wraps === true) {
      this.#outer.flush();
      this.#unwrap(format, line, detection, owner, now);
      return;
    }
    // A plain line after wrapped ones: the wrapped record before it is complete.
    this.#inner.flush();
    if (detection.doc !== null) {
      // A JSON record is complete in its line: nothing joins it.
      this.#outer.flush();
      this.#finish({ text: line, lineCount: 1, head: { detection, wrapper: null }, owners: [] }, [
        owner,
      ]);
      return;
    }
    this.#outer.start(line, { detection, wrapper: null }, owner, now);
  }

  /** Emits records whose last line is older than the multiline timeout (streaming inputs). */
  flushDue(now: number): void {
    const partial = this.#partial;
    if (partial !== null && now - partial.lastAt >= this.options.timeoutMs) this.#endPartial(now);
    this.#outer.flushDue(now);
    this.#inner.flushDue(now);
  }

  /** The input ended: emits everything pending. */
  end(now = this.ctx.receivedAt): void {
    if (this.#partial !== null) this.#endPartial(now);
    this.#outer.end();
    this.#inner.end();
  }

  #unwrap(format: LogFormat, line: string, detection: Detection, owner: O, now: number): void {
    const fields = parseWith(format, line, detection.doc, this.ctx);
    if (fields === null) {
      this.#finish(
        {
          text: line,
          lineCount: 1,
          head: { detection: { format: TEXT_FORMAT, doc: null }, wrapper: null },
          owners: [],
        },
        [owner],
      );
      return;
    }
    const wrapper: ParsedRecord = { format, fields, raw: line };
    const text = fields.message ?? '';
    if (fields.partial === true) {
      this.#partial = { wrapper, text, owners: [owner], lastAt: now };
      return;
    }
    this.#pushInner(text, wrapper, [owner], now);
  }

  #continuePartial(line: string, owner: O, now: number): void {
    const partial = this.#partial as PartialRecord<O>;
    const detection = this.stream.detectLine(line);
    const fields =
      detection.format === partial.wrapper.format
        ? parseWith(detection.format, line, detection.doc, this.ctx)
        : null;
    if (fields === null) {
      // Not a piece of the split record after all: close it and take the line afresh.
      this.#endPartial(now);
      this.push(line, owner, now);
      return;
    }
    partial.text += fields.message ?? '';
    partial.owners.push(owner);
    partial.lastAt = now;
    if (fields.partial !== true || partial.text.length > this.options.maxBytes) {
      this.#endPartial(now);
    }
  }

  #endPartial(now: number): void {
    const partial = this.#partial as PartialRecord<O>;
    this.#partial = null;
    this.#pushInner(partial.text, partial.wrapper, partial.owners, now);
  }

  /** The message inside a wrapper: detected on the stream's inner stream and joined like any line. */
  #pushInner(message: string, wrapper: ParsedRecord, owners: O[], now: number): void {
    const text = trimLineEnd(message);
    const inner = this.stream.inner;
    if (this.#inner.append(text, owners, now, this.#innerStarts)) return;
    const detection = inner.detectLine(text);
    const head = { detection, wrapper };
    if (detection.doc !== null || detection.format.wraps === true) {
      this.#inner.flush();
      this.#finish({ text, lineCount: 1, head, owners: [] }, owners);
      return;
    }
    this.#inner.start(text, head, owners, now);
  }

  #finish(record: JoinedRecord<Head, unknown>, owners: O[]): void {
    const { detection, wrapper } = record.head;
    let format = detection.format;
    let fields =
      format === TEXT_FORMAT ? NO_FIELDS : parseWith(format, record.text, detection.doc, this.ctx);
    if (fields === null) {
      const next = parseWithNext(
        this.stream.registry,
        format,
        record.text,
        detection.doc,
        this.ctx,
      );
      format = next?.format ?? TEXT_FORMAT;
      fields = next?.fields ?? NO_FIELDS;
    }
    applyMessageParser(this.stream.registry, format, fields);
    let out: AssembledRecord<O>;
    if (wrapper === null) {
      out = { format, fields, raw: record.text, owners };
      if (format === GENERIC_JSON_FORMAT) out.ownsAttributes = true;
    } else if (format === TEXT_FORMAT) {
      out = {
        format: wrapper.format,
        fields: { ...wrapper.fields, message: record.text, partial: undefined },
        raw: record.text,
        owners,
      };
      // journald: the program behind the wrapper may have a message sub-parser.
      applyMessageParser(this.stream.registry, wrapper.format, out.fields);
    } else {
      out = mergeWrapped(wrapper, { format, fields, raw: record.text }) as AssembledRecord<O>;
      out.owners = owners;
    }
    this.emit(out);
  }
}

/** The fields of a text record (shared: nothing writes to a text record's fields). */
const NO_FIELDS: ParsedFields = Object.freeze({});

/**
 * What starts a record: the pending record's own format when it has one (a stream that has not
 * settled yet still joins a slow-log entry or an indented detail line), else the stream's.
 */
function recordStarts<T>(multiline: Multiline<Head, T>, stream: FormatStream): LineClassifier {
  const headFormat = (): LogFormat | null => {
    const format = multiline.head?.detection.format;
    return format === undefined || format === TEXT_FORMAT || format.kind !== 'line' ? null : format;
  };
  return {
    startsRecord(line: string): boolean {
      const format = headFormat();
      return format === null ? stream.startsRecord(line) : safeDetect(format, line);
    },
    get startLineOnly(): boolean {
      const format = headFormat();
      return format === null ? stream.startLineOnly : format.startLine === true;
    },
  };
}

function trimLineEnd(s: string): string {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 13) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * Parses one line that stands alone (a shipper document's raw `message`), or a decoded document
 * (`detection.doc`, `line` unused): no multiline, no partials. Null when the line is plain text
 * or its format refuses it.
 */
export function parseDetectedLine(
  stream: FormatStream,
  detection: Detection,
  line: string,
  ctx: ParseContext,
): ParsedRecord | null {
  const format = detection.format;
  if (format === TEXT_FORMAT) return null;
  const fields = parseWith(format, line, detection.doc, ctx);
  if (fields === null) return null;
  // A JSON record's structure is all in its fields: its text is not kept a second time.
  const raw = detection.doc === null ? line : (fields.message ?? toJsonText(detection.doc));
  if (format.wraps !== true) {
    applyMessageParser(stream.registry, format, fields);
    return { format, fields, raw, ownsAttributes: format === GENERIC_JSON_FORMAT };
  }
  const wrapper: ParsedRecord = { format, fields, raw };
  const text = trimLineEnd(fields.message ?? '');
  const innerDetection = stream.inner.detectLine(text);
  const inner =
    innerDetection.format.wraps === true
      ? null
      : parseDetectedLine(stream.inner, innerDetection, text, ctx);
  if (inner === null) {
    const unwrapped = { ...fields, message: text, partial: undefined };
    applyMessageParser(stream.registry, format, unwrapped);
    return { format, fields: unwrapped, raw: text };
  }
  return mergeWrapped(wrapper, inner);
}
