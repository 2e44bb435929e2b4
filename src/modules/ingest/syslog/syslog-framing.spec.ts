import { type FrameReject, SyslogDeframer } from './syslog-framing';

function deframe(chunks: Array<string | Buffer>, maxBytes = 1024, end = true) {
  const messages: string[] = [];
  const rejects: FrameReject[] = [];
  const sut = new SyslogDeframer(
    maxBytes,
    (m) => messages.push(m.toString('utf8')),
    (r) => rejects.push(r),
  );
  for (const chunk of chunks) sut.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  if (end) sut.end();
  return { messages, rejects };
}

describe(SyslogDeframer.name, () => {
  it('splits LF, CRLF and NUL framed messages', () => {
    expect(deframe(['<13>a one\n<13>b two\r\n<13>c three\0<13>d four\n']).messages).toEqual([
      '<13>a one',
      '<13>b two',
      '<13>c three',
      '<13>d four',
    ]);
  });

  it('reads octet-counted frames, which may contain newlines', () => {
    const m1 = '<34>1 - host app - - - line one\nstill one';
    const m2 = '<13>two';
    const stream = `${Buffer.byteLength(m1)} ${m1}${Buffer.byteLength(m2)} ${m2}`;
    expect(deframe([stream]).messages).toEqual([m1, m2]);
  });

  it('detects the framing per message, as logger(1) mixes them on one connection', () => {
    const octet = '<13>Nov 26 14:09:59 vm myapp: hello 3164 octet';
    const stream = `<13>1 2026-11-26T14:09:59Z vm myapp - - - hello lf\n${octet.length} ${octet}<14>plain\n`;
    expect(deframe([stream]).messages).toEqual([
      '<13>1 2026-11-26T14:09:59Z vm myapp - - - hello lf',
      octet,
      '<14>plain',
    ]);
  });

  it('reassembles frames split across chunks at any byte', () => {
    const m1 = '<13>1 - h a - - - é split frame';
    const stream = Buffer.from(`${Buffer.byteLength(m1)} ${m1}<14>lf framed\n`);
    for (let cut = 1; cut < stream.length; cut++) {
      const { messages } = deframe([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(messages).toEqual([m1, '<14>lf framed']);
    }
  });

  it('treats digits without a following space as the start of an LF-framed message', () => {
    expect(deframe(['2026-01-01 started\n']).messages).toEqual(['2026-01-01 started']);
  });

  it('skips oversized messages without losing the framing', () => {
    const big = 'x'.repeat(50);
    const { messages, rejects } = deframe(
      [`${big.length} ${big}<13>ok1\n<13>${big}\n`, '<13>ok2\n'],
      20,
    );
    expect(messages).toEqual(['<13>ok1', '<13>ok2']);
    expect(rejects).toEqual(['too_large', 'too_large']);
  });

  it('skips an oversized LF message that arrives in pieces, holding no more than the limit', () => {
    const { messages, rejects } = deframe(
      ['<13>' + 'y'.repeat(30), 'y'.repeat(30), 'y\n<13>after\n'],
      20,
    );
    expect(messages).toEqual(['<13>after']);
    expect(rejects).toEqual(['too_large']);
  });

  it('keeps an unterminated final LF message at end of stream, but not a cut frame', () => {
    expect(deframe(['<13>last words']).messages).toEqual(['<13>last words']);
    expect(deframe(['100 <13>cut'])).toEqual({ messages: [], rejects: ['truncated'] });
  });
});
