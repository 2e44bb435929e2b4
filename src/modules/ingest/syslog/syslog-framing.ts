export type FrameReject = 'too_large' | 'truncated';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const EMPTY = Buffer.alloc(0);
/** A frame length has at most this many digits (RFC 6587 MSG-LEN; 9 digits is ~1 GB). */
const MAX_LENGTH_DIGITS = 9;

/**
 * Splits a syslog TCP stream into messages (RFC 6587), detecting the framing per message:
 * octet counting (`123 <34>1 ...`, the frame starts with a non-zero digit and a space follows
 * the length) or non-transparent framing (the message ends at LF or NUL; a CR before the LF is
 * dropped). Stray LF, CR and NUL between frames are skipped.
 *
 * A message longer than `maxBytes` is reported through `onReject('too_large')` and skipped
 * without losing the framing: an octet-counted frame is skipped by its length, an LF-framed one
 * up to its terminator. Memory held per stream stays below `maxBytes` plus a few bytes.
 */
export class SyslogDeframer {
  #pending: Buffer = EMPTY;
  /** Bytes of an oversized octet-counted frame still to skip. */
  #skip = 0;
  /** Skipping an oversized LF-framed message up to its terminator. */
  #discarding = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onMessage: (message: Buffer) => void,
    private readonly onReject: (reason: FrameReject) => void,
  ) {}

  push(chunk: Buffer): void {
    const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    let pos = 0;
    // The next NUL at or after `pos`, found once per chunk: a search per message would scan
    // the rest of the chunk every time when, as usual, there is no NUL at all.
    let nul = -2;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, data.length);
      this.#skip -= n;
      pos = n;
    }
    while (pos < data.length) {
      if (this.#discarding) {
        if (nul !== -1 && nul < pos) nul = data.indexOf(NUL, pos);
        const end = terminator(data, pos, nul);
        if (end < 0) {
          pos = data.length;
          break;
        }
        this.#discarding = false;
        pos = end + 1;
        continue;
      }
      const c = data[pos] as number;
      if (c === LF || c === CR || c === NUL) {
        pos++;
        continue;
      }
      if (c >= 0x31 && c <= 0x39) {
        const frame = this.octetFrame(data, pos);
        if (frame === NEED_MORE) break;
        if (frame !== NOT_OCTET) {
          pos = frame;
          continue;
        }
      }
      if (nul !== -1 && nul < pos) nul = data.indexOf(NUL, pos);
      const end = terminator(data, pos, nul);
      if (end < 0) {
        if (data.length - pos > this.maxBytes) {
          this.onReject('too_large');
          this.#discarding = true;
          pos = data.length;
        }
        break;
      }
      let stop = end;
      if (stop > pos && data[stop - 1] === CR) stop--;
      if (stop - pos > this.maxBytes) this.onReject('too_large');
      else this.onMessage(data.subarray(pos, stop));
      pos = end + 1;
    }
    // Copy the tail so a large chunk is not kept alive by a few pending bytes.
    this.#pending = pos >= data.length ? EMPTY : Buffer.from(data.subarray(pos));
  }

  /** The stream closed: an unterminated LF-framed message is still a message; a cut frame is not. */
  end(): void {
    const rest = this.#pending;
    this.#pending = EMPTY;
    if (this.#skip > 0 || rest.length === 0) {
      this.#skip = 0;
      return;
    }
    if (this.#discarding) {
      this.#discarding = false;
      return;
    }
    const c = rest[0] as number;
    if (c >= 0x31 && c <= 0x39 && this.octetFrame(rest, 0) === NEED_MORE) {
      this.onReject('truncated');
      return;
    }
    let stop = rest.length;
    if (rest[stop - 1] === CR) stop--;
    if (stop > 0) this.onMessage(rest.subarray(0, stop));
  }

  /**
   * At a digit: emits an octet-counted frame and returns the position after it, or NEED_MORE
   * (incomplete), or NOT_OCTET (digits not followed by a space: an LF-framed message).
   */
  private octetFrame(data: Buffer, pos: number): number {
    let i = pos;
    let length = 0;
    while (i < data.length && i - pos < MAX_LENGTH_DIGITS) {
      const d = data[i] as number;
      if (d < 0x30 || d > 0x39) break;
      length = length * 10 + (d - 0x30);
      i++;
    }
    if (i === data.length) return NEED_MORE;
    if (data[i] !== SP) return NOT_OCTET;
    const start = i + 1;
    if (length > this.maxBytes) {
      this.onReject('too_large');
      const n = Math.min(length, data.length - start);
      this.#skip = length - n;
      return start + n;
    }
    if (data.length - start < length) return NEED_MORE;
    this.onMessage(data.subarray(start, start + length));
    return start + length;
  }
}

const NEED_MORE = -1;
const NOT_OCTET = -2;

function terminator(data: Buffer, pos: number, nul: number): number {
  const lf = data.indexOf(LF, pos);
  if (nul < 0) return lf;
  return lf < 0 ? nul : Math.min(lf, nul);
}
