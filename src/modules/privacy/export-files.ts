import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';

/** Export archives on disk: `<EXPORT_DIR>/<tenant id>/<job id>.ndjson.gz`. */
@Injectable()
export class ExportFiles {
  constructor(private readonly config: AppConfig) {}

  /** The archive's path; ids are UUIDs checked by the caller, so no path can escape the directory. */
  path(tenantId: string, jobId: string): string {
    return join(this.config.exportDir, tenantId, `${jobId}.ndjson.gz`);
  }

  async prepare(tenantId: string): Promise<void> {
    await mkdir(join(this.config.exportDir, tenantId), { recursive: true, mode: 0o700 });
  }

  /** Size of a finished archive, or null when there is none. */
  async size(tenantId: string, jobId: string): Promise<number | null> {
    try {
      return (await stat(this.path(tenantId, jobId))).size;
    } catch {
      return null;
    }
  }

  async remove(tenantId: string, jobId: string): Promise<void> {
    await rm(this.path(tenantId, jobId), { force: true });
    await rm(`${this.path(tenantId, jobId)}.partial`, { force: true });
  }

  /** Removes every archive of the tenant; returns whether there was anything. */
  async removeTenant(tenantId: string): Promise<boolean> {
    const dir = join(this.config.exportDir, tenantId);
    const existed = await stat(dir).then(
      () => true,
      () => false,
    );
    await rm(dir, { recursive: true, force: true });
    return existed;
  }
}
