import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';

import type { FastifyInstance } from 'fastify';

import { IngestError } from '../ingest.errors';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Undoes `Content-Encoding`, refusing bodies that inflate past `maxBytes`. */
export async function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    throw new IngestError(
      'BAD_REQUEST',
      `unsupported Content-Encoding "${encoding}" (use gzip or deflate)`,
    );
  }
  try {
    const inflated = encoding === 'deflate' ? inflateAsync : gunzipAsync;
    return await inflated(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IngestError('BODY_TOO_LARGE', `the decompressed body exceeds ${maxBytes} bytes`, {
        cause: err,
      });
    }
    throw new IngestError(
      'BAD_REQUEST',
      `the body is not valid ${encoding}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Makes every body of this plugin's routes arrive as a raw Buffer, whatever its content type. */
export function acceptRawBodies(app: FastifyInstance, maxBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) =>
    done(null, body),
  );
}
