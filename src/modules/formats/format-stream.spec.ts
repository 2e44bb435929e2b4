import {
  accessTestFormat,
  appTestFormat,
  auditTestFormat,
  syslogTestFormat,
  TEST_FORMATS,
} from '../../../test/factories/log-format.factory';
import { FormatRegistry, GENERIC_JSON_FORMAT, TEXT_FORMAT } from './format-registry';
import { FormatStream } from './format-stream';
import type { LineFormat } from './log-format';

/** Wraps a format to count how often the stream asks it. */
function counted(format: LineFormat): LineFormat & { calls: number } {
  const wrapped = {
    ...format,
    calls: 0,
    detect(line: string) {
      wrapped.calls++;
      return format.detect(line);
    },
  };
  return wrapped;
}

const app = (i: number) =>
  `2026-11-26 10:00:${String(i % 60).padStart(2, '0')},000 [INFO] com.shop.Cart - cart ${i} saved`;
const access = (i: number) => `10.0.0.${i % 250} GET /cart/${i} 200`;

describe(FormatStream.name, () => {
  it('settles after three consistent lines, then checks only the settled format', () => {
    const probe = counted(accessTestFormat);
    const registry = new FormatRegistry([counted(appTestFormat), syslogTestFormat, probe]);
    const sut = new FormatStream(registry);
    for (let i = 0; i < 3; i++) expect(sut.detectLine(app(i)).format.name).toBe('app-test');
    expect(sut.settled?.name).toBe('app-test');
    const before = probe.calls;
    for (let i = 3; i < 100; i++) sut.detectLine(app(i));
    expect(probe.calls).toBe(before);
  });

  it('does not settle on a minority format', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    sut.detectLine(app(1));
    sut.detectLine(access(1));
    sut.detectLine(app(2));
    sut.detectLine(access(2));
    expect(sut.settled).toBeNull();
  });

  it('runs full detection for a line the settled format rejects, without unsettling at once', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    for (let i = 0; i < 5; i++) sut.detectLine(app(i));
    expect(sut.detectLine(access(1)).format.name).toBe('access-test');
    expect(sut.detectLine('<13>db-2 cron[7]: job started').format.name).toBe('syslog-test');
    expect(sut.settled?.name).toBe('app-test');
  });

  it('re-settles when misses pile up in the sliding window', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    for (let i = 0; i < 10; i++) sut.detectLine(app(i));
    expect(sut.settled?.name).toBe('app-test');
    let i = 0;
    while (sut.settled?.name !== 'access-test' && i < 40) sut.detectLine(access(i++));
    expect(sut.settled?.name).toBe('access-test');
    // 8 misses unsettle, 3 votes settle again.
    expect(i).toBe(11);
  });

  it('settles on text but still looks for a real format now and then', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    for (let i = 0; i < 5; i++) sut.detectLine(`plain ${i}`);
    expect(sut.settled).toBe(TEXT_FORMAT);
    // Lines between re-checks are taken as text without detection.
    expect(sut.detectLine(access(1)).format).toBe(TEXT_FORMAT);
    let seen = 0;
    for (let i = 0; i < 40; i++) if (sut.detectLine(access(i)).format !== TEXT_FORMAT) seen++;
    expect(seen).toBeGreaterThan(0);
    expect(sut.settled?.name).toBe('access-test');
  });

  it('settles JSON lines on a specific JSON format', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    const line = (verb: string) =>
      `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"${verb}","requestURI":"/api"}`;
    for (const verb of ['get', 'list', 'watch']) sut.detectLine(line(verb));
    expect(sut.settled).toBe(auditTestFormat);
    const found = sut.detectLine(line('delete'));
    expect(found.format).toBe(auditTestFormat);
    expect(found.doc?.verb).toBe('delete');
    expect(sut.detectLine('{"msg":"other"}').format).toBe(GENERIC_JSON_FORMAT);
  });

  it('settles documents too, and a generic stream still finds a specific object', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    for (let i = 0; i < 3; i++) sut.detectDoc({ msg: `m${i}` });
    expect(sut.settled).toBe(GENERIC_JSON_FORMAT);
    const audit = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb: 'get', requestURI: '/' };
    const found = Array.from({ length: 20 }, () => sut.detectDoc(audit));
    expect(found).toContain(auditTestFormat);
  });

  it('answers startsRecord from the settled format only', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    expect(sut.startsRecord(app(1))).toBe(false);
    for (let i = 0; i < 3; i++) sut.detectLine(app(i));
    expect(sut.startsRecord(app(4))).toBe(true);
    expect(sut.startsRecord('\tat x')).toBe(false);
    expect(sut.startLineOnly).toBe(false);
  });

  it('never detects when pinned', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS), accessTestFormat);
    expect(sut.detectLine(app(1)).format).toBe(accessTestFormat);
    expect(sut.settled).toBe(accessTestFormat);
    const json = new FormatStream(new FormatRegistry(TEST_FORMATS), auditTestFormat);
    expect(json.detectLine('not json').format).toBe(TEXT_FORMAT);
    expect(json.detectDoc({ any: 1 })).toBe(auditTestFormat);
  });

  it('survives a settled format whose detect throws, and a parse that throws', () => {
    const fragile: LineFormat = {
      ...appTestFormat,
      detect: (line) => {
        if (line.includes('boom')) throw new Error('bug in a custom format');
        return appTestFormat.detect(line);
      },
    };
    const sut = new FormatStream(new FormatRegistry([fragile, accessTestFormat]));
    for (let i = 0; i < 3; i++) sut.detectLine(app(i));
    expect(sut.settled).toBe(fragile);
    expect(sut.detectLine('boom 10.0.0.1').format).toBe(TEXT_FORMAT);
    expect(sut.startsRecord('boom')).toBe(false);
  });

  it('keeps an inner stream for wrapped messages', () => {
    const sut = new FormatStream(new FormatRegistry(TEST_FORMATS));
    expect(sut.inner).toBe(sut.inner);
    expect(sut.inner).not.toBe(sut);
  });
});
