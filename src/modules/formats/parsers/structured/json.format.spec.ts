import { ecsJsonFormat } from './ecs-json.format';
import { gelfFormat } from './gelf.format';
import { jsonFormat } from './json.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

describe(jsonFormat.name, () => {
  it('does not claim objects without a time, level or message key', () => {
    expect(jsonFormat.detect({ user: 'a', count: 3 })).toBe(false);
    expect(jsonFormat.detect({ user: 'a', msg: 'hi' })).toBe(true);
  });

  it('skips a zero or unreadable time and tries the next key', () => {
    const parsed = jsonFormat.parse({ timestamp: 0, time: 'soon', ts: 1796379302, msg: 'x' }, ctx);
    expect(parsed?.timestamp).toBe(1796379302000);
    expect(parsed?.attributes).toMatchObject({ timestamp: 0, time: 'soon' });
  });

  it('stores an object message as JSON text and leaves null values out', () => {
    const parsed = jsonFormat.parse({ message: { a: 1 }, level: null, extra: null }, ctx);
    expect(parsed).toEqual({ message: '{"a":1}', attributes: {} });
  });

  it('does not take `log` (an ECS namespace) as the message', () => {
    const parsed = jsonFormat.parse({ log: { level: 'warn' }, text: 'hello' }, ctx);
    expect(parsed?.message).toBe('hello');
    expect(parsed?.level).toBe('warn');
  });

  it('refuses trace ids that are not hex', () => {
    const parsed = jsonFormat.parse({ msg: 'x', trace_id: 'not-a-trace' }, ctx);
    expect(parsed?.traceId).toBeUndefined();
    expect(parsed?.attributes?.trace_id).toBe('not-a-trace');
  });
});

describe(gelfFormat.name, () => {
  it('needs version, host and short_message', () => {
    expect(gelfFormat.detect({ version: '1.1', short_message: 'x' })).toBe(false);
    expect(gelfFormat.detect({ version: '1.1', host: 'h', short_message: 3 })).toBe(false);
  });

  it('ignores a level outside 0..7 and the reserved _id', () => {
    const parsed = gelfFormat.parse(
      { version: '1.1', host: 'h', short_message: 'x', level: 9, _id: 'zz', _a: true },
      ctx,
    );
    expect(parsed?.level).toBeUndefined();
    expect(parsed?.attributes).not.toHaveProperty('id');
    expect(parsed?.attributes?.a).toBe(true);
  });
});

describe(ecsJsonFormat.name, () => {
  it('needs @timestamp and an ecs.version string', () => {
    expect(ecsJsonFormat.detect({ '@timestamp': 'x', message: 'm' })).toBe(false);
    expect(ecsJsonFormat.detect({ '@timestamp': 'x', ecs: { version: 8 } })).toBe(false);
    expect(ecsJsonFormat.detect({ '@timestamp': 'x', ecs: { version: '8.0' } })).toBe(true);
  });
});
