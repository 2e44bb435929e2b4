import { appTestFormat, slowTestFormat } from '../../../test/factories/log-format.factory';
import {
  type JoinedRecord,
  type LineClassifier,
  Multiline,
  type MultilineOptions,
} from './multiline';

/** No settled format: only the language rules and indentation decide. */
const unsettled: LineClassifier = { startsRecord: () => false, startLineOnly: false };
/** Settled on a log4j-like format. */
const settledOnApp: LineClassifier = {
  startsRecord: (line) => appTestFormat.detect(line),
  startLineOnly: false,
};

function join(
  text: string,
  classifier: LineClassifier = unsettled,
  options: MultilineOptions = { maxLines: 500, maxBytes: 1 << 20, timeoutMs: 1000 },
): JoinedRecord<number, number>[] {
  const out: JoinedRecord<number, number>[] = [];
  const sut = new Multiline<number, number>(options, (r) => out.push(r));
  text.split('\n').forEach((line, i) => {
    if (!sut.append(line, i, 0, classifier)) sut.start(line, i, i, 0);
  });
  sut.end();
  return out;
}

const texts = (records: JoinedRecord<number, number>[]) => records.map((r) => r.text);

describe(Multiline.name, () => {
  it('joins a Java stack trace with causes, suppressed and elided frames', () => {
    const trace = [
      '2026-11-26 10:00:02,500 [ERROR] com.shop.Pay - payment failed',
      'java.lang.IllegalStateException: provider refused: card expired',
      '\tat com.shop.pay.Provider.charge(Provider.java:88)',
      '\tat com.shop.pay.PaymentService.pay(PaymentService.java:41)',
      '\tSuppressed: java.io.IOException: close failed',
      '\t\tat com.shop.pay.Conn.close(Conn.java:12)',
      'Caused by: java.net.SocketTimeoutException: Read timed out',
      '\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)',
      '\t... 12 more',
    ].join('\n');
    const next = '2026-11-26 10:00:03,000 [INFO] com.shop.Cart - cart 18 saved';
    const records = join(`${trace}\n${next}`, settledOnApp);
    expect(texts(records)).toEqual([trace, next]);
    expect(records[0]!.owners).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(records[1]!.head).toBe(9);
  });

  it('joins an uncaught Java exception printed without a logger', () => {
    const trace = [
      'Exception in thread "main" java.lang.NullPointerException: name',
      '\tat com.example.App.greet(App.java:14)',
      '\tat com.example.App.main(App.java:5)',
    ].join('\n');
    expect(texts(join(`started\n${trace}\nnext line`))).toEqual(['started', trace, 'next line']);
  });

  it('joins a Python traceback to the log line before it, up to the exception line', () => {
    const record = [
      'ERROR:root:could not sync orders',
      'Traceback (most recent call last):',
      '  File "/app/sync.py", line 42, in run',
      '    resp = client.fetch(url)',
      '  File "/usr/lib/python3.11/site-packages/requests/api.py", line 73, in get',
      '    return request("get", url, params=params, **kwargs)',
      "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api', port=443)",
    ].join('\n');
    expect(texts(join(`${record}\nINFO:root:retrying`))).toEqual([record, 'INFO:root:retrying']);
  });

  it('keeps chained Python exceptions in one record', () => {
    const record = [
      'Traceback (most recent call last):',
      '  File "job.py", line 3, in <module>',
      '    int("x")',
      "ValueError: invalid literal for int() with base 10: 'x'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "job.py", line 5, in <module>',
      '    raise RuntimeError("bad input")',
      'RuntimeError: bad input',
    ].join('\n');
    expect(texts(join(`${record}\nworker exited`))).toEqual([record, 'worker exited']);
  });

  it('joins a Go panic with its goroutine dump and exit status', () => {
    const record = [
      'panic: runtime error: index out of range [5] with length 3',
      '',
      'goroutine 1 [running]:',
      'main.lookup(...)',
      '\t/src/app/main.go:12',
      'main.main()',
      '\t/src/app/main.go:8 +0x1d',
      'exit status 2',
    ].join('\n');
    expect(texts(join(`${record}\nrestarting`))).toEqual([record, 'restarting']);
  });

  it('joins a Node uncaught error: source line, caret, error and frames', () => {
    const record = [
      '/app/server.js:27',
      "    throw new Error('config missing: DATABASE_URL');",
      '    ^',
      '',
      'Error: config missing: DATABASE_URL',
      '    at loadConfig (/app/server.js:27:11)',
      '    at Object.<anonymous> (/app/server.js:40:1)',
      '    at Module._compile (node:internal/modules/cjs/loader:1256:14)',
      '',
      'Node.js v20.11.0',
    ].join('\n');
    expect(texts(join(`${record}\nlistening on 3000`))).toEqual([record, 'listening on 3000']);
  });

  it('joins a .NET console record: indented message, inner exception and frames', () => {
    const record = [
      'fail: Microsoft.AspNetCore.Server.Kestrel[13]',
      '      Connection id "0HN1", Request id "0HN1:00000002": An unhandled exception was thrown by the application.',
      '      System.InvalidOperationException: Sequence contains no elements',
      '       ---> System.ArgumentException: bad id',
      '         at Shop.Orders.Find(Int32 id) in /src/Orders.cs:line 31',
      '         --- End of inner exception stack trace ---',
      '         at Shop.Controllers.OrdersController.Get(Int32 id) in /src/OrdersController.cs:line 18',
    ].join('\n');
    const next = 'info: Microsoft.Hosting.Lifetime[0]';
    expect(texts(join(`${record}\n${next}`))).toEqual([record, next]);
  });

  it('with a settled format, an indented line the format detects still starts a record', () => {
    const classifier: LineClassifier = {
      startsRecord: (line) => line.startsWith('  [job]'),
      startLineOnly: false,
    };
    expect(texts(join('  [job] one\n    detail\n  [job] two', classifier))).toEqual([
      '  [job] one\n    detail',
      '  [job] two',
    ]);
  });

  it('lets a start-line format claim every line it does not detect', () => {
    const classifier: LineClassifier = {
      startsRecord: (line) => slowTestFormat.detect(line),
      startLineOnly: true,
    };
    const entry = [
      '# Time: 2026-11-26T10:00:00Z',
      '# User@Host: shop[shop] @ app-1 [10.0.0.7]',
      '# Query_time: 2.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 90000',
      'SET timestamp=1795687200;',
      'SELECT * FROM orders WHERE note LIKE "%x%";',
    ].join('\n');
    expect(texts(join(`${entry}\n${entry}`, classifier))).toEqual([entry, entry]);
  });

  it('does not join unrelated plain lines', () => {
    expect(texts(join('one\ntwo\nthree'))).toEqual(['one', 'two', 'three']);
  });

  it('never joins a JSON line', () => {
    expect(texts(join('first\n{"a":1}'))).toEqual(['first', '{"a":1}']);
  });

  it('caps a record at maxLines and starts a new one', () => {
    const lines = ['boom', ...Array.from({ length: 9 }, (_, i) => `\tat f${i}(A.java:${i})`)];
    const records = join(lines.join('\n'), unsettled, {
      maxLines: 4,
      maxBytes: 1 << 20,
      timeoutMs: 1000,
    });
    expect(records.map((r) => r.lineCount)).toEqual([4, 4, 2]);
    expect(records.flatMap((r) => r.owners)).toEqual([...lines.keys()]);
  });

  it('caps a record at maxBytes (UTF-8)', () => {
    const records = join(`héé\n  ${'é'.repeat(10)}`, unsettled, {
      maxLines: 100,
      maxBytes: 20,
      timeoutMs: 1000,
    });
    expect(records).toHaveLength(2);
  });

  it('emits a pending record after the timeout, not before', () => {
    const out: string[] = [];
    const sut = new Multiline<null, number>(
      { maxLines: 100, maxBytes: 1 << 20, timeoutMs: 1000 },
      (r) => out.push(r.text),
    );
    sut.start('boom', null, 0, 10_000);
    expect(sut.append('\tat x(A.java:1)', 1, 10_500, unsettled)).toBe(true);
    sut.flushDue(11_400);
    expect(out).toEqual([]);
    sut.flushDue(11_500);
    expect(out).toEqual(['boom\n\tat x(A.java:1)']);
    expect(sut.pending).toBe(false);
  });

  it('drops trailing blank lines from the record', () => {
    expect(texts(join('panic: x\n\ngoroutine 1 [running]:\n\n'))).toEqual([
      'panic: x\n\ngoroutine 1 [running]:',
    ]);
  });
});
