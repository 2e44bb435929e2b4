import type { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';

/**
 * Caps the size of one graphql-ws message. Nest builds the WebSocketServer itself, with ws's
 * default of 100 MiB, and passes no options through; ws reads `maxPayload` from the server's
 * options for every connection it accepts, so setting it before the first upgrade is enough.
 * A bigger message closes the socket with 1009 (message too big) before it is buffered whole.
 */
export function capSubscriptionMessages(app: INestApplication, maxBytes: number): void {
  const adapter = app.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const wss = adapter._subscriptionService?.wss;
  // Fails the start rather than run unbounded if a Nest upgrade moves the server.
  if (!wss?.options) throw new Error('cannot find the graphql-ws WebSocketServer to bound it');
  wss.options.maxPayload = maxBytes;
}
