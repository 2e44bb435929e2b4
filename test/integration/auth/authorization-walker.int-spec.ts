import { Controller, Get, Post } from '@nestjs/common';
import { Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { buildSchema } from 'graphql';

import { Authorize, Public } from 'src/common/auth/authorize.decorator';

import {
  controllerUrls,
  undeclaredControllerRoutes,
  undeclaredFastifyRoutes,
  undeclaredResolvers,
} from '../../support/authorization-declarations';

// The walkers the declaration e2e test relies on, shown to name what lacks a declaration.

class Widget {
  id!: number;
}

@Resolver(() => Widget)
class WidgetResolver {
  @Query(() => Int)
  @Authorize('read')
  declared(): number {
    return 1;
  }

  @Query(() => Int)
  forgotten(): number {
    return 2;
  }

  @Mutation(() => Int, { name: 'renamedMutation' })
  mutate(): number {
    return 3;
  }

  @ResolveField(() => Int)
  size(@Parent() w: Widget): number {
    return w.id;
  }

  helper(): number {
    return 4;
  }
}

@Resolver()
@Authorize('admin')
class ClassLevelResolver {
  @Query(() => Int)
  covered(): number {
    return 5;
  }
}

@Controller('things')
class ThingsController {
  @Get(':id')
  @Public()
  one(): string {
    return 'one';
  }

  @Post()
  create(): string {
    return 'created';
  }
}

const schema = buildSchema(`
  type Query { declared: Int, forgotten: Int, covered: Int, orphan: Int }
  type Mutation { renamedMutation: Int }
`);

describe('authorization declaration walkers', () => {
  it('names every resolver method without a declaration and every root field without one', () => {
    expect(
      undeclaredResolvers([new WidgetResolver(), new ClassLevelResolver()], schema).sort(),
    ).toEqual([
      'GraphQL field Mutation.renamedMutation (WidgetResolver.mutate) has no @Authorize or @Public',
      'GraphQL field Query.forgotten (WidgetResolver.forgotten) has no @Authorize or @Public',
      'GraphQL field Query.orphan is served by no resolver method found',
      'GraphQL field Widget.size (WidgetResolver.size) has no @Authorize or @Public',
    ]);
  });

  it('names controller routes without a declaration', () => {
    const offenders = undeclaredControllerRoutes([new ThingsController()]);
    expect(offenders).toHaveLength(1);
    expect(offenders[0]).toMatch(/^route ThingsController\.create /);
  });

  it('names Fastify routes without config.permissions that neither Nest nor GraphQL serve', () => {
    const nestUrls = controllerUrls([new ThingsController()]);
    expect([...nestUrls].sort()).toEqual(['/things', '/things/:id']);
    const route = (url: string, permissions?: ['ingest'] | []) => ({
      methods: ['GET'],
      url,
      permissions,
      handler: () => undefined,
    });
    expect(
      undeclaredFastifyRoutes(
        'main',
        [
          route('/graphql'),
          route('/things/:id'),
          route('/open', []),
          route('/ingest', ['ingest']),
          route('/forgotten'),
        ],
        nestUrls,
        '/graphql',
      ),
    ).toEqual(['main port: GET /forgotten has no config.permissions']);
  });
});
