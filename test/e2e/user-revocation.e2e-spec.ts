import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { WsSessions } from 'src/common/graphql/ws-sessions';

import { codeOf, COUNT_LOGS, createMember, login, PASSWORD } from '../support/test-users';
import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p, tenant: "acme") { accessToken } }`;

describe('user tokens across replicas, over graphql-ws, and login lockout', () => {
  let sut: TestVigil;
  let replica: TestVigil;
  let acme: TestTenant;
  const clients: Client[] = [];

  beforeAll(async () => {
    sut = await TestVigil.start();
    replica = await sut.replica();
    acme = await sut.createTenant('acme');
    await createMember(sut, acme, 'owner@example.com', 'owner');
    for (const who of ['ann', 'bob', 'cy', 'tail']) {
      await createMember(sut, acme, `${who}@example.com`, 'viewer');
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await replica.close();
    await sut.close();
  });

  /** Polls the replica for a refusal; well under the 10 s cache TTL, so only the bus explains it. */
  const refusedOnReplica = async (token: string): Promise<string> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const code = codeOf(await replica.graphql(token, COUNT_LOGS));
      if (code !== 'OK' || Date.now() > deadline) return code;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('a token issued by one replica works on the other (keys shared through Postgres)', async () => {
    const s = await login(sut, 'ann@example.com', 'acme');
    expect(codeOf(await replica.graphql(s.accessToken, COUNT_LOGS))).toBe('OK');
    const viaReplica = await login(replica, 'ann@example.com', 'acme');
    expect(codeOf(await sut.graphql(viaReplica.accessToken, COUNT_LOGS))).toBe('OK');
  });

  it('logoutEverywhere on one replica stops the tokens on the other at once', async () => {
    const a = await login(sut, 'bob@example.com', 'acme');
    const b = await login(replica, 'bob@example.com', 'acme');
    // Warm the replica's cache with both sessions.
    expect(codeOf(await replica.graphql(a.accessToken, COUNT_LOGS))).toBe('OK');
    expect(codeOf(await replica.graphql(b.accessToken, COUNT_LOGS))).toBe('OK');
    const out = await sut.graphql(a.accessToken, `mutation { logoutEverywhere }`);
    expect(out).toEqual({ data: { logoutEverywhere: true } });
    expect(await refusedOnReplica(a.accessToken)).toBe('UNAUTHENTICATED');
    expect(await refusedOnReplica(b.accessToken)).toBe('UNAUTHENTICATED');
  });

  it('removeMember on one replica stops the member on the other at once', async () => {
    const owner = await login(sut, 'owner@example.com', 'acme');
    const cy = await login(sut, 'cy@example.com', 'acme');
    expect(codeOf(await replica.graphql(cy.accessToken, COUNT_LOGS))).toBe('OK');
    const removed = await sut.graphql(
      owner.accessToken,
      `mutation($u: ID!) { removeMember(userId: $u) }`,
      {
        u: cy.user.id,
      },
    );
    expect(removed).toEqual({ data: { removeMember: true } });
    expect(await refusedOnReplica(cy.accessToken)).toBe('UNAUTHENTICATED');
    await expect(login(sut, 'cy@example.com', 'acme')).rejects.toThrow(/login failed/);
  });

  it('closes a user’s live tail on another replica with 4403 when they log out everywhere', async () => {
    await createMember(sut, acme, 'dee@example.com', 'viewer');
    const s = await login(sut, 'dee@example.com', 'acme');
    let closedWith: (code: number) => void;
    const closed = new Promise<number>((r) => (closedWith = r));
    const client = createClient({
      url: replica.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { accessToken: s.accessToken },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (e) => closedWith((e as { code: number }).code) },
    });
    clients.push(client);
    const tail = (async () => {
      for await (const _ of client.iterate({
        query: `subscription { logTail(filter: {}) { body } }`,
      }));
    })();
    tail.catch(() => undefined);
    const sessions = replica.vigil.app.get(WsSessions);
    for (let i = 0; i < 100 && sessions.openConnections('user', s.user.id) === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sessions.openConnections('user', s.user.id)).toBe(1);

    const out = await sut.graphql(s.accessToken, `mutation { logoutEverywhere }`);
    expect(out).toEqual({ data: { logoutEverywhere: true } });
    expect(await closed).toBe(4403);
    expect(sessions.openConnections('user', s.user.id)).toBe(0);
  });

  it('authenticates graphql-ws connection_init with an access token for logTail', async () => {
    const s = await login(sut, 'tail@example.com', 'acme');
    const closes: number[] = [];
    const connect = (params: Record<string, unknown>) => {
      const c = createClient({
        url: sut.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: params,
        retryAttempts: 0,
        lazy: true,
        on: { closed: (e) => closes.push((e as { code: number }).code) },
      });
      clients.push(c);
      return c;
    };
    for (const params of [
      { authorization: `Bearer ${s.accessToken}` },
      { accessToken: s.accessToken },
    ]) {
      const c = connect(params);
      const received = (async () => {
        for await (const event of c.iterate<{ logTail: { body: string } }>({
          query: `subscription { logTail(filter: { query: "jwt" }) { body } }`,
        })) {
          if (event.errors) throw new Error(JSON.stringify(event.errors));
          return event.data!.logTail.body;
        }
        return null;
      })();
      await new Promise((r) => setTimeout(r, 500)); // the subscription reaches Redis
      const res = await fetch(`${sut.esUrl}/_bulk`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${acme.ingestKey}`,
          'content-type': 'application/x-ndjson',
        },
        body: ndjson([{ create: { _index: 'tail' } }, { message: 'tailed with a jwt' }]),
      });
      expect(res.status).toBe(200);
      await expect(received).resolves.toBe('tailed with a jwt');
    }
    const forged = connect({ authorization: `Bearer ${s.accessToken.slice(0, -4)}AAAA` });
    const failed = (async () => {
      for await (const _ of forged.iterate({
        query: `subscription { logTail(filter: {}) { body } }`,
      })) {
        return 'received';
      }
      return 'ended';
    })();
    await expect(failed).rejects.toBeDefined();
    expect(closes).toContain(4401);
  });

  it('locks an e-mail after 5 failures, whether or not it exists, without saying which', async () => {
    for (const email of ['owner@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 5; i++) {
        const res = await sut.graphql(null, LOGIN, { e: email, p: 'wrong password!' });
        expect(codeOf(res)).toBe('UNAUTHENTICATED');
      }
      // Even the right password is refused now, on every replica.
      const locked = await replica.graphql(null, LOGIN, { e: email, p: PASSWORD });
      expect(locked.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        [
          'TOO_MANY_ATTEMPTS',
          'too many failed logins: try again in up to 15 minutes or reset the password',
        ],
      ]);
    }
    // Other accounts are not affected.
    expect((await login(sut, 'ann@example.com', 'acme')).role).toBe('viewer');
  });
});
