import { RunbookLanguageError } from './runbook.errors';
import { parseTemplate, resolveTemplate, unquotedJsonReferences } from './templates';

function thrown(fn: () => unknown): RunbookLanguageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RunbookLanguageError) return err;
    throw err;
  }
  throw new Error('expected a RunbookLanguageError');
}

describe('resolveTemplate', () => {
  const ctx = {
    params: { service: 'checkout', replicas: 3, force: true, evil: 'a"},"admin":true,"x":"' },
    secrets: { PAGER_TOKEN: 's3cr3t' },
    alert: { labels: { severity: 'critical' } },
    run: { id: 'run-1' },
  };

  it('inserts dotted paths as strings', () => {
    expect(
      resolveTemplate(
        '{{params.service}}/{{ params.replicas }}/{{ params.force }} {{ alert.labels.severity }} {{ run.id }}',
        ctx,
        'text',
      ),
    ).toBe('checkout/3/true critical run-1');
  });

  it('url-encodes each value in url mode', () => {
    const sut = (v: string): string =>
      resolveTemplate('https://x/api/{{ params.v }}', { params: { v } }, 'url');
    expect(sut('svc; rm -rf /')).toBe('https://x/api/svc%3B%20rm%20-rf%20%2F');
    expect(sut('../../admin')).toBe('https://x/api/..%2F..%2Fadmin');
    expect(sut('a?b=1#c')).toBe('https://x/api/a%3Fb%3D1%23c');
  });

  it('refuses a bare dot segment in url mode', () => {
    expect(
      thrown(() => resolveTemplate('https://x/{{ params.v }}/y', { params: { v: '..' } }, 'url')),
    ).toMatchObject({ code: 'TEMPLATE_UNSAFE_VALUE', path: 'params.v' });
  });

  it('keeps a JSON break-out attempt inside its string in json mode', () => {
    const body = resolveTemplate('{"service":"{{ params.evil }}"}', ctx, 'json');
    expect(body).toBe('{"service":"a\\"},\\"admin\\":true,\\"x\\":\\""}');
    expect(JSON.parse(body)).toEqual({ service: 'a"},"admin":true,"x":"' });
    const newline = resolveTemplate('{"m":"{{ params.v }}"}', { params: { v: 'a\nb\\' } }, 'json');
    expect(JSON.parse(newline)).toEqual({ m: 'a\nb\\' });
  });

  it('throws a typed error naming a missing path', () => {
    try {
      resolveTemplate('x {{ params.nope }}', ctx, 'text');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(RunbookLanguageError);
      expect(err).toMatchObject({ code: 'TEMPLATE_MISSING_PATH', path: 'params.nope' });
    }
  });

  it('refuses objects, and never reads inherited properties', () => {
    expect(thrown(() => resolveTemplate('{{ alert.labels }}', ctx, 'text'))).toMatchObject({
      code: 'TEMPLATE_NOT_SCALAR',
    });
    expect(thrown(() => resolveTemplate('{{ params.toString }}', ctx, 'text'))).toMatchObject({
      code: 'TEMPLATE_MISSING_PATH',
    });
  });

  it('rejects prototype paths, expressions and unclosed references', () => {
    for (const bad of [
      '{{ params.__proto__ }}',
      '{{ params.constructor }}',
      '{{ a.prototype.b }}',
    ]) {
      expect(thrown(() => parseTemplate(bad))).toMatchObject({ code: 'TEMPLATE_FORBIDDEN_PATH' });
    }
    for (const bad of [
      '{{ a + b }}',
      '{{ f(x) }}',
      '{{ a[0] }}',
      '{{ }}',
      '{{ a..b }}',
      'x {{ a',
    ]) {
      expect(thrown(() => parseTemplate(bad))).toMatchObject({ code: 'TEMPLATE_SYNTAX' });
    }
  });
});

describe('unquotedJsonReferences', () => {
  it('finds references outside JSON strings only', () => {
    expect(unquotedJsonReferences('{"a":"{{ x.y }}","b":"\\"{{ x.z }}"}')).toEqual([]);
    expect(unquotedJsonReferences('{"n": {{ params.n }}}')).toEqual([6]);
  });
});
