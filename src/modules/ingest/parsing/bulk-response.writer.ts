export interface BulkItemResult {
  op: string;
  index: string;
  id: string | null;
  status: number;
  error?: { type: string; reason: string };
}

/** The `_bulk` response as a plain object, in Elasticsearch key order (for `filter_path`). */
export interface BulkResponseObject {
  took: number;
  errors: boolean;
  items: Array<Record<string, BulkResponseItemBody>>;
}

export interface BulkResponseItemBody {
  _index: string;
  _id?: string;
  status: number;
  error?: { type: string; reason: string };
}

/**
 * Serialises a `_bulk` response as compact JSON in Elasticsearch key order. Compact matters:
 * Vector detects failures by the literal substring `"errors":true`, and Fluent Bit must fit
 * the whole response in its 512k buffer.
 */
export function writeBulkResponse(tookMs: number, items: readonly BulkItemResult[]): string {
  let errors = false;
  let body = '';
  // Batches mostly share one op and one index, so their JSON prefixes are built once.
  let lastOp: string | null = null;
  let opPrefix = '';
  let lastIndex: string | null = null;
  let indexJson = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.op !== lastOp) {
      lastOp = item.op;
      opPrefix = `{${JSON.stringify(item.op)}:{"_index":`;
    }
    if (item.index !== lastIndex) {
      lastIndex = item.index;
      indexJson = JSON.stringify(item.index);
    }
    let entry = (i === 0 ? opPrefix : ',' + opPrefix) + indexJson;
    if (item.id !== null) entry += ',"_id":' + JSON.stringify(item.id);
    entry += ',"status":' + item.status;
    if (item.error !== undefined) {
      entry +=
        ',"error":{"type":' +
        JSON.stringify(item.error.type) +
        ',"reason":' +
        JSON.stringify(item.error.reason) +
        '}';
    }
    body += entry + '}}';
    if (item.status >= 300) errors = true;
  }
  return `{"took":${tookValue(tookMs)},"errors":${errors ? 'true' : 'false'},"items":[${body}]}`;
}

/** The same response as {@link writeBulkResponse}, as an object to filter before serialising. */
export function buildBulkResponseObject(
  tookMs: number,
  items: readonly BulkItemResult[],
): BulkResponseObject {
  let errors = false;
  const out: BulkResponseObject['items'] = [];
  for (const item of items) {
    const entry: BulkResponseItemBody =
      item.id === null
        ? { _index: item.index, status: item.status }
        : { _index: item.index, _id: item.id, status: item.status };
    if (item.error !== undefined)
      entry.error = { type: item.error.type, reason: item.error.reason };
    const wrapper: Record<string, BulkResponseItemBody> = {};
    if (item.op === '__proto__') {
      // An unknown op named `__proto__` must stay an ordinary key, not replace the prototype.
      Object.defineProperty(wrapper, item.op, {
        value: entry,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      wrapper[item.op] = entry;
    }
    out.push(wrapper);
    if (item.status >= 300) errors = true;
  }
  return { took: tookValue(tookMs), errors, items: out };
}

// `took` is an integer in Elasticsearch and a NaN would make the JSON invalid.
function tookValue(tookMs: number): number {
  return Number.isFinite(tookMs) && tookMs > 0 ? Math.round(tookMs) : 0;
}
