import { Controller, Get, NotFoundException, Param, Req, StreamableFile } from '@nestjs/common';

import { Authorize } from '../../common/auth/authorize.decorator';
import type { Principal } from '../tenancy/principal';
import { PrivacyError } from './privacy.errors';
import { PrivacyService } from './privacy.service';

/** Streams a finished export archive to an admin of the tenant it belongs to. */
@Controller('api/v1/exports')
@Authorize('admin')
export class ExportDownloadController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get(':jobId')
  async download(
    @Req() req: { principal?: Principal },
    @Param('jobId') jobId: string,
  ): Promise<StreamableFile> {
    // AuthGuard has set the principal (this route declares `admin`).
    const principal = req.principal as Principal;
    try {
      const file = await this.privacy.openExport(principal, jobId);
      return new StreamableFile(file.stream, {
        type: 'application/gzip',
        length: file.size,
        disposition: `attachment; filename="${file.filename}"`,
      });
    } catch (err) {
      // Another tenant's export, a missing one and an unfinished one look alike from outside.
      if (err instanceof PrivacyError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
