export type BulkOp = 'index' | 'create';

export interface BulkDocItem {
  ok: true;
  op: BulkOp;
  index: string;
  id: string | null;
  doc: Record<string, unknown>;
}

export interface BulkErrorItem {
  ok: false;
  op: string;
  index: string;
  id: string | null;
  status: number;
  error: { type: string; reason: string };
}

export type BulkItem = BulkDocItem | BulkErrorItem;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const MAX_REASON_LENGTH = 200;
const MAX_INDEX_BYTES = 255;
const MAX_ID_BYTES = 512;
// Unknown action names are echoed as the response item's key; keep that key short.
const MAX_OP_LENGTH = 64;

interface BulkError {
  type: string;
  reason: string;
}

/** What one action line says, before its document line is read. */
type Action =
  | {
      kind: 'doc' | 'update' | 'delete';
      op: string;
      index: string;
      id: string | null;
      /** Set when the item fails whatever its document holds. */
      error: BulkError | null;
    }
  | { kind: 'malformed'; op: string; index: string; id: null; error: BulkError };

/**
 * Walks the non-blank lines of a body without copying it. `start`/`end` exclude the line break
 * (and a trailing `\r`); `line` is the 1-based physical line number, blank lines included.
 */
class LineCursor {
  pos: number;
  start = 0;
  end = 0;
  line = 0;
  private physicalLine = 0;

  constructor(private readonly body: Buffer) {
    // A UTF-8 BOM would otherwise make the first action line invalid JSON.
    this.pos = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  }

  next(): boolean {
    const body = this.body;
    const length = body.length;
    while (this.pos < length) {
      const newline = body.indexOf(LF, this.pos);
      const lineEnd = newline === -1 ? length : newline;
      let end = lineEnd;
      if (end > this.pos && body[end - 1] === CR) end--;
      const start = this.pos;
      this.pos = lineEnd + 1;
      this.physicalLine++;
      if (!isBlank(body, start, end)) {
        this.start = start;
        this.end = end;
        this.line = this.physicalLine;
        return true;
      }
    }
    return false;
  }

  text(): string {
    return this.body.toString('utf8', this.start, this.end);
  }

  mark(): [number, number] {
    return [this.pos, this.physicalLine];
  }

  reset(mark: [number, number]): void {
    this.pos = mark[0];
    this.physicalLine = mark[1];
  }
}

/**
 * Parses an Elasticsearch `_bulk` NDJSON body into one item per action, in order.
 * Never throws on bad input: a bad line fails only its own item, so the response can carry
 * exactly one result per action (Logstash rejects a response whose item count differs).
 */
export function parseBulkBody(
  body: Buffer,
  defaultIndex: string | null,
  maxDocumentBytes = Infinity,
): BulkItem[] {
  const items: BulkItem[] = [];
  visitBulkBody(body, defaultIndex, maxDocumentBytes, (item) => items.push(item));
  return items;
}

/**
 * `parseBulkBody`, handing each item to `visit` as soon as it is parsed. A document line longer
 * than `maxDocumentBytes` fails its item without being decoded. A visitor that consumes
 * each document at once keeps only one parsed document alive at a time, instead of a whole
 * request's worth surviving into the garbage collector's older generation.
 */
export function visitBulkBody(
  body: Buffer,
  defaultIndex: string | null,
  maxDocumentBytes: number,
  visit: (item: BulkItem) => void,
): void {
  const cursor = new LineCursor(body);
  const defaultIndexError = defaultIndex === null ? null : validateIndexName(defaultIndex);
  // Shippers repeat the same action line for a whole batch; reuse its parse when the bytes match.
  let cached: Action | null = null;
  let cachedStart = 0;
  let cachedEnd = 0;

  while (cursor.next()) {
    const start = cursor.start;
    const end = cursor.end;
    let action: Action;
    if (
      cached !== null &&
      end - start === cachedEnd - cachedStart &&
      body.compare(body, cachedStart, cachedEnd, start, end) === 0
    ) {
      action = cached;
    } else {
      action = readAction(cursor.text(), cursor.line, defaultIndex, defaultIndexError);
      // Malformed reasons name the line number, so they must not be replayed for another line.
      if (action.kind !== 'malformed') {
        cached = action;
        cachedStart = start;
        cachedEnd = end;
      }
    }

    switch (action.kind) {
      case 'delete':
        visit(failure(action, unsupported(action.op)));
        break;
      case 'update':
        cursor.next();
        visit(failure(action, unsupported(action.op)));
        break;
      case 'malformed': {
        visit(failure(action, action.error));
        // Stay in step: the next line is this action's document unless it is itself an action.
        const mark = cursor.mark();
        if (cursor.next() && isActionLine(cursor.text())) cursor.reset(mark);
        break;
      }
      case 'doc':
        if (!cursor.next()) {
          visit(
            failure(action, {
              type: 'action_request_validation_exception',
              reason: 'missing document for action',
            }),
          );
        } else if (action.error !== null) {
          visit(failure(action, action.error));
        } else if (cursor.end - cursor.start > maxDocumentBytes) {
          // Refused before decoding: an oversized line costs no string and no parse.
          visit(
            failure(action, {
              type: 'mapper_parsing_exception',
              reason: `the document is ${cursor.end - cursor.start} bytes, more than the limit of ${maxDocumentBytes}`,
            }),
          );
        } else {
          visit(readDocument(cursor.text(), action));
        }
        break;
    }
  }
}

function readDocument(text: string, action: Action): BulkItem {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return failure(action, {
      type: 'mapper_parsing_exception',
      reason: clip(`failed to parse: ${err instanceof Error ? err.message : String(err)}`),
    });
  }
  if (!isObject(doc)) {
    return failure(action, {
      type: 'mapper_parsing_exception',
      reason: `failed to parse: the document must be a JSON object, not ${kindOf(doc)}`,
    });
  }
  return { ok: true, op: action.op as BulkOp, index: action.index, id: action.id, doc };
}

function readAction(
  text: string,
  line: number,
  defaultIndex: string | null,
  defaultIndexError: BulkError | null,
): Action {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed('index', defaultIndex, malformedLine(line));
  }
  if (!isObject(parsed)) return malformed('index', defaultIndex, malformedLine(line));
  const keys = Object.keys(parsed);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) {
    return malformed('index', defaultIndex, {
      type: 'illegal_argument_exception',
      reason: `Malformed action/metadata line [${line}], expected exactly one action but found ${keys.length}`,
    });
  }
  if (op !== 'index' && op !== 'create' && op !== 'update' && op !== 'delete') {
    return malformed(op.slice(0, MAX_OP_LENGTH), defaultIndex, {
      type: 'illegal_argument_exception',
      reason: clip(
        `Malformed action/metadata line [${line}], expected one of [create, delete, index, update] but found [${op}]`,
      ),
    });
  }
  const meta = parsed[op];
  if (!isObject(meta)) {
    return malformed(op, defaultIndex, {
      type: 'illegal_argument_exception',
      reason: `Malformed action/metadata line [${line}], expected an object for action [${op}]`,
    });
  }

  const kind = op === 'index' || op === 'create' ? 'doc' : op;
  let index = defaultIndex ?? '';
  let error: BulkError | null = null;
  const rawIndex = meta['_index'];
  if (rawIndex === undefined || rawIndex === null) {
    error =
      defaultIndex === null
        ? { type: 'action_request_validation_exception', reason: 'index is missing' }
        : defaultIndexError;
  } else if (typeof rawIndex === 'string') {
    // An invalid name is echoed in the response item; cap it so the item stays small.
    index = rawIndex.length > MAX_INDEX_BYTES ? rawIndex.slice(0, MAX_INDEX_BYTES) : rawIndex;
    error = validateIndexName(rawIndex);
  } else {
    error = { type: 'illegal_argument_exception', reason: '[_index] must be a string' };
  }

  let id: string | null = null;
  const rawId = meta['_id'];
  if (typeof rawId === 'string') {
    id = rawId.length > MAX_ID_BYTES ? rawId.slice(0, MAX_ID_BYTES) : rawId;
    error ??= validateId(rawId);
  } else if (typeof rawId === 'number' && Number.isFinite(rawId)) {
    // Elasticsearch reads `_id` as text, so a numeric id is accepted.
    id = String(rawId);
  } else if (rawId !== undefined && rawId !== null) {
    error ??= { type: 'illegal_argument_exception', reason: '[_id] must be a string' };
  }
  return { kind, op, index, id, error };
}

/** True for an object with exactly one key among the four actions whose value is an object. */
function isActionLine(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObject(parsed)) return false;
  const keys = Object.keys(parsed);
  const op = keys[0];
  return (
    keys.length === 1 &&
    (op === 'index' || op === 'create' || op === 'update' || op === 'delete') &&
    isObject(parsed[op])
  );
}

/**
 * Why an index name is refused, or null. A valid name is only ever the dataset label of the
 * caller's own records: the tenant comes from the credential, never from an index.
 */
export function validateIndexName(name: string): BulkError | null {
  if (name.length === 0) {
    return {
      type: 'invalid_index_name_exception',
      reason: 'Invalid index name [], must not be empty',
    };
  }
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so short names skip the byte count.
  if (name.length * 3 > MAX_INDEX_BYTES) {
    const bytes = Buffer.byteLength(name, 'utf8');
    if (bytes > MAX_INDEX_BYTES) {
      return {
        type: 'invalid_index_name_exception',
        reason: clip(
          `Invalid index name [${name.slice(0, 64)}...], index name is too long, (${bytes} > ${MAX_INDEX_BYTES})`,
        ),
      };
    }
  }
  for (let i = 0; i < name.length; i++) {
    if (isForbiddenIndexChar(name.charCodeAt(i))) {
      return {
        type: 'invalid_index_name_exception',
        reason: clip(
          `Invalid index name [${name}], must not contain the following characters [' ','"','*','\\','<','|',',','>','/','?','#']`,
        ),
      };
    }
  }
  return null;
}

function isForbiddenIndexChar(code: number): boolean {
  switch (code) {
    case 0x20: // space
    case 0x22: // "
    case 0x23: // #
    case 0x2a: // *
    case 0x2c: // ,
    case 0x2f: // /
    case 0x3c: // <
    case 0x3e: // >
    case 0x3f: // ?
    case 0x5c: // \
    case 0x7c: // |
      return true;
    default:
      return false;
  }
}

function validateId(id: string): BulkError | null {
  if (id.length === 0) {
    return {
      type: 'action_request_validation_exception',
      reason: 'if _id is specified it must not be empty',
    };
  }
  if (id.length * 3 > MAX_ID_BYTES) {
    const bytes = Buffer.byteLength(id, 'utf8');
    if (bytes > MAX_ID_BYTES) {
      return {
        type: 'action_request_validation_exception',
        reason: `id is too long, must be no longer than ${MAX_ID_BYTES} bytes but was: ${bytes}`,
      };
    }
  }
  return null;
}

function malformed(op: string, defaultIndex: string | null, error: BulkError): Action {
  return { kind: 'malformed', op, index: defaultIndex ?? '', id: null, error };
}

function malformedLine(line: number): BulkError {
  return {
    type: 'illegal_argument_exception',
    reason: `Malformed action/metadata line [${line}], expected a JSON object with a single action`,
  };
}

function unsupported(op: string): BulkError {
  return {
    type: 'illegal_argument_exception',
    reason: `action [${op}] is not supported by Vigil`,
  };
}

function failure(action: Action, error: BulkError): BulkErrorItem {
  return { ok: false, op: action.op, index: action.index, id: action.id, status: 400, error };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isBlank(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

function clip(reason: string): string {
  return reason.length > MAX_REASON_LENGTH
    ? `${reason.slice(0, MAX_REASON_LENGTH - 3)}...`
    : reason;
}
