import { buildSchema, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';

import { AppConfig } from '../../config/app-config';
import { maskError } from './graphql-hardening';
import { checkOperationCost } from './query-cost';

describe(maskError.name, () => {
  it('replaces an unexpected error by a code and a correlation id, without its text', () => {
    const cause = new Error('relation "logs_2026" violates ... SELECT * FROM logs WHERE');
    const sut = maskError(
      {
        message: cause.message,
        path: ['logs'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at pg'] },
      },
      new GraphQLError(cause.message, { originalError: cause }),
    );
    expect(JSON.stringify(sut)).not.toMatch(/SELECT|violates|stacktrace|at pg/);
    expect(sut.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(sut.message).toContain(String(sut.extensions?.correlationId));
  });

  it('keeps errors the API means to send, minus any stack', () => {
    const sut = maskError(
      { message: 'bad query', extensions: { code: 'BAD_USER_INPUT', stacktrace: ['x'] } },
      new GraphQLError('bad query'),
    );
    expect(sut).toEqual({ message: 'bad query', extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe(checkOperationCost.name, () => {
  const schema = buildSchema(`
    type Query { items(first: Int = 10): [Item!]! one: Item page(first: Int): ItemConnection! }
    type Item { id: ID! children(first: Int): [Item!]! }
    type ItemConnection { total: Int edges: [ItemEdge!]! info: Info! }
    type ItemEdge { cursor: String! node: Item! }
    type Info { more: Boolean! }
  `);
  const cost = (query: string, variables: Record<string, unknown> | null = {}) => {
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return checkOperationCost(schema, document, operation, variables, {
      maxCost: 10_000,
      maxPageSize: 100,
    });
  };

  it('counts each object a page may return, nested pages included, and scalars as free', () => {
    expect(cost('{ one { id } }')).toBe(1);
    expect(cost('{ items { id } }')).toBe(10);
    expect(cost('{ items(first: 5) { children(first: 4) { id } } }')).toBe(5 * (1 + 4));
  });

  it('repeats only the items of a connection', () => {
    expect(cost('{ page(first: 50) { total info { more } edges { cursor node { id } } } }')).toBe(
      1 + 1 + 50 * (1 + 1),
    );
  });

  it('follows fragments and reads variables', () => {
    expect(
      cost('query($n: Int) { items(first: $n) { ...F } } fragment F on Item { id }', { n: 7 }),
    ).toBe(7);
  });

  it('refuses a page above the maximum and a total above the limit', () => {
    expect(() => cost('{ items(first: 101) { id } }')).toThrow(/first must be at most 100/);
    expect(() =>
      cost('{ items(first: 100) { children(first: 100) { children(first: 2) { id } } } }'),
    ).toThrow(GraphQLError);
  });
});

describe('AppConfig security defaults', () => {
  const production = {
    NODE_ENV: 'production',
    VIGIL_SECRET_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  };

  it('turns introspection and the explorer off and masks errors in production', () => {
    const sut = new AppConfig(production);
    expect(sut.graphql).toMatchObject({ introspection: false, maskErrors: true });
    expect(sut.graphqlExplorer).toBe(false);
    expect(new AppConfig({ NODE_ENV: 'development' }).graphql.introspection).toBe(true);
  });

  it('trusts no proxy unless told, and reads hop counts and address lists', () => {
    expect(new AppConfig({}).trustProxy).toBe(false);
    expect(new AppConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(new AppConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => new AppConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('wants both TLS files or neither', () => {
    expect(() => new AppConfig({ TLS_CERT_FILE: '/c.pem' })).toThrow(/TLS_KEY_FILE/);
  });
});
