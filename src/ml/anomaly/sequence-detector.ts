import { RecencyList, type RecencyLinked } from '../templates/recency-list';
import {
  type Candidate,
  checkSettings,
  clampScore,
  type DetectorSettings,
  type Observation,
  type StreamingDetector,
} from './detector';
import { SequenceModel, type SequenceModelState } from './sequence-model';

/** Options of a {@link SequenceDetector}. */
export interface SequenceDetectorOptions {
  /** n of the n-gram model (default 3: a step is judged by the two before it). */
  n?: number;
  /** A session ends after this much event time without a record, ms (default 60 s). */
  sessionIdleMs?: number;
  /** Open sessions kept per tenant (default 100,000); the least recently active is ended. */
  maxSessions?: number;
  /** Cap on the model's history contexts (default 100,000). */
  maxContexts?: number;
  /** DeepLog's fixed top-k rule instead of the adaptive probability-mass rule (0 = adaptive). */
  topK?: number;
}

/** The persisted form of one open session. */
interface SessionState {
  key: string;
  firstAt: number;
  lastAt: number;
  count: number;
  run: number;
  flagged: boolean;
  history: number[];
  prefix: number[];
  tail: number[];
  firstLogIds: string[];
  lastLogIds: string[];
}

interface Session extends SessionState, RecencyLinked<Session> {}

/** The persisted form of a {@link SequenceDetector}. */
export interface SequenceDetectorState {
  options: Required<SequenceDetectorOptions>;
  tenantStart: number | null;
  clock: number;
  model: SequenceModelState;
  /** Template by token id (null for START/END). */
  templates: (string | null)[];
  /** Open sessions, least recently active first. */
  sessions: SessionState[];
}

const PREFIX = 40;
const TAIL = 10;
/** Joins service and pattern id in a token; not NUL, which a jsonb checkpoint cannot hold. */
const TOKEN_SEPARATOR = '\u001f';

/**
 * Flags sessions (traces, HDFS blocks, ...) whose sequence of log patterns breaks the usual
 * order: an unexpected next step (skipped step, reorder, a branch never taken), a dead end (the
 * session stops where sessions never stop) and retry storms (one step repeated far more often
 * in a row than ever learned). Next-step prediction after DeepLog (Du et al., CCS 2017), with
 * the count-based {@link SequenceModel}. A session may cross services: its tokens are
 * (service, pattern) pairs; a candidate belongs to the service the session entered through, and
 * its explanation names the service where the break happened.
 *
 * During the first `learningMs` of tenant event time every session trains the model; after
 * that, sessions keep training it up to the point where they break (at most one candidate per
 * session), so the model follows slow drift but not the anomalies. Breaks are raised at once in
 * `observe`; dead ends when the session idles out (`advance`, or when an observe moves the
 * clock). Memory: `maxSessions` open sessions (the least recently active is ended, and judged,
 * when a new one would exceed it), each keeping its last n-1 tokens, the first 40 and last 10
 * pattern ids and five log ids; the model is bounded by `maxContexts`.
 *
 * @example
 *   const detector = new SequenceDetector(DEFAULT_DETECTOR_SETTINGS, { sessionIdleMs: 30_000 });
 *   const out: Candidate[] = [];
 *   for (const o of observations) detector.observe(o, out);
 *   detector.advance(Date.parse('2026-01-01T00:10:00Z'), out);
 */
export class SequenceDetector implements StreamingDetector<SequenceDetectorState> {
  readonly kind = 'sequence' as const;
  readonly #options: Required<SequenceDetectorOptions>;
  #model: SequenceModel;
  #tokens = new Map<string, Map<string, number>>();
  #templates: (string | null)[] = [null, null];
  #sessions = new Map<string, Session>();
  #recency = new RecencyList<Session>();
  #tenantStart: number | null = null;
  #clock = -Infinity;
  readonly #mass: number;
  readonly #minSupport: number;
  readonly #runFactor: number;

  constructor(
    private readonly settings: DetectorSettings,
    options: SequenceDetectorOptions = {},
  ) {
    this.#options = {
      n: options.n ?? 3,
      sessionIdleMs: options.sessionIdleMs ?? 60_000,
      maxSessions: options.maxSessions ?? 100_000,
      maxContexts: options.maxContexts ?? 100_000,
      topK: options.topK ?? 0,
    };
    if (!(this.#options.sessionIdleMs > 0)) throw new RangeError('sessionIdleMs must be > 0');
    if (!(this.#options.maxSessions >= 1)) throw new RangeError('maxSessions must be >= 1');
    checkSettings(settings);
    const s = settings.sensitivity;
    this.#model = new SequenceModel({ n: this.#options.n, maxContexts: this.#options.maxContexts });
    this.#mass = 1 - 0.01 * s;
    this.#minSupport = Math.max(1, Math.round(20 * (1 - s)));
    this.#runFactor = 1 + 2 * (1 - s);
  }

  /** The model (read it, e.g. for statistics; do not train it from outside). */
  get model(): SequenceModel {
    return this.#model;
  }

  get openSessions(): number {
    return this.#sessions.size;
  }

  observe(o: Observation, out: Candidate[]): void {
    this.#tenantStart ??= o.at;
    if (o.at > this.#clock) {
      this.#clock = o.at;
      this.#expire(out);
    }
    if (o.sessionKey === null) return;
    const token = this.#tokenId(o);
    let s = this.#sessions.get(o.sessionKey);
    if (!s) s = this.#open(o, out);
    if (o.at > s.lastAt) s.lastAt = o.at;
    this.#recency.touch(s);
    const last = s.history[s.history.length - 1]!;
    if (!s.flagged) {
      if (token === last) s.run++;
      else {
        if (s.count > 0) this.#model.noteRun(last, s.run);
        s.run = 1;
      }
      if (!this.#learning(o.at)) this.#check(s, o, token, last, out);
      if (!s.flagged) this.#model.learnIds(s.history, s.history.length, token);
    }
    this.#append(s, o, token);
  }

  advance(now: number, out: Candidate[]): void {
    if (now > this.#clock) {
      this.#clock = now;
      this.#expire(out);
    }
  }

  toState(): SequenceDetectorState {
    const sessions: SessionState[] = [];
    for (let s = this.#recency.oldest; s; s = s.newer) sessions.push(copySession(s));
    return {
      options: { ...this.#options },
      tenantStart: this.#tenantStart,
      clock: this.#clock,
      model: this.#model.toState(),
      templates: [...this.#templates],
      sessions,
    };
  }

  static fromState(state: SequenceDetectorState, settings: DetectorSettings): SequenceDetector {
    const d = new SequenceDetector(settings, state.options);
    d.#model = SequenceModel.fromState(state.model);
    d.#templates = [...state.templates];
    d.#tenantStart = state.tenantStart;
    d.#clock = state.clock;
    for (let id = 2; id < state.templates.length; id++) {
      const t = d.#model.token(id);
      const cut = t.indexOf(TOKEN_SEPARATOR);
      const service = t.slice(0, cut);
      let byPattern = d.#tokens.get(service);
      if (!byPattern) d.#tokens.set(service, (byPattern = new Map<string, number>()));
      byPattern.set(t.slice(cut + 1), id);
    }
    for (const plain of state.sessions) {
      const s: Session = { ...copySession(plain), newer: undefined, older: undefined };
      d.#sessions.set(s.key, s);
      d.#recency.touch(s);
    }
    return d;
  }

  #learning(at: number): boolean {
    return at < (this.#tenantStart ?? at) + this.settings.learningMs;
  }

  #tokenId(o: Observation): number {
    let byPattern = this.#tokens.get(o.service);
    if (!byPattern) this.#tokens.set(o.service, (byPattern = new Map<string, number>()));
    let id = byPattern.get(o.patternId);
    if (id === undefined) {
      id = this.#model.tokenId(`${o.service}${TOKEN_SEPARATOR}${o.patternId}`);
      byPattern.set(o.patternId, id);
    }
    this.#templates[id] = o.template;
    return id;
  }

  #open(o: Observation, out: Candidate[]): Session {
    while (this.#sessions.size >= this.#options.maxSessions && this.#recency.oldest) {
      this.#end(this.#recency.oldest, out);
    }
    const s: Session = {
      key: o.sessionKey!,
      firstAt: o.at,
      lastAt: o.at,
      count: 0,
      run: 0,
      flagged: false,
      history: [SequenceModel.START],
      prefix: [],
      tail: [],
      firstLogIds: [],
      lastLogIds: [],
      newer: undefined,
      older: undefined,
    };
    this.#sessions.set(s.key, s);
    return s;
  }

  #append(s: Session, o: Observation, token: number): void {
    const h = s.history;
    if (h.length < this.#options.n - 1) h.push(token);
    else {
      for (let i = 1; i < h.length; i++) h[i - 1] = h[i]!;
      h[h.length - 1] = token;
    }
    if (s.prefix.length < PREFIX) s.prefix.push(token);
    else s.tail[(s.count - PREFIX) % TAIL] = token;
    if (s.firstLogIds.length < 3) s.firstLogIds.push(o.logId);
    else s.lastLogIds[(s.count - 3) % 2] = o.logId;
    s.count++;
  }

  #check(s: Session, o: Observation, token: number, last: number, out: Candidate[]): void {
    const seen = this.#model.runLength(token, this.#mass);
    if (token === last && seen > 0 && s.run > Math.ceil(seen * this.#runFactor) + 2) {
      const score = 0.6 + (0.3 * (s.run - seen)) / (s.run + seen);
      const text = `session ${s.key} repeated ${this.#name(token)} ${s.run} times in a row on ${o.service} (usually at most ${seen})`;
      this.#raise(s, o.service, o.at, o.at, score, text, [token], o, out);
      return;
    }
    const support = this.#model.surprise(
      s.history,
      s.history.length,
      token,
      this.#options.topK,
      this.#mass,
      this.#minSupport,
    );
    if (support < this.#minSupport) return;
    const expected = this.#expectedText(s);
    const text =
      last === SequenceModel.START
        ? `session ${s.key} started with ${this.#name(token)} on ${o.service} (sessions start with ${expected})`
        : `session ${s.key} broke its usual sequence on ${o.service}: ${this.#name(last)} was followed by ${this.#name(token)} (expected ${expected})`;
    const involved = last === SequenceModel.START ? [token] : [token, last];
    this.#raise(s, o.service, o.at, o.at, supportScore(support), text, involved, o, out);
  }

  #expire(out: Candidate[]): void {
    const horizon = this.#clock - this.#options.sessionIdleMs;
    while (this.#recency.oldest && this.#recency.oldest.lastAt <= horizon) {
      this.#end(this.#recency.oldest, out);
    }
  }

  #end(s: Session, out: Candidate[]): void {
    this.#recency.remove(s);
    this.#sessions.delete(s.key);
    if (s.flagged || s.count === 0) return;
    const last = s.history[s.history.length - 1]!;
    this.#model.noteRun(last, s.run);
    if (!this.#learning(s.lastAt)) {
      const support = this.#model.surprise(
        s.history,
        s.history.length,
        SequenceModel.END,
        this.#options.topK,
        this.#mass,
        this.#minSupport,
      );
      if (support >= this.#minSupport) {
        const service = this.#service(last);
        const text = `session ${s.key} stopped after ${this.#name(last)} on ${service}, where sessions do not stop (expected ${this.#expectedText(s)} next)`;
        this.#raise(
          s,
          service,
          s.firstAt,
          s.lastAt,
          supportScore(support),
          text,
          [last],
          null,
          out,
        );
        return;
      }
    }
    this.#model.learnIds(s.history, s.history.length, SequenceModel.END);
  }

  #raise(
    s: Session,
    service: string,
    from: number,
    to: number,
    score: number,
    explanation: string,
    involved: number[],
    current: Observation | null,
    out: Candidate[],
  ): void {
    s.flagged = true;
    const seen = [...s.firstLogIds, ...ringOrder(s.lastLogIds, s.count - 3)];
    if (current) seen.push(current.logId);
    const unique = [...new Set(seen)];
    const logIds = unique.length <= 5 ? unique : [...unique.slice(0, 2), ...unique.slice(-3)];
    const tokens = [...s.prefix, ...ringOrder(s.tail, s.count - PREFIX)];
    if (current) tokens.push(involved[0]!);
    const sequence = tokens.slice(-50).map((t) => this.#pattern(t));
    // The anomaly belongs to the service the session entered through (where its requests fail);
    // the explanation says where the break was seen.
    const first = s.prefix[0];
    out.push({
      kind: this.kind,
      service: first === undefined ? service : this.#service(first),
      subject: s.key,
      from,
      to,
      score: clampScore(score),
      explanation,
      evidence: {
        patternIds: involved.map((t) => this.#pattern(t)),
        templates: involved.map((t) => this.#templates[t] ?? ''),
        exampleLogIds: logIds,
        sessionKey: s.key,
        sequence,
      },
    });
  }

  #expectedText(s: Session): string {
    const likely = this.#model.likely(s.history, s.history.length, 2, this.#minSupport);
    return likely.length === 0 ? 'nothing' : likely.map((t) => this.#name(t)).join(' or ');
  }

  #name(token: number): string {
    if (token === SequenceModel.END) return 'the end of the session';
    if (token === SequenceModel.START) return 'the start of the session';
    return `\`${this.#templates[token] ?? this.#pattern(token)}\``;
  }

  #service(token: number): string {
    const t = this.#model.token(token);
    return t.slice(0, t.indexOf(TOKEN_SEPARATOR));
  }

  #pattern(token: number): string {
    const t = this.#model.token(token);
    return t.slice(t.indexOf(TOKEN_SEPARATOR) + 1);
  }
}

function copySession(s: SessionState): SessionState {
  return {
    key: s.key,
    firstAt: s.firstAt,
    lastAt: s.lastAt,
    count: s.count,
    run: s.run,
    flagged: s.flagged,
    history: [...s.history],
    prefix: [...s.prefix],
    tail: [...s.tail],
    firstLogIds: [...s.firstLogIds],
    lastLogIds: [...s.lastLogIds],
  };
}

/** More evidence (the history seen more often) makes a break more certain. */
function supportScore(support: number): number {
  return 0.5 + (0.4 * support) / (support + 50);
}

/** A ring's items oldest first, given how many were written (`written` may be <= 0). */
function ringOrder<T>(ring: readonly T[], written: number): T[] {
  if (written <= 0) return [];
  if (written <= ring.length) return ring.slice(0, written);
  const start = written % ring.length;
  return [...ring.slice(start), ...ring.slice(0, start)];
}
