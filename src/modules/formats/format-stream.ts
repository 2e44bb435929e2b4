import {
  type Detection,
  type FormatRegistry,
  GENERIC_JSON_FORMAT,
  looksLikeJsonObject,
  parseJsonObject,
  safeDetect,
  TEXT_FORMAT,
} from './format-registry';
import type { JsonFormat, LogFormat } from './log-format';
import type { LineClassifier } from './multiline';

export interface FormatStreamOptions {
  /** Detections kept for settling: the stream settles when one format has `settleAfter` of them. */
  settleWindow: number;
  settleAfter: number;
  /** Once settled: the last `missWindow` lines are watched, `maxMisses` misses among them unsettle. */
  missWindow: number;
  maxMisses: number;
  /** A stream settled on `text` still runs full detection on one line in this many. */
  textRecheckEvery: number;
}

export const DEFAULT_STREAM_OPTIONS: Readonly<FormatStreamOptions> = Object.freeze({
  settleWindow: 5,
  settleAfter: 3,
  missWindow: 20,
  maxMisses: 8,
  textRecheckEvery: 16,
});

/**
 * Format detection for one source (tenant + dataset + service + endpoint). Until it settles,
 * every line goes through the registry's full detection; once one format detected most of the
 * first lines, a line is only checked against that format (the fast path) and falls back to full
 * detection when the format rejects it. When misses pile up in the sliding window the stream
 * forgets its format and settles again. A pinned stream never detects.
 */
export class FormatStream implements LineClassifier {
  #settled: LogFormat | null = null;
  readonly #votes: (LogFormat | null)[];
  #votePos = 0;
  readonly #misses: Uint8Array;
  #missPos = 0;
  #missCount = 0;
  #sinceRecheck = 0;
  /** Shared result of the fast path, so a settled line costs no allocation. */
  #settledDetection: Detection | null = null;
  /** The stream of the messages inside a wrapper format's lines (Docker, CRI, journald). */
  #inner: FormatStream | null = null;

  constructor(
    readonly registry: FormatRegistry,
    readonly pinned: LogFormat | null = null,
    private readonly options: FormatStreamOptions = DEFAULT_STREAM_OPTIONS,
  ) {
    this.#votes = new Array<LogFormat | null>(options.settleWindow).fill(null);
    this.#misses = new Uint8Array(options.missWindow);
    if (pinned !== null) this.#settle(pinned);
  }

  /** The format the stream settled on (the pinned one when pinned), or null. */
  get settled(): LogFormat | null {
    return this.#settled;
  }

  get inner(): FormatStream {
    return (this.#inner ??= new FormatStream(this.registry, null, this.options));
  }

  /** The format of one line (and its decoded object when it is JSON). */
  detectLine(line: string): Detection {
    const pinned = this.pinned;
    if (pinned !== null) return pinnedDetection(pinned, line);
    const settled = this.#settled;
    if (settled === null) {
      const found = this.registry.detectLine(line);
      this.#vote(found.format);
      return found;
    }
    if (settled === TEXT_FORMAT) {
      if (++this.#sinceRecheck < this.options.textRecheckEvery) return TEXT_DETECTION;
      this.#sinceRecheck = 0;
      const found = this.registry.detectLine(line);
      // A recognisable line in a text stream: settle again from scratch.
      if (found.format !== TEXT_FORMAT) this.#unsettle();
      return found;
    }
    if (settled.kind === 'line') {
      if (safeDetect(settled, line)) {
        this.#track(true);
        return this.#settledDetection as Detection;
      }
    } else if (looksLikeJsonObject(line)) {
      const doc = parseJsonObject(line);
      if (doc !== null && (settled === GENERIC_JSON_FORMAT || safeDetect(settled, doc))) {
        // The generic format takes any object; a more specific one may claim this object.
        if (settled !== GENERIC_JSON_FORMAT) this.#track(true);
        const format = settled === GENERIC_JSON_FORMAT ? this.#specificOrGeneric(doc) : settled;
        return { format, doc };
      }
    }
    const found = this.registry.detectLine(line);
    this.#track(false);
    return found;
  }

  /** The format of a decoded JSON document (shipper documents, JSON lines). */
  detectDoc(doc: Readonly<Record<string, unknown>>): JsonFormat {
    const pinned = this.pinned;
    if (pinned !== null) return pinned.kind === 'json' ? pinned : GENERIC_JSON_FORMAT;
    const settled = this.#settled;
    if (settled === null) {
      const found = this.registry.detectDoc(doc);
      this.#vote(found);
      return found;
    }
    if (settled === GENERIC_JSON_FORMAT) return this.#specificOrGeneric(doc);
    if (settled.kind === 'json' && safeDetect(settled, doc)) {
      this.#track(true);
      return settled;
    }
    const found = this.registry.detectDoc(doc);
    this.#track(false);
    return found;
  }

  /** LineClassifier: does the settled format take this line as the start of a record? */
  startsRecord(line: string): boolean {
    const settled = this.#settled;
    if (settled === null || settled === TEXT_FORMAT) return false;
    if (settled.kind === 'json') return looksLikeJsonObject(line);
    return safeDetect(settled, line);
  }

  get startLineOnly(): boolean {
    return this.#settled?.startLine === true;
  }

  /** Settled on the generic format: re-check one object in `textRecheckEvery` for a specific one. */
  #specificOrGeneric(doc: Readonly<Record<string, unknown>>): JsonFormat {
    if (++this.#sinceRecheck < this.options.textRecheckEvery) {
      this.#track(true);
      return GENERIC_JSON_FORMAT;
    }
    this.#sinceRecheck = 0;
    const found = this.registry.detectDoc(doc);
    this.#track(found === GENERIC_JSON_FORMAT);
    return found;
  }

  #vote(format: LogFormat): void {
    const votes = this.#votes;
    votes[this.#votePos] = format;
    this.#votePos = (this.#votePos + 1) % votes.length;
    let count = 0;
    for (let i = 0; i < votes.length; i++) if (votes[i] === format) count++;
    // Text only wins a full window: continuation lines of a real format must not outvote it.
    const needed = format === TEXT_FORMAT ? votes.length : this.options.settleAfter;
    if (count >= needed) this.#settle(format);
  }

  #settle(format: LogFormat): void {
    this.#settled = format;
    this.#settledDetection = Object.freeze({ format, doc: null });
    this.#misses.fill(0);
    this.#missCount = 0;
    this.#sinceRecheck = 0;
  }

  #unsettle(): void {
    this.#settled = null;
    this.#settledDetection = null;
    this.#votes.fill(null);
    this.#votePos = 0;
  }

  /** Records a hit or a miss of the settled format; too many misses unsettle the stream. */
  #track(hit: boolean): void {
    const misses = this.#misses;
    const pos = this.#missPos;
    this.#missCount += (hit ? 0 : 1) - (misses[pos] as number);
    misses[pos] = hit ? 0 : 1;
    this.#missPos = (pos + 1) % misses.length;
    if (this.#missCount >= this.options.maxMisses) this.#unsettle();
  }
}

const TEXT_DETECTION: Detection = Object.freeze({ format: TEXT_FORMAT, doc: null });

function pinnedDetection(pinned: LogFormat, line: string): Detection {
  if (pinned.kind === 'line') return { format: pinned, doc: null };
  const doc = looksLikeJsonObject(line) ? parseJsonObject(line) : null;
  return doc === null ? TEXT_DETECTION : { format: pinned, doc };
}
