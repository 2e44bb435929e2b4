import 'reflect-metadata';

import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import {
  RESOLVER_NAME_METADATA,
  RESOLVER_PROPERTY_METADATA,
  RESOLVER_REFERENCE_METADATA,
  RESOLVER_TYPE_METADATA,
} from '@nestjs/graphql/dist/graphql.constants';
import type { GraphQLSchema } from 'graphql';

import { REQUIRED_PERMISSIONS } from 'src/common/auth/authorize.decorator';
import type { RouteRecord } from 'src/common/http/route-table';
import type { Permission } from 'src/modules/tenancy/principal';

/**
 * Walkers behind the test that every GraphQL field and HTTP route declares its authorization
 * (`@Authorize`/`@Public`, or a Fastify route's `config.permissions`). Each returns the
 * offenders, named so the failure says what to fix.
 */

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;
const scanner = new MetadataScanner();
const reflector = new Reflector();

type Method = (...args: unknown[]) => unknown;

function declared(method: Method, owner: object): boolean {
  return (
    reflector.getAllAndOverride(REQUIRED_PERMISSIONS, [method, owner.constructor]) !== undefined
  );
}

/** Nest's name for the type a resolver class resolves fields of (`@Resolver(() => X)`). */
function parentTypeName(resolverType: unknown): string {
  if (typeof resolverType === 'string') return resolverType;
  if (typeof resolverType === 'function') {
    const target = (resolverType as () => unknown)();
    if (typeof target === 'function') return (target as { name: string }).name;
  }
  return String(resolverType);
}

/**
 * Every resolver method of `instances` (Query, Mutation and Subscription fields, and every
 * @ResolveField) must declare; every root field of `schema` must have such a method.
 */
export function undeclaredResolvers(instances: readonly object[], schema: GraphQLSchema): string[] {
  const offenders: string[] = [];
  const rootFields = new Set<string>();
  for (const instance of instances) {
    const prototype = Object.getPrototypeOf(instance) as Record<string, Method>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = prototype[methodName];
      if (typeof method !== 'function') continue;
      const onMethod = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) as unknown;
      const resolverType =
        onMethod ?? Reflect.getMetadata(RESOLVER_TYPE_METADATA, instance.constructor);
      if (resolverType === undefined) continue;
      const isField = Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) === true;
      const isReference = Reflect.getMetadata(RESOLVER_REFERENCE_METADATA, method) === true;
      const isRoot = ROOT_TYPES.includes(onMethod as (typeof ROOT_TYPES)[number]);
      if (!isRoot && !isField && !isReference) continue;
      const fieldName =
        (Reflect.getMetadata(RESOLVER_NAME_METADATA, method) as string) || methodName;
      const field = isRoot
        ? `${String(onMethod)}.${fieldName}`
        : `${parentTypeName(resolverType)}.${fieldName}`;
      if (isRoot) rootFields.add(field);
      if (!declared(method, instance)) {
        offenders.push(
          `GraphQL field ${field} (${instance.constructor.name}.${methodName}) has no @Authorize or @Public`,
        );
      }
    }
  }
  for (const root of ROOT_TYPES) {
    const type =
      root === 'Query'
        ? schema.getQueryType()
        : root === 'Mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    for (const name of Object.keys(type?.getFields() ?? {})) {
      if (!rootFields.has(`${root}.${name}`)) {
        offenders.push(`GraphQL field ${root}.${name} is served by no resolver method found`);
      }
    }
  }
  return offenders;
}

/** Every route handler of the Nest `controllers` must declare (on the method or the class). */
export function undeclaredControllerRoutes(controllers: readonly object[]): string[] {
  const offenders: string[] = [];
  for (const controller of controllers) {
    const prototype = Object.getPrototypeOf(controller) as Record<string, Method>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = prototype[methodName];
      if (typeof method !== 'function' || !Reflect.hasMetadata(PATH_METADATA, method)) continue;
      if (declared(method, controller)) continue;
      const path = Reflect.getMetadata(PATH_METADATA, method) as string | string[];
      const verb = Reflect.getMetadata(METHOD_METADATA, method) as number;
      offenders.push(
        `route ${controller.constructor.name}.${methodName} (${String(path)}, method #${verb}) has no @Authorize or @Public`,
      );
    }
  }
  return offenders;
}

/** The URLs the Nest `controllers` serve (no global prefix or versioning is in use). */
export function controllerUrls(controllers: readonly object[]): Set<string> {
  const urls = new Set<string>();
  const join = (...parts: string[]) =>
    '/' +
    parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
  for (const controller of controllers) {
    const prefixes = ([] as string[]).concat(
      (Reflect.getMetadata(PATH_METADATA, controller.constructor) as string | string[]) ?? '/',
    );
    const prototype = Object.getPrototypeOf(controller) as Record<string, Method>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = prototype[methodName];
      if (typeof method !== 'function' || !Reflect.hasMetadata(PATH_METADATA, method)) continue;
      const paths = ([] as string[]).concat(
        Reflect.getMetadata(PATH_METADATA, method) as string | string[],
      );
      for (const prefix of prefixes) for (const path of paths) urls.add(join(prefix, path));
    }
  }
  return urls;
}

/**
 * Every Fastify route must declare `config.permissions`, unless it is a Nest controller route
 * (in `nestUrls`; undeclaredControllerRoutes checks those) or the GraphQL endpoint (whose fields
 * undeclaredResolvers checks).
 */
export function undeclaredFastifyRoutes(
  server: string,
  routes: readonly RouteRecord[],
  nestUrls: ReadonlySet<string>,
  graphqlPath: string | null,
): string[] {
  return routes
    .filter((r) => r.permissions === undefined && !nestUrls.has(r.url) && r.url !== graphqlPath)
    .map((r) => `${server} port: ${r.methods.join(',')} ${r.url} has no config.permissions`);
}

/**
 * What each root field declares, from the resolver methods of `instances`: `Mutation.login` →
 * `[]` (public), `Mutation.revokeApiKey` → `['admin']`.
 */
export function rootFieldPermissions(instances: readonly object[]): Map<string, Permission[]> {
  const out = new Map<string, Permission[]>();
  for (const instance of instances) {
    const prototype = Object.getPrototypeOf(instance) as Record<string, Method>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = prototype[methodName];
      if (typeof method !== 'function') continue;
      const root = Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) as unknown;
      if (!ROOT_TYPES.includes(root as (typeof ROOT_TYPES)[number])) continue;
      const name = (Reflect.getMetadata(RESOLVER_NAME_METADATA, method) as string) || methodName;
      const permissions = reflector.getAllAndOverride<Permission[] | undefined>(
        REQUIRED_PERMISSIONS,
        [method, instance.constructor],
      );
      if (permissions !== undefined) out.set(`${String(root)}.${name}`, permissions);
    }
  }
  return out;
}
