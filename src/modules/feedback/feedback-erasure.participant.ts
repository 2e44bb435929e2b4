import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { redactDeep } from '../../common/privacy/redact-deep';
import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import { FeedbackRepository } from './feedback.repository';

/**
 * Feedback in GDPR jobs. Labels copy what was labelled (a log line, a pattern's example), so a
 * data subject's identifiers are replaced there too; the tenant's tables are exported and
 * erased by the privacy module's generic participant. Models hold hashed features only.
 */
@Injectable()
export class FeedbackErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'feedback';
  readonly order = 140;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly repo: FeedbackRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  exportTenant(_tenantId: string, _sink: ExportSink): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  eraseTenant(_tenantId: string): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matcher = new SubjectMatcher(identifiers);
    const changed = await this.repo.transaction(tenantId, async (tx) => {
      let n = 0;
      for (const row of await this.repo.subjects(tx)) {
        const r = redactDeep(row.subject, matcher);
        const by = matcher.redact(row.givenBy);
        if (r.hits + by.hits === 0) continue;
        await this.repo.replaceSubject(tx, row.id, r.value, by.text);
        n++;
      }
      return n;
    });
    return { 'feedback.labels': changed };
  }
}
