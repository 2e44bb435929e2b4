import { appTestFormat, TEST_FORMATS } from '../../../test/factories/log-format.factory';
import { buildStreams, interleave, varyLine } from './format-corpus';

describe(varyLine.name, () => {
  it('changes numbers but keeps dates, times, years and fractions', () => {
    const line = '10.0.0.255 - - [26/Nov/2026:10:00:00.123 +0000] "GET /a/42 HTTP/1.1" 404 5120';
    const copies = Array.from({ length: 30 }, (_, k) => varyLine(line, k));
    expect(new Set(copies).size).toBeGreaterThan(10);
    for (const copy of copies) {
      expect(copy).toMatch(
        /^10\.0\.0\.\d{1,3} - - \[\d\d\/Nov\/2026:10:00:00\.123 \+0000\] "GET \/a\/4\d HTTP\/1\.1" 40\d 512\d$/,
      );
      const octet = Number(/^10\.0\.0\.(\d+)/.exec(copy)![1]);
      expect(octet).toBeLessThanOrEqual(255);
    }
  });

  it('keeps every test sample detectable and parseable', () => {
    for (const format of TEST_FORMATS) {
      for (let k = 0; k < 20; k++) {
        for (const sample of format.samples) {
          const line = varyLine(sample.line, k);
          if (format.kind === 'line') {
            expect([line, format.detect(line)]).toEqual([line, true]);
            expect(format.parse(line, { receivedAt: 0 })).not.toBeNull();
          }
        }
      }
    }
  });
});

describe(interleave.name, () => {
  it('cuts streams into chunks taken round-robin, every line once and in order', () => {
    const streams = buildStreams([appTestFormat, ...TEST_FORMATS.slice(1, 3)], 7);
    const chunks = interleave(streams, 3);
    expect(chunks.slice(0, 3).map((c) => c.stream.format.name)).toEqual([
      'app-test',
      'access-test',
      'syslog-test',
    ]);
    for (const stream of streams) {
      expect(chunks.filter((c) => c.stream === stream).flatMap((c) => c.lines)).toEqual(
        stream.lines,
      );
    }
  });
});
