import { templateId } from './template-id';
import { TemplateMiner } from './template-miner';

describe(TemplateMiner.name, () => {
  it('generalises differing words into <*> and returns the values behind each <*>', () => {
    const sut = new TemplateMiner();
    const first = sut.add('Invalid user alice from 10.0.0.1');
    expect(first).toMatchObject({
      template: 'Invalid user alice from <*>',
      parameters: ['10.0.0.1'],
      isNew: true,
      changed: false,
    });
    const second = sut.add('Invalid user bob from 10.0.0.2');
    expect(second).toMatchObject({
      template: 'Invalid user <*> from <*>',
      parameters: ['bob', '10.0.0.2'],
      isNew: false,
      changed: true,
    });
    expect(sut.add('Invalid user carol from 10.0.0.3')).toMatchObject({
      patternId: second.patternId,
      changed: false,
    });
    expect(sut.stats.patterns).toBe(1);
  });

  it('keeps lines whose leading words differ apart, even when most words agree', () => {
    const sut = new TemplateMiner();
    const a = sut.add('cupsd startup succeeded');
    const b = sut.add('cupsd shutdown succeeded');
    expect(a.patternId).not.toBe(b.patternId);
    expect(sut.add('cupsd startup succeeded').patternId).toBe(a.patternId);
  });

  it('lets an over-generalised template take exact fits but not generalise further', () => {
    const sut = new TemplateMiner();
    const first = sut.add('u_a v_a w_a x y z').patternId;
    for (const line of ['u_b v_a w_a x y z', 'u_b v_b w_a x y z', 'u_c v_c w_c x y z'])
      sut.add(line);
    const general = sut.resolve(first)!;
    expect(sut.patterns().map((p) => p.template)).toEqual(['<*> <*> <*> x y z']);
    expect(sut.add('u_e v_e w_e x y z')).toMatchObject({ patternId: general, changed: false });
    // Only x and y repeat, and the 3 generalised positions count against it: 2/6 < 0.5.
    expect(sut.add('u_d v_d w_d x y q')).toMatchObject({
      isNew: true,
      template: 'u_d v_d w_d x y q',
    });
  });

  it('does not let a masked variable or a word with digits key the tree', () => {
    const sut = new TemplateMiner();
    const ids = new Set(
      [
        '10.0.0.1 connected ok',
        '10.0.0.2 connected ok',
        'node7 connected ok',
        'node8 connected ok',
      ].map((l) => sut.add(l).patternId),
    );
    expect(sut.patterns().map((p) => p.template)).toEqual(['<*> connected ok']);
    expect(ids.size).toBeLessThanOrEqual(2);
  });

  it('derives ids from tenant, service and template, so another instance agrees', () => {
    const lines = ['Job 1 started by alice', 'Job 2 started by bob', 'disk full on /dev/sda1'];
    const a = new TemplateMiner({ tenant: 't1', service: 'api' });
    const b = new TemplateMiner({ tenant: 't1', service: 'api' });
    const c = new TemplateMiner({ tenant: 't2', service: 'api' });
    const ra = lines.map((l) => a.add(l));
    const rb = lines.map((l) => b.add(l));
    const rc = lines.map((l) => c.add(l));
    expect(ra.map((r) => r.patternId)).toEqual(rb.map((r) => r.patternId));
    expect(ra[1]!.patternId).not.toBe(rc[1]!.patternId);
    expect(ra[1]!.patternId).toBe(templateId('t1', 'api', 'Job <*> started by <*>'));
  });

  it('keeps the id a template had before it generalised as an alias', () => {
    const sut = new TemplateMiner();
    const before = sut.add('Job 1 started by alice').patternId;
    const changed = sut.add('Job 2 started by bob');
    expect(changed).toMatchObject({ changed: true, previousId: before });
    const after = changed.patternId;
    expect(after).not.toBe(before);
    expect(sut.resolve(before)).toBe(after);
    expect(sut.resolve(after)).toBe(after);
    expect(sut.resolve('unknown')).toBeUndefined();
    expect(sut.patterns()[0]!.aliases).toEqual([before]);
  });

  it('matches without learning', () => {
    const sut = new TemplateMiner();
    sut.add('Job 1 started by alice');
    sut.add('Job 2 started by bob');
    const m = sut.match('Job 3 started by carol');
    expect(m).toMatchObject({
      template: 'Job <*> started by <*>',
      parameters: ['3', 'carol'],
      isNew: false,
    });
    expect(sut.match('something else entirely')).toBeUndefined();
    expect(sut.stats).toMatchObject({ patterns: 1, lines: 2 });
  });

  it('forms one pattern per first line and exception type from multi-line records', () => {
    const sut = new TemplateMiner();
    const trace = (id: number, type: string): string =>
      `Request ${id} failed\n${type}: boom ${id}\n\tat com.acme.Api.handle(Api.java:${id})\n\tat com.acme.Server.run(Server.java:9)`;
    const a = sut.add(trace(1, 'java.lang.IllegalStateException'));
    const b = sut.add(trace(2, 'java.lang.IllegalStateException'));
    const c = sut.add(trace(3, 'java.io.IOException'));
    expect(a.patternId).toBe(b.patternId);
    expect(c.patternId).not.toBe(a.patternId);
    expect(b.template).toBe('Request <*> failed\njava.lang.IllegalStateException');
    expect(b.parameters).toEqual(['2']);
    expect(sut.stats.patterns).toBe(2);
  });

  it('keeps a flood of variable-heavy lines to a handful of patterns', () => {
    const sut = new TemplateMiner();
    for (let i = 0; i < 20_000; i++) {
      sut.add(
        `GET /api/items/${i} from 10.${i % 256}.0.${i % 7} user u${i}x took ${i % 900}ms id=${(i * 7919).toString(16)}ab12 session ${i}-${i * 3}`,
      );
      sut.add(`worker-${i % 50} processed batch ${i} of ${i * 2} in ${i / 10}s`);
    }
    expect(sut.stats.patterns).toBeLessThanOrEqual(5);
  });

  it('applies user patterns before learning, most specific first', () => {
    const sut = new TemplateMiner({ tenant: 't', service: 's' });
    const general = sut.addUserPattern('User <*> logged in');
    const specific = sut.addUserPattern('User <*> logged in from <*>');
    expect(sut.add('User John Smith logged in from 10.0.0.1')).toMatchObject({
      patternId: specific,
      template: 'User <*> logged in from <*>',
      parameters: ['John Smith', '10.0.0.1'],
    });
    expect(sut.add('User bob logged in')).toMatchObject({
      patternId: general,
      parameters: ['bob'],
    });
    expect(sut.stats.patterns).toBe(0);
    expect(sut.removeUserPattern(general)).toBe(true);
    expect(sut.add('User bob logged in').patternId).not.toBe(general);
  });

  it('never generalises a pinned pattern; other lines start their own', () => {
    const sut = new TemplateMiner();
    const pinned = sut.add('backup of db finished').patternId;
    expect(sut.pin(pinned)).toBe(true);
    const other = sut.add('backup of cache finished');
    expect(other.patternId).not.toBe(pinned);
    expect(other.template).toBe('backup of cache finished');
    expect(sut.add('backup of db finished').patternId).toBe(pinned);
  });

  it('merges a pattern into another: its lines report the other id', () => {
    const sut = new TemplateMiner();
    const a = sut.add('cache miss for key').patternId;
    const b = sut.add('cache lookup failed').patternId;
    expect(sut.merge(a, b)).toBe(true);
    expect(sut.add('cache miss for key').patternId).toBe(b);
    expect(sut.resolve(a)).toBe(b);
    expect(sut.merge(b, a)).toBe(false);
  });

  it('caps patterns per tree, evicting the rarest of the least recently matched', () => {
    const sut = new TemplateMiner({ maxPatterns: 10, evictionScan: 3 });
    const word = (n: number): string =>
      n.toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    const frequent = sut.add('alpha beta gamma').patternId;
    for (let r = 0; r < 5; r++) sut.add('alpha beta gamma');
    for (let i = 0; i < 200; i++) sut.add(`${word(i + 30)} ${word(i + 500)} happened`);
    expect(sut.stats.patterns).toBe(10);
    expect(sut.stats.evictions).toBe(191);
    // The frequent pattern was among the least recent several times and always survived.
    expect(sut.resolve(frequent)).toBe(frequent);
  });

  it('rejects invalid options', () => {
    expect(() => new TemplateMiner({ similarity: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxPatterns: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ depth: 1.5 })).toThrow(RangeError);
  });
});
