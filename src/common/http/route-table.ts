import type { FastifyInstance } from 'fastify';

import type { Permission } from '../../modules/tenancy/principal';

/** A route as registered with Fastify, for the test that every route declares its authorization. */
export interface RouteRecord {
  methods: string[];
  url: string;
  /** The route's `config.permissions`; undefined when it declares none there. */
  permissions: readonly Permission[] | undefined;
  /** The handler; Nest copies its controller method's metadata onto it. */
  handler: unknown;
}

/** Records every route registered on `app` (and its plugins) from now on. */
export function recordRoutes(app: FastifyInstance): readonly RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    routes.push({
      methods: ([] as string[]).concat(route.method),
      url: route.url,
      permissions: route.config?.permissions,
      handler: route.handler,
    });
  });
  return routes;
}
