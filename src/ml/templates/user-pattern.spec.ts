import { LogTokenizer, TokenBuffer } from './log-tokenizer';
import { UserPattern, UserPatternSet } from './user-pattern';

const tokenizer = new LogTokenizer();

function pattern(id: string, template: string): UserPattern {
  const buf = new TokenBuffer();
  tokenizer.tokenize(template, buf);
  return new UserPattern(id, template, buf.text.slice(0, buf.length));
}

function match(p: UserPattern, line: string): string[] | undefined {
  const buf = new TokenBuffer();
  tokenizer.tokenize(line, buf);
  return p.match(line, buf);
}

describe(UserPattern.name, () => {
  it('lets <*> span several tokens and cuts the parameter from the line as written', () => {
    const p = pattern('p', 'User <*> logged in from <*>');
    expect(match(p, 'User John  Smith logged in from 10.0.0.1')).toEqual([
      'John  Smith',
      '10.0.0.1',
    ]);
    expect(match(p, 'User logged in from 10.0.0.1')).toBeUndefined();
    expect(match(p, 'User bob logged in from 10.0.0.1 twice')).toEqual(['bob', '10.0.0.1 twice']);
    expect(match(p, 'User bob logged out from 10.0.0.1')).toBeUndefined();
  });

  it('matches a token with <*> inside by prefix and suffix', () => {
    const p = pattern('p', 'deleted blk_<*> ok');
    expect(match(p, 'deleted blk_42x ok')).toEqual(['blk_42x']);
    expect(match(p, 'deleted file_42 ok')).toBeUndefined();
  });

  it('finds the split when the same literal repeats', () => {
    const p = pattern('p', '<*> to <*> to <*>');
    expect(match(p, 'a to b c to d')).toEqual(['a', 'b c', 'd']);
  });

  it('rejects an empty template', () => {
    expect(() => new UserPattern('p', '', [])).toThrow(RangeError);
  });
});

describe(UserPatternSet.name, () => {
  it('tries the most specific pattern first and counts matches', () => {
    const sut = new UserPatternSet();
    sut.add(pattern('general', 'GET <*>'));
    sut.add(pattern('specific', 'GET <*> took <*>'));
    const buf = new TokenBuffer();
    const line = 'GET /a took 12ms';
    tokenizer.tokenize(line, buf);
    expect(sut.match(line, buf, true)?.pattern.id).toBe('specific');
    expect(sut.list()).toEqual([
      { id: 'specific', template: 'GET <*> took <*>', count: 1 },
      { id: 'general', template: 'GET <*>', count: 0 },
    ]);
    expect(sut.remove('specific')).toBe(true);
    expect(sut.match(line, buf, false)?.pattern.id).toBe('general');
  });
});
