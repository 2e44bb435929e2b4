import { AppConfig } from './app-config';
import { ConfigError } from './env';

describe(`${AppConfig.name} with LOG_STORE=opensearch`, () => {
  it('keeps Postgres as the default store, without OpenSearch settings', () => {
    const sut = new AppConfig({});
    expect(sut.logStore).toBe('postgres');
    expect(sut.openSearch).toBeNull();
  });

  it('reads the OpenSearch settings, with their defaults', () => {
    const sut = new AppConfig({
      LOG_STORE: 'opensearch',
      OPENSEARCH_URL: 'https://a:9200, https://b:9200',
      OPENSEARCH_USERNAME: 'vigil',
      OPENSEARCH_PASSWORD: 's3cret',
      OPENSEARCH_TLS_INSECURE: 'true',
      OPENSEARCH_DEDICATED_TENANT_LIMIT: '5',
    });
    expect(sut.openSearch).toEqual({
      nodes: ['https://a:9200', 'https://b:9200'],
      auth: { username: 'vigil', password: 's3cret' },
      caFile: undefined,
      tlsInsecure: true,
      indexPrefix: 'logs-vigil',
      dedicatedTenantLimit: 5,
      routeByTenant: true,
      sharedShards: 3,
      replicas: 1,
      bulkMaxBytes: 5 * 1024 * 1024,
    });
  });

  it('refuses a missing URL, a lone username, a bad prefix and an unknown store', () => {
    expect(() => new AppConfig({ LOG_STORE: 'opensearch' })).toThrow(/needs OPENSEARCH_URL/);
    expect(
      () =>
        new AppConfig({
          LOG_STORE: 'opensearch',
          OPENSEARCH_URL: 'http://a:9200',
          OPENSEARCH_USERNAME: 'x',
        }),
    ).toThrow(/go together/);
    expect(() => new AppConfig({ OPENSEARCH_INDEX_PREFIX: 'Logs*' })).toThrow(ConfigError);
    expect(() => new AppConfig({ LOG_STORE: 'mongo' })).toThrow(ConfigError);
    expect(() => new AppConfig({ OPENSEARCH_URL: 'ftp://a' })).toThrow(ConfigError);
  });

  it('never prints the password or URL of a refused configuration', () => {
    let message = '';
    try {
      new AppConfig({ OPENSEARCH_URL: 'ftp://user:hunter2@a' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('OPENSEARCH_URL=<secret>');
    expect(message).not.toContain('hunter2');
  });
});
