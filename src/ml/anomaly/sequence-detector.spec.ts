import type { Candidate, DetectorSettings, Observation } from './detector';
import { SeededRandom } from './seeded-random';
import { SequenceDetector, type SequenceDetectorState } from './sequence-detector';

const SETTINGS: DetectorSettings = { windowMs: 60_000, learningMs: 3_600_000, sensitivity: 0.5 };
const T0 = Date.UTC(2026, 0, 1);

type Step = [service: string, patternId: string];

/** gateway → auth → orders (cache hit, or miss → db with up to 3 retries) → payments → gateway. */
function normalFlow(rng: () => number): Step[] {
  const steps: Step[] = [
    ['gateway', 'recv'],
    ['auth', 'ok'],
  ];
  if (rng() < 0.6) steps.push(['orders', 'hit']);
  else {
    steps.push(['orders', 'miss']);
    const tries = 1 + (rng() < 0.2 ? Math.floor(rng() * 3) + 1 : 0);
    for (let i = 0; i < tries; i++) steps.push(['db', 'query']);
  }
  steps.push(['payments', 'charge'], ['gateway', 'done']);
  return steps;
}

let logs = 0;
function play(sut: SequenceDetector, key: string, steps: Step[], at: number, out: Candidate[]) {
  steps.forEach(([service, patternId], i) => {
    const o: Observation = {
      logId: `log-${logs++}`,
      service,
      at: at + i * 10,
      severityNumber: 9,
      patternId,
      template: `${patternId} <*>`,
      newPattern: false,
      params: [],
      sessionKey: key,
    };
    sut.observe(o, out);
  });
}

/** One session per second through the learning hour. */
function trained(): { sut: SequenceDetector; rng: () => number; at: number } {
  const sut = new SequenceDetector(SETTINGS);
  const rng = new SeededRandom(42).next;
  const out: Candidate[] = [];
  let at = T0;
  for (let i = 0; i < 3_700; i++, at += 1_000) play(sut, `train-${i}`, normalFlow(rng), at, out);
  expect(out).toEqual([]);
  return { sut, rng, at };
}

describe(SequenceDetector.name, () => {
  it('does not flag normal sessions after learning', () => {
    const { sut, rng, at } = trained();
    const out: Candidate[] = [];
    for (let i = 0; i < 1_000; i++) play(sut, `n-${i}`, normalFlow(rng), at + i * 1_000, out);
    sut.advance(at + 2_000_000, out);
    expect(out).toEqual([]);
    expect(sut.openSessions).toBe(0);
  });

  it('flags a skipped step at once, in observe, on the service the session entered through', () => {
    const { sut, at } = trained();
    const out: Candidate[] = [];
    play(
      sut,
      'skip',
      [
        ['gateway', 'recv'],
        ['orders', 'hit'],
      ],
      at,
      out,
    );
    expect(out).toHaveLength(1);
    const c = out[0]!;
    expect(c).toMatchObject({
      kind: 'sequence',
      service: 'gateway',
      subject: 'skip',
      from: at + 10,
    });
    expect(c.explanation).toContain('`ok <*>`');
    expect(c.explanation).toContain('on orders');
    expect(c.evidence.patternIds).toEqual(['hit', 'recv']);
    expect(c.evidence.sequence).toEqual(['recv', 'hit']);
    expect(c.evidence.sessionKey).toBe('skip');
    expect(c.score).toBeGreaterThan(0.5);
    play(
      sut,
      'skip',
      [
        ['payments', 'charge'],
        ['db', 'query'],
      ],
      at + 100,
      out,
    );
    expect(out).toHaveLength(1);
  });

  it('flags a dead end when the session idles out', () => {
    const { sut, at } = trained();
    const out: Candidate[] = [];
    play(
      sut,
      'dead',
      [
        ['gateway', 'recv'],
        ['auth', 'ok'],
      ],
      at,
      out,
    );
    expect(out).toEqual([]);
    sut.advance(at + 30_000, out);
    expect(out).toEqual([]);
    sut.advance(at + 70_000, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ service: 'gateway', subject: 'dead', from: at, to: at + 10 });
    expect(out[0]!.explanation).toContain('on auth');
    expect(out[0]!.explanation).toContain('stopped after `ok <*>`');
  });

  it('flags a retry storm', () => {
    const { sut, at } = trained();
    const out: Candidate[] = [];
    const storm: Step[] = [
      ['gateway', 'recv'],
      ['auth', 'ok'],
      ['orders', 'miss'],
    ];
    for (let i = 0; i < 30; i++) storm.push(['db', 'query']);
    play(sut, 'storm', storm, at, out);
    expect(out).toHaveLength(1);
    expect(out[0]!.service).toBe('gateway');
    expect(out[0]!.explanation).toContain('on db');
    expect(out[0]!.explanation).toMatch(/repeated `query <\*>` \d+ times in a row/);
    expect(out[0]!.evidence.exampleLogIds.length).toBeLessThanOrEqual(5);
  });

  it('ignores records without a session and raises nothing while learning', () => {
    const sut = new SequenceDetector(SETTINGS);
    const out: Candidate[] = [];
    play(
      sut,
      'a',
      [
        ['x', 'p'],
        ['y', 'q'],
      ],
      T0,
      out,
    );
    play(
      sut,
      'b',
      [
        ['y', 'q'],
        ['x', 'p'],
      ],
      T0 + 1_000,
      out,
    );
    sut.observe(
      {
        logId: 'z',
        service: 'x',
        at: T0 + 2_000,
        severityNumber: 9,
        patternId: 'r',
        template: 'r',
        newPattern: false,
        params: [],
        sessionKey: null,
      },
      out,
    );
    sut.advance(T0 + 600_000, out);
    expect(out).toEqual([]);
  });

  it('caps open sessions, ending the least recently active', () => {
    const sut = new SequenceDetector(SETTINGS, { maxSessions: 10 });
    const out: Candidate[] = [];
    for (let i = 0; i < 50; i++) play(sut, `s${i}`, [['x', 'p']], T0 + i, out);
    expect(sut.openSessions).toBe(10);
  });

  it('restores exactly and continues identically', () => {
    const { sut, rng, at } = trained();
    const out: Candidate[] = [];
    play(sut, 'open-1', [['gateway', 'recv']], at, out);
    const state = JSON.parse(JSON.stringify(sut.toState())) as SequenceDetectorState;
    const restored = SequenceDetector.fromState(state, SETTINGS);
    expect(restored.toState()).toEqual(sut.toState());
    const a: Candidate[] = [];
    const b: Candidate[] = [];
    const flows = Array.from({ length: 50 }, () => normalFlow(rng));
    flows.push([
      ['gateway', 'recv'],
      ['payments', 'charge'],
    ]);
    for (const [i, f] of flows.entries()) {
      const start = logs;
      play(sut, `c-${i}`, f, at + 100 + i * 500, a);
      logs = start;
      play(restored, `c-${i}`, f, at + 100 + i * 500, b);
    }
    const start = logs;
    play(sut, 'open-1', [['auth', 'ok']], at + 40_000, a);
    logs = start;
    play(restored, 'open-1', [['auth', 'ok']], at + 40_000, b);
    sut.advance(at + 200_000, a);
    restored.advance(at + 200_000, b);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThanOrEqual(1);
    expect(restored.toState()).toEqual(sut.toState());
  });

  it('takes a late record into its session without crashing', () => {
    const { sut, at } = trained();
    const out: Candidate[] = [];
    play(sut, 'late', [['gateway', 'recv']], at, out);
    play(sut, 'late', [['auth', 'ok']], at - 5_000, out);
    expect(out).toEqual([]);
    expect(sut.openSessions).toBeGreaterThan(0);
  });

  it('rejects bad options', () => {
    expect(() => new SequenceDetector(SETTINGS, { sessionIdleMs: 0 })).toThrow(RangeError);
    expect(() => new SequenceDetector({ ...SETTINGS, sensitivity: 0 })).toThrow(RangeError);
  });
});
