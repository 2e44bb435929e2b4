import { createHash } from 'node:crypto';

/**
 * The stable id of a template: the first 64 bits of SHA-256 over (tenant, service, canonical
 * template), as 16 hex characters. The same template gets the same id after a restart and on
 * every replica; a generalised template (a token became `<*>`) gets a new id.
 *
 * @example
 *   templateId('acme', 'api', 'Connection from <*> closed'); // '3f0c…' (16 hex chars)
 */
export function templateId(tenant: string, service: string, canonical: string): string {
  return createHash('sha256')
    .update(tenant)
    .update('\u0000')
    .update(service)
    .update('\u0000')
    .update(canonical)
    .digest('hex')
    .slice(0, 16);
}
