import { splitRecord } from './multiline-record';

describe(splitRecord.name, () => {
  it('takes the first line and the top Java exception type', () => {
    const record = [
      'ERROR Failed to process order 42',
      'java.lang.IllegalStateException: order 42 is closed',
      '\tat com.acme.Orders.process(Orders.java:10)',
      'Caused by: java.io.IOException: socket closed',
      '\tat com.acme.Net.read(Net.java:5)',
    ].join('\n');
    expect(splitRecord(record)).toEqual({
      message: 'ERROR Failed to process order 42',
      exceptionType: 'java.lang.IllegalStateException',
    });
  });

  it('takes the last exception line of a Python traceback', () => {
    const record = [
      'Task 7 crashed',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      '    main()',
      'ValueError: bad value 7',
    ].join('\n');
    expect(splitRecord(record)).toEqual({ message: 'Task 7 crashed', exceptionType: 'ValueError' });
  });

  it('returns the first non-empty line alone when there is no exception', () => {
    expect(splitRecord('\nfirst line\r\nsecond line')).toEqual({ message: 'first line' });
  });
});
