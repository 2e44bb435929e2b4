import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';

import { Authenticator } from '../../modules/tenancy/authenticator.service';
import { originOf } from '../auth/request-origin.decorator';
import type { Principal } from '../../modules/tenancy/principal';
import { RevocationBus } from '../../modules/tenancy/revocation-bus';

/** The part of graphql-ws' `extra` (graphql-ws/use/ws) we use. */
export interface WsExtra {
  socket?: { close(code: number, reason: string): void };
  principal?: Principal;
  session?: WsSession;
  /** The HTTP upgrade request (the client's address, for the audit log). */
  request?: Parameters<typeof originOf>[0];
}

interface WsSession {
  extra: WsExtra;
  /** The `connection_init` payload, to authenticate the credential again. */
  params: Record<string, unknown>;
  principal: Principal;
  expiryTimer: NodeJS.Timeout | null;
  closed: boolean;
}

/** setTimeout's limit; a later expiry is re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Authentication of graphql-ws connections, for the whole life of each connection:
 * - `connection_init` authenticates (no valid credential → 4401, not allowed to read → 4403);
 * - every `subscribe` authenticates the credential again (revoked or expired → error, 4403);
 * - open connections are registered per credential and closed with 4403 as soon as the
 *   credential is revoked on any replica (RevocationBus) or expires.
 */
@Injectable()
export class WsSessions implements OnModuleInit, OnModuleDestroy {
  readonly #logger = new Logger(WsSessions.name);
  readonly #byCredential = new Map<string, Set<WsSession>>();
  #unlisten: (() => void) | null = null;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly bus: RevocationBus,
  ) {}

  onModuleInit(): void {
    this.#unlisten = this.bus.listen({
      revoked: (r) => this.recheckGroup(credentialKey(r.kind, r.id)),
      resync: () => {
        for (const key of this.#byCredential.keys()) this.recheckGroup(key);
      },
    });
  }

  onModuleDestroy(): void {
    this.#unlisten?.();
    for (const set of this.#byCredential.values()) for (const s of set) clearTimer(s);
  }

  /** How many connections are open for a credential (for tests and metrics). */
  openConnections(kind: Principal['kind'], id: string): number {
    return this.#byCredential.get(credentialKey(kind, id))?.size ?? 0;
  }

  readonly onConnect = async (ctx: WsContext): Promise<boolean> => {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    const extra = ctx.extra as WsExtra;
    const principal = await this.authenticator.authenticateConnectionParams(params);
    if (!principal) {
      extra.socket?.close(CloseCode.Unauthorized, 'Unauthorized');
      return false;
    }
    if (!principal.permissions.has('read')) return false; // graphql-ws closes with 4403 Forbidden
    extra.principal = principal;
    const session: WsSession = { extra, params, principal, expiryTimer: null, closed: false };
    extra.session = session;
    this.track(session);
    return true;
  };

  readonly onSubscribe = async (ctx: WsContext): Promise<readonly GraphQLError[] | void> => {
    const session = (ctx.extra as WsExtra).session;
    if (!session) return; // not acknowledged: graphql-ws itself closes with 4401
    if (await this.recheck(session)) return;
    return [
      new GraphQLError('the credential of this connection was revoked or has expired', {
        extensions: { code: 'UNAUTHENTICATED' },
      }),
    ];
  };

  readonly onClose = (ctx: WsContext): void => {
    const session = (ctx.extra as WsExtra).session;
    if (session) this.untrack(session);
  };

  /** Authenticates the session's credential again; closes the connection when it fails. */
  private async recheck(session: WsSession): Promise<boolean> {
    if (session.closed) return false;
    let principal: Principal | null;
    try {
      principal = await this.authenticator.authenticateConnectionParams(session.params);
    } catch (err) {
      this.#logger.warn(`could not re-check a graphql-ws credential: ${String(err)}`);
      return true; // a database hiccup does not disconnect everyone; the next check decides
    }
    if (session.closed) return false;
    if (!principal?.permissions.has('read')) {
      this.close(session);
      return false;
    }
    session.principal = principal;
    session.extra.principal = principal;
    this.armExpiry(session);
    return true;
  }

  private recheckGroup(key: string): void {
    const set = this.#byCredential.get(key);
    if (!set) return;
    const sessions = [...set];
    // One after another: the first fills the credential cache for the rest.
    void (async () => {
      for (const s of sessions) await this.recheck(s);
    })();
  }

  private close(session: WsSession): void {
    this.untrack(session);
    // After the current message's answer (an error for a refused subscribe) has been queued.
    setImmediate(() => session.extra.socket?.close(CloseCode.Forbidden, 'Forbidden'));
  }

  private track(session: WsSession): void {
    const key = credentialKey(session.principal.kind, session.principal.subjectId);
    let set = this.#byCredential.get(key);
    if (!set) {
      set = new Set();
      this.#byCredential.set(key, set);
    }
    set.add(session);
    this.armExpiry(session);
  }

  private untrack(session: WsSession): void {
    session.closed = true;
    clearTimer(session);
    const key = credentialKey(session.principal.kind, session.principal.subjectId);
    const set = this.#byCredential.get(key);
    set?.delete(session);
    if (set?.size === 0) this.#byCredential.delete(key);
  }

  private armExpiry(session: WsSession): void {
    clearTimer(session);
    const expiresAt = session.principal.expiresAt;
    if (!expiresAt) return;
    const delay = Math.max(0, Math.min(expiresAt.getTime() - Date.now(), MAX_TIMER_MS));
    session.expiryTimer = setTimeout(() => void this.recheck(session), delay);
    session.expiryTimer.unref();
  }
}

function credentialKey(kind: Principal['kind'], id: string): string {
  return `${kind}:${id}`;
}

function clearTimer(session: WsSession): void {
  if (session.expiryTimer) clearTimeout(session.expiryTimer);
  session.expiryTimer = null;
}
