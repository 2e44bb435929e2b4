import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';

import {
  controllerUrls,
  undeclaredControllerRoutes,
  undeclaredFastifyRoutes,
  undeclaredResolvers,
} from '../support/authorization-declarations';
import { TestVigil } from '../support/test-vigil';

/**
 * Every GraphQL field and every HTTP route of the running app declares who may call it. New
 * resolvers, controllers and Fastify plugins are found by Nest's discovery and the route table,
 * so a module added later is covered without touching this test.
 */
describe('authorization declarations', () => {
  let sut: TestVigil;

  beforeAll(async () => {
    sut = await TestVigil.start();
  }, 30_000);
  afterAll(() => sut.close());

  const discovery = () => new DiscoveryService(sut.vigil.app.get(ModulesContainer));
  const instances = (wrappers: Array<{ instance: unknown }>) =>
    wrappers.map((w) => w.instance).filter((i): i is object => typeof i === 'object' && i !== null);

  it('finds an @Authorize or @Public on every Query, Mutation, Subscription and @ResolveField', () => {
    const schema = sut.vigil.app.get(GraphQLSchemaHost).schema;
    const providers = instances(discovery().getProviders());
    expect(undeclaredResolvers(providers, schema)).toEqual([]);
    // Not vacuous: it saw the fields it must see.
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining(['logs', 'apiKeys']),
    );
    expect(Object.keys(schema.getMutationType()!.getFields())).toContain('revokeApiKey');
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain('logTail');
  });

  it('finds a declaration on every controller route and every Fastify route of both ports', () => {
    const controllers = instances(discovery().getControllers());
    expect(undeclaredControllerRoutes(controllers)).toEqual([]);
    const nestUrls = controllerUrls(controllers);
    expect(nestUrls).toContain('/healthz');
    const { main, es } = sut.vigil.routes;
    expect([
      ...undeclaredFastifyRoutes('main', main, nestUrls, '/graphql'),
      ...undeclaredFastifyRoutes('ES', es, new Set(), null),
    ]).toEqual([]);
    const urls = (routes: typeof main) => routes.map((r) => r.url);
    expect(urls(main)).toEqual(
      expect.arrayContaining(['/graphql', '/healthz', '/api/v1/logs', '/es/_bulk']),
    );
    expect(urls(es)).toEqual(expect.arrayContaining(['/', '/_bulk']));
  });
});
