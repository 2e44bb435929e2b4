import { LogTokenizer, type MaskerName, PUNCT, TokenBuffer, VARIABLE, WORD } from './log-tokenizer';

function tokens(line: string, tokenizer = new LogTokenizer()): Array<[string, number]> {
  const buf = new TokenBuffer();
  tokenizer.tokenize(line, buf);
  return buf.text.slice(0, buf.length).map((t, i) => [t, buf.kind[i] as number]);
}

/** The line with every masked variable shown as `<*>`, rebuilt from tokens and spaces. */
function masked(line: string, tokenizer = new LogTokenizer()): string {
  const buf = new TokenBuffer();
  tokenizer.tokenize(line, buf);
  let out = '';
  for (let i = 0; i < buf.length; i++) {
    if (i > 0 && buf.space[i] === 1) out += ' ';
    out += buf.kind[i] === VARIABLE ? '<*>' : buf.text[i];
  }
  return out;
}

describe(LogTokenizer.name, () => {
  it.each([
    ['took 12 ms and 3.5 s', 'took <*> ms and <*> s'],
    ['count=-42 delta=+7', 'count=<*> delta=<*>'],
    ['after 12ms, 3.5s, 10MB and 4KiB', 'after <*>, <*>, <*> and <*>'],
    ['addr 0x7fff5fbff8a8 hash deadbeef01', 'addr <*> hash <*>'],
    ['from 10.251.73.220:50010 to 10.0.0.1', 'from <*> to <*>'],
    ['peer [2001:db8::ff00:42:8329]:443 and fe80::1 and ::1', 'peer [<*>]:<*> and <*> and <*>'],
    ['mac 00:1a:2b:3c:4d:5e up', 'mac <*> up'],
    ['req f47ac10b-58cc-4372-a567-0e02b2c3d479 done', 'req <*> done'],
    ['at 2023-01-05T12:00:00.123Z and 12:21:32', 'at <*> and <*>'],
    ['at Fri Jun 17 07:07:00 2005 end', 'at <*> end'],
    ['at Tue Jun 1 16:14:04 EDT 2004', 'at <*>'],
    ['in June, on Jun 5 we met', 'in June, on Jun <*> we met'],
    ['open /var/log/app.log failed', 'open <*> failed'],
    ['read ./conf/a.yml and ~/x', 'read <*> and <*>'],
    ['Loaded C:\\Windows\\winsxs\\amd64_x.dll and \\\\srv\\share ok', 'Loaded <*> and <*> ok'],
    ['"GET /index.html HTTP/1.1" 200', '"GET <*> HTTP/1.1" <*>'],
    ['at 2015-10-18 18:01:47,978 done', 'at <*> done'],
    ['GET https://example.com/a?b=1&c=(2) done', 'GET <*> done'],
    ['mail bob.smith@example.co.uk sent', 'mail <*> sent'],
    ['block blk_-6952295868487656571 ok', 'block <*> ok'],
    ['version v1.0.0 and dquot_6.5.1 loaded', 'version <*> and <*> loaded'],
  ])('masks %s', (line, expected) => {
    expect(masked(line)).toBe(expected);
  });

  it.each([
    [
      'Accepted password for root from 1.2.3.4 port 22 ssh2',
      'Accepted password for root from <*> port <*> ssh2',
    ],
    [
      'jk2_init() Found child 6725 in scoreboard slot 10',
      'jk2_init() Found child <*> in scoreboard slot <*>',
    ],
    ['workerEnv.init() ok /etc/httpd/conf/workers2.properties', 'workerEnv.init() ok <*>'],
    [
      "jk2_init() Can't find child 1 in scoreboard",
      "jk2_init() Can't find child <*> in scoreboard",
    ],
    ['Initializing CPU#0', 'Initializing CPU#<*>'],
    ['enabled on CPU#1.', 'enabled on CPU#<*>.'],
  ])('keeps words and punctuation so the template reads like the line: %s', (line, expected) => {
    expect(masked(line)).toBe(expected);
  });

  it('splits on = : , ; and brackets and keeps each as a punctuation token', () => {
    expect(tokens('pam_unix(sshd:auth): a=b, c;')).toEqual([
      ['pam_unix', WORD],
      ['(', PUNCT],
      ['sshd', WORD],
      [':', PUNCT],
      ['auth', WORD],
      [')', PUNCT],
      [':', PUNCT],
      ['a', WORD],
      ['=', PUNCT],
      ['b', WORD],
      [',', PUNCT],
      ['c', WORD],
      [';', PUNCT],
    ]);
  });

  it('keeps the slot of an empty value after a space, not of a call', () => {
    expect(masked('connection from 1.2.3.4 () at x')).toBe('connection from <*> (<*>) at x');
    expect(masked('name="" ok')).toBe('name="<*>" ok');
    expect(masked('init() ok')).toBe('init() ok');
  });

  it('collapses a whitespace-separated list of same-class variables into one', () => {
    const buf = new TokenBuffer();
    new LogTokenizer().tokenize('delete blk_1234 blk_5678 blk_9012 now', buf);
    expect(buf.text.slice(0, buf.length)).toEqual(['delete', 'blk_1234 blk_5678 blk_9012', 'now']);
    expect(masked('init 1 -2')).toBe('init <*> <*>');
    expect(masked('alloc /a/b blk_1234')).toBe('alloc <*> <*>');
  });

  it('masks only the enabled classes', () => {
    const only: MaskerName[] = ['ipv4'];
    const tokenizer = new LogTokenizer({ maskers: only });
    expect(masked('from 10.0.0.1 took 12ms', tokenizer)).toBe('from <*> took 12ms');
    expect(() => new LogTokenizer({ maskers: ['nope' as MaskerName] })).toThrow(RangeError);
  });

  it('folds tokens beyond maxTokens into one trailing variable', () => {
    const buf = new TokenBuffer();
    new LogTokenizer({ maxTokens: 4 }).tokenize('a b c d e f', buf);
    expect(buf.text.slice(0, buf.length)).toEqual(['a', 'b', 'c', 'd e f']);
    expect(buf.kind[3]).toBe(VARIABLE);
  });

  it('never throws and covers every non-space character on arbitrary input', () => {
    let seed = 7;
    const alphabet = 'ab1:./-=()[]"\' @x0F\t#,;|{}~é';
    const tokenizer = new LogTokenizer();
    const buf = new TokenBuffer();
    for (let run = 0; run < 2000; run++) {
      let line = '';
      const len = run % 40;
      for (let i = 0; i < len; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        line += alphabet[seed % alphabet.length];
      }
      tokenizer.tokenize(line, buf);
      const joined = buf.text.slice(0, buf.length).join('');
      expect(joined.replace(/\s/g, '')).toBe(line.replace(/\s/g, ''));
    }
  });
});
