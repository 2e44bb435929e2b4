import { apiKeyFromAuthorization } from './auth-header';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe(apiKeyFromAuthorization.name, () => {
  const key = 'vgl_3kT9qZbW1xYc7LmN0pQrStUvWxYz12ab';

  it.each([
    ['ApiKey raw', `ApiKey ${key}`],
    ['ApiKey id:key', `ApiKey ${b64(`someid:${key}`)}`],
    ['Basic user:key', `Basic ${b64(`vigil:${key}`)}`],
    ['Basic with empty user', `Basic ${b64(`:${key}`)}`],
    ['Bearer', `Bearer ${key}`],
    ['lower-case scheme', `apikey ${key}`],
  ])('reads the key from %s', (_name, header) => {
    expect(apiKeyFromAuthorization(header)).toBe(key);
  });

  it.each([undefined, '', 'ApiKey', 'Basic', 'Digest abc', `Basic ${b64('user:')}`, 'Basic %%%'])(
    'returns null for %p',
    (header) => {
      expect(apiKeyFromAuthorization(header)).toBeNull();
    },
  );
});
