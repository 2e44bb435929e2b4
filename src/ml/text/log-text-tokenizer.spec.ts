import { LogTextTokenizer } from './log-text-tokenizer';

describe(LogTextTokenizer.name, () => {
  const sut = new LogTextTokenizer();

  it('masks variables into class tokens, as the template miner does', () => {
    expect(
      sut.tokenize(
        'req f47ac10b-58cc-4372-a567-0e02b2c3d479 from 10.0.0.1 read /var/log/app.log 12 times in 30ms, 12MB, id deadbeef01',
      ).words,
    ).toEqual([
      'req',
      '<uuid>',
      'from',
      '<ip>',
      'read',
      '<path>',
      '<num>',
      'times',
      'in',
      '<duration>',
      '<size>',
      'id',
      '<hex>',
    ]);
  });

  it('keeps errno names and upper-case error codes with their prefix', () => {
    expect(sut.tokenize('connect ECONNREFUSED 10.0.0.5:5432')).toEqual({
      words: ['connect', 'econnrefused', '<ip>'],
      pieces: [],
    });
    expect(sut.tokenize('ORA-00942: table or view does not exist')).toEqual({
      words: ['ora-00942', 'table', 'or', 'view', 'does', 'not', 'exist'],
      pieces: ['ora'],
    });
    expect(sut.tokenize('E11000 duplicate key').words).toEqual(['e11000', 'duplicate', 'key']);
  });

  it('turns an HTTP status into its class plus the code, but only after an HTTP word', () => {
    expect(sut.tokenize('upstream returned status 502 in 1200ms')).toEqual({
      words: ['upstream', 'returned', 'status', '<http5xx>', 'in', '<duration>'],
      pieces: ['502'],
    });
    expect(sut.tokenize('"GET /api HTTP/1.1" 404').words).toEqual([
      'get',
      '<path>',
      'http/1.1',
      '<http4xx>',
    ]);
    expect(sut.tokenize('found 502 rows').words).toEqual(['found', '<num>', 'rows']);
  });

  it('keeps a number after errno, exit code or SQLSTATE beside <num>', () => {
    expect(sut.tokenize('exit code 137')).toEqual({
      words: ['exit', 'code', '<num>'],
      pieces: ['137'],
    });
  });

  it('splits camelCase, PascalCase, snake_case, kebab-case and dotted names, keeping the whole', () => {
    expect(sut.tokenize('getUserById failed_login x-request-id HTTPServer')).toEqual({
      words: ['getuserbyid', 'failed_login', 'x-request-id', 'httpserver'],
      pieces: ['get', 'user', 'by', 'id', 'failed', 'login', 'request', 'id', 'http', 'server'],
    });
  });

  it('keeps exception class names, their pieces and an <exception> marker', () => {
    expect(sut.tokenize('java.io.IOException: Connection reset')).toEqual({
      words: ['java.io.ioexception', 'connection', 'reset'],
      pieces: ['java', 'io', 'ioexception', 'exception', '<exception>'],
    });
    expect(sut.tokenize('NullPointerException').pieces).toEqual([
      'null',
      'pointer',
      'exception',
      '<exception>',
    ]);
    expect(sut.tokenize('Error ERROR error').pieces).toEqual([]);
  });

  it('drops punctuation around words and never throws', () => {
    expect(sut.tokenize('POSSIBLE BREAK-IN ATTEMPT!').words).toEqual([
      'possible',
      'break-in',
      'attempt',
    ]);
    expect(sut.tokenize('')).toEqual({ words: [], pieces: [] });
    expect(sut.tokenize('((( ]]] """').words).toEqual([]);
  });
});
