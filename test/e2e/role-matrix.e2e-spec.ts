import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { Client } from 'pg';

import { displayPrefix, generateApiKey, hashApiKey } from 'src/modules/tenancy/api-key.codec';
import {
  type Permission,
  permissionsOfRole,
  permissionsOfScopes,
  type Role,
  type Scope,
} from 'src/modules/tenancy/principal';

import { rootFieldPermissions } from '../support/authorization-declarations';
import { createMember, login } from '../support/test-users';
import { type TestTenant, TestVigil } from '../support/test-vigil';

interface Credential {
  name: string;
  token: string;
  permissions: Set<Permission>;
  isUser: boolean;
}

/**
 * Mutations that need a signed-in user, not just a permission: an API key is refused whatever
 * its scopes, with FORBIDDEN (changePassword) or UNAUTHENTICATED (logoutEverywhere: no session).
 */
const USER_ONLY = new Set(['changePassword', 'logoutEverywhere']);
/**
 * Refusals that come from a check beyond the declaration, for these placeholder arguments: an
 * API key creates keys with its own scopes at most, and the placeholder asks for `read`, which
 * an admin-scoped key lacks (no escalation through key creation).
 */
const BEYOND_DECLARATION = new Set(['key admin → createApiKey']);
/** Ends the caller's sessions: tried last, so the other mutations still see a live token. */
const LAST = new Set(['logoutEverywhere']);

/**
 * Every mutation of the running schema, called by every role and every API-key scope with
 * placeholder arguments: a caller whose permissions lack the declared ones gets FORBIDDEN, and
 * one whose permissions cover them gets anything but FORBIDDEN (usually NOT_FOUND or a
 * validation error about the placeholders). The list of mutations and their declarations come
 * from the app itself, so a mutation added later is tried without touching this test.
 */
describe('authorization: each role and scope against each mutation', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  const credentials: Credential[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start({ RATE_LIMIT_ENABLED: 'false' });
    tenant = await sut.createTenant('matrix');
    for (const role of ['owner', 'admin', 'editor', 'viewer'] as Role[]) {
      await createMember(sut, tenant, `${role}@matrix.example`, role);
      const session = await login(sut, `${role}@matrix.example`, 'matrix');
      credentials.push({
        name: `user ${role}`,
        token: session.accessToken,
        permissions: permissionsOfRole(role),
        isUser: true,
      });
    }
    const db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
    try {
      for (const scope of ['ingest', 'read', 'admin'] as Scope[]) {
        const key = generateApiKey();
        await db.query(
          `INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes)
           VALUES ($1, $2, $3, $4, $5)`,
          [tenant.id, `${scope} key`, displayPrefix(key), hashApiKey(key), [scope]],
        );
        credentials.push({
          name: `key ${scope}`,
          token: key,
          permissions: permissionsOfScopes([scope]),
          isUser: false,
        });
      }
    } finally {
      await db.end();
    }
  });
  afterAll(() => sut.close());

  it('grants exactly what each mutation declares, to users and keys alike', async () => {
    const app = sut.vigil.app;
    const schema = app.get(GraphQLSchemaHost).schema;
    const providers = new DiscoveryService(app.get(ModulesContainer))
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is object => typeof i === 'object' && i !== null);
    const declared = rootFieldPermissions(providers);
    const mutations = Object.values(schema.getMutationType()!.getFields())
      .filter((f) => (declared.get(`Mutation.${f.name}`) ?? []).length > 0)
      .sort((a, b) => Number(LAST.has(a.name)) - Number(LAST.has(b.name)));
    // Not vacuous: the guarded mutations of the security issue are all here.
    expect(mutations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['createApiKey', 'revokeApiKey', 'changeRole', 'eraseTenant']),
    );

    const mismatches: string[] = [];
    for (const mutation of mutations) {
      const needs = declared.get(`Mutation.${mutation.name}`)!;
      const document = `mutation { ${mutation.name}${argumentsOf(mutation.args)}${selectionOf(mutation.type)} }`;
      for (const credential of credentials) {
        const res = await sut.graphql(credential.token, document);
        const code = res.errors?.[0]?.extensions?.code as string | undefined;
        const refused = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
        const shouldPass =
          needs.every((p) => credential.permissions.has(p)) &&
          (credential.isUser || !USER_ONLY.has(mutation.name));
        const expectRefused =
          !shouldPass || BEYOND_DECLARATION.has(`${credential.name} → ${mutation.name}`);
        if (refused !== expectRefused) {
          mismatches.push(
            `${credential.name} → ${mutation.name} (needs ${needs.join('+')}): ` +
              `${refused ? 'refused' : 'let through'} (${code ?? 'ok'}: ${res.errors?.[0]?.message ?? ''})`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** `(a: "x", b: 1)` with a placeholder for every required argument, or '' when none is. */
function argumentsOf(args: readonly GraphQLArgument[]): string {
  const required = args.filter((a) => isNonNullType(a.type));
  if (required.length === 0) return '';
  return `(${required.map((a) => `${a.name}: ${placeholder(a.type)}`).join(', ')})`;
}

/** A syntactically valid value of the type: well-formed, but naming nothing that exists. */
function placeholder(type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${placeholder(inner.ofType)}]`;
  if (isEnumType(inner)) {
    // The least privileged value (the last of viewer, editor, admin, owner-style orderings).
    const values = inner.getValues();
    return values[values.length - 1]!.name;
  }
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${placeholder(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int':
      case 'Float':
        return '1';
      case 'Boolean':
        return 'false';
      case 'ID':
        return '"00000000-0000-4000-8000-000000000000"';
      case 'JSON':
        return '{}';
      default:
        return '"placeholder"';
    }
  }
  return '"placeholder"';
}

/** `{ __typename }` for object results; nothing for scalars and enums. */
function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  return isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
}
