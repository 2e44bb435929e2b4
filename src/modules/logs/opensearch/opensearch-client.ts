import { readFileSync } from 'node:fs';

import { Client } from '@opensearch-project/opensearch';

import type { OpenSearchSettings } from '../../../config/app-config';

/** The official client, with its own retries off: the store retries with backoff and jitter. */
export function createOpenSearchClient(settings: OpenSearchSettings): Client {
  return new Client({
    nodes: settings.nodes,
    auth: settings.auth ?? undefined,
    ssl: {
      ca: settings.caFile ? readFileSync(settings.caFile) : undefined,
      rejectUnauthorized: !settings.tlsInsecure,
    },
    maxRetries: 0,
    requestTimeout: 60_000,
    // JSON.parse makes `__proto__` keys own properties, which is how attributes keep them; the
    // store copies them with defineProperty and never merges parsed objects into others.
    disablePrototypePoisoningProtection: true,
  });
}
