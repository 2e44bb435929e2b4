import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

import type { ExportSink } from '../../common/privacy/erasure-participant';

/**
 * Writes an export archive: gzip-compressed NDJSON, one `{"type": ..., "row": ...}` per line.
 * Lines go out as they come (waiting when the file falls behind), into `<path>.partial`, renamed
 * to `path` only once complete, so a half-written archive is never offered for download.
 */
export class NdjsonGzipWriter implements ExportSink {
  readonly #gzip: Gzip = createGzip();
  readonly #partial: string;
  readonly #done: Promise<void>;
  #failure: Error | null = null;

  constructor(private readonly path: string) {
    this.#partial = `${path}.partial`;
    const file = createWriteStream(this.#partial, { mode: 0o600 });
    this.#done = pipeline(this.#gzip, file);
    this.#done.catch((err: unknown) => {
      this.#failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  async write(type: string, row: unknown): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (!this.#gzip.write(`${JSON.stringify({ type, row })}\n`)) {
      await Promise.race([once(this.#gzip, 'drain'), this.#done]);
    }
  }

  /** Completes the archive; returns its compressed size. */
  async finish(): Promise<number> {
    this.#gzip.end();
    await this.#done;
    await rename(this.#partial, this.path);
    return (await stat(this.path)).size;
  }

  /** Abandons the archive and removes what was written. */
  async abort(): Promise<void> {
    this.#gzip.destroy();
    await this.#done.catch(() => undefined);
    await unlink(this.#partial).catch(() => undefined);
  }
}
