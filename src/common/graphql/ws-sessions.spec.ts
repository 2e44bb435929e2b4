import type { GraphQLError } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';

import type { Authenticator } from '../../modules/tenancy/authenticator.service';
import { permissionsOfScopes, type Principal, type Scope } from '../../modules/tenancy/principal';
import type { RevocationBus, RevocationListener } from '../../modules/tenancy/revocation-bus';
import { WsSessions } from './ws-sessions';

/** Credentials by API key; deleting one revokes it. */
class FakeAuthenticator {
  readonly keys = new Map<string, Principal>();

  add(key: string, scopes: Scope[], expiresAt: Date | null = null): Principal {
    const principal: Principal = {
      tenantId: 't',
      tenantSlug: 't',
      kind: 'api_key',
      subjectId: `id-${key}`,
      label: key,
      role: null,
      permissions: permissionsOfScopes(scopes),
      expiresAt,
    };
    this.keys.set(key, principal);
    return principal;
  }

  authenticateConnectionParams(params: Record<string, unknown>): Promise<Principal | null> {
    const p = this.keys.get(String(params.apiKey));
    return Promise.resolve(p && (!p.expiresAt || p.expiresAt.getTime() > Date.now()) ? p : null);
  }
}

class FakeBus {
  readonly listeners = new Set<RevocationListener>();
  listen(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  revoke(id: string): void {
    for (const l of this.listeners) l.revoked({ kind: 'api_key', id, tenantId: 't' });
  }
}

class RecordingSocket {
  readonly closes: Array<[number, string]> = [];
  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
  }
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTurn();
};

describe(WsSessions.name, () => {
  let auth: FakeAuthenticator;
  let bus: FakeBus;
  let sut: WsSessions;

  beforeEach(() => {
    auth = new FakeAuthenticator();
    bus = new FakeBus();
    sut = new WsSessions(auth as unknown as Authenticator, bus as unknown as RevocationBus);
    sut.onModuleInit();
  });
  afterEach(() => sut.onModuleDestroy());

  const connect = async (apiKey: string) => {
    const socket = new RecordingSocket();
    const ctx = { connectionParams: { apiKey }, extra: { socket } } as unknown as WsContext;
    const accepted = await sut.onConnect(ctx);
    return { socket, ctx, accepted };
  };

  it('refuses connection_init without a valid credential (4401) or without read (false → 4403)', async () => {
    auth.add('ingest-only', ['ingest']);
    const none = await connect('unknown');
    expect(none.accepted).toBe(false);
    expect(none.socket.closes).toEqual([[4401, 'Unauthorized']]);
    const ingest = await connect('ingest-only');
    expect(ingest.accepted).toBe(false);
    expect(ingest.socket.closes).toEqual([]);
  });

  it('re-checks the credential at every subscribe and closes with 4403 once it fails', async () => {
    auth.add('k', ['read']);
    const c = await connect('k');
    expect(c.accepted).toBe(true);
    await expect(sut.onSubscribe(c.ctx)).resolves.toBeUndefined();

    auth.keys.delete('k'); // revoked, and this replica never heard of it
    const refused = await sut.onSubscribe(c.ctx);
    expect(refused).toHaveLength(1);
    expect((refused as GraphQLError[])[0]!.extensions.code).toBe('UNAUTHENTICATED');
    await flush();
    expect(c.socket.closes).toEqual([[4403, 'Forbidden']]);
    expect(sut.openConnections('api_key', 'id-k')).toBe(0);
  });

  it('closes every connection of a revoked credential, and only those', async () => {
    auth.add('a', ['read']);
    auth.add('b', ['read']);
    const a1 = await connect('a');
    const a2 = await connect('a');
    const b = await connect('b');
    expect(sut.openConnections('api_key', 'id-a')).toBe(2);

    auth.keys.delete('a');
    bus.revoke('id-a');
    await flush();
    expect(a1.socket.closes).toEqual([[4403, 'Forbidden']]);
    expect(a2.socket.closes).toEqual([[4403, 'Forbidden']]);
    expect(b.socket.closes).toEqual([]);
    expect(sut.openConnections('api_key', 'id-a')).toBe(0);
    expect(sut.openConnections('api_key', 'id-b')).toBe(1);
  });

  it('keeps a connection whose credential was only changed, and forgets closed ones', async () => {
    auth.add('r', ['read']);
    const c = await connect('r');
    bus.revoke('id-r'); // e.g. rotated: still valid for the overlap
    await flush();
    expect(c.socket.closes).toEqual([]);
    sut.onClose(c.ctx);
    expect(sut.openConnections('api_key', 'id-r')).toBe(0);
  });

  it('closes a connection when its credential expires', async () => {
    auth.add('soon', ['read'], new Date(Date.now() + 30));
    const c = await connect('soon');
    expect(c.accepted).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    await flush();
    expect(c.socket.closes).toEqual([[4403, 'Forbidden']]);
  });
});
