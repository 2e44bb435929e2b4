import { buildLogRecord } from '../../../test/factories/log-record.factory';
import { LiveSubscription } from '../../common/pubsub/live-subscription';
import type { LogRecord } from './log-record';

describe(LiveSubscription.name, () => {
  it('delivers the backfill before live records, and a record in both only once', async () => {
    const sut = new LiveSubscription<LogRecord>(
      () => true,
      () => undefined,
    );
    const [old, raced, live] = ['old', 'raced', 'live'].map((body) => buildLogRecord({ body }));
    sut.push(raced!);
    sut.push(live!);
    sut.prepend([old!, raced!]);
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push(((await sut.next()).value as { body: string }).body);
    expect(bodies).toEqual(['old', 'raced', 'live']);
  });

  it('hands the first backfilled record to a consumer already waiting', async () => {
    const sut = new LiveSubscription<LogRecord>(
      () => true,
      () => undefined,
    );
    const waiting = sut.next();
    sut.prepend([buildLogRecord({ body: 'a' }), buildLogRecord({ body: 'b' })]);
    expect(((await waiting).value as { body: string }).body).toBe('a');
    expect(((await sut.next()).value as { body: string }).body).toBe('b');
  });

  it('ignores a backfill after close', async () => {
    const sut = new LiveSubscription<LogRecord>(
      () => true,
      () => undefined,
    );
    sut.close();
    sut.prepend([buildLogRecord()]);
    expect((await sut.next()).done).toBe(true);
  });
});
