import { takeSyslogKey } from './syslog-key';

describe(takeSyslogKey.name, () => {
  it('takes the key and removes its element, keeping the other SD elements', () => {
    const line =
      '<13>1 2026-11-26T14:09:59.833783+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"][vigil@32473 key="vgl_abc"] hello';
    expect(takeSyslogKey(line)).toEqual({
      key: 'vgl_abc',
      line: '<13>1 2026-11-26T14:09:59.833783+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello',
    });
  });

  it('leaves "-" when the key element was the only one, and accepts the short SD-ID', () => {
    expect(takeSyslogKey('<34>1 - host app 42 ID7 [vigil key="k1"] msg')).toEqual({
      key: 'k1',
      line: '<34>1 - host app 42 ID7 - msg',
    });
  });

  it('unescapes the key value and copes with escaped quotes in other elements', () => {
    expect(
      takeSyslogKey('<34>1 - h a - - [x@1 note="say \\"hi\\" ]"][vigil@32473 key="a\\\\b"] m'),
    ).toEqual({ key: 'a\\b', line: '<34>1 - h a - - [x@1 note="say \\"hi\\" ]"] m' });
  });

  it('returns the line unchanged when there is no key or the SD is malformed', () => {
    for (const line of [
      '<13>Nov 26 14:09:59 vm myapp: [vigil@32473 key="k"] not 5424',
      '<13>1 - h a - - - [vigil@32473 key="k"] in the message',
      '<13>1 - h a - - [vigil@32473 key="k" unterminated',
      '<13>1 - h a - - [tenant@32473 id="acme"] no key',
      '',
    ]) {
      expect(takeSyslogKey(line)).toEqual({ key: null, line });
    }
  });
});
