import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import { AnomalyDetectionService } from './anomaly-detection.service';
import { AnomalyRepository } from './anomaly.repository';

/**
 * Detection in GDPR jobs: anomalies and settings are exported and erased here with the detector
 * checkpoints. For a data subject, explanations, templates, session keys and subjects of the
 * anomalies are rewritten, and the detectors (whose state holds session keys and pattern
 * parameters) are discarded on every replica and relearned.
 */
@Injectable()
export class DetectionErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'detection';
  readonly order = 120;
  readonly tables = ['anomalies', 'detector_states', 'detection_settings'];

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly repo: AnomalyRepository,
    private readonly detection: AnomalyDetectionService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts> {
    await this.detection.settled(tenantId);
    const { anomalies, settings } = await this.repo.exportRows(tenantId);
    for (const a of anomalies) await sink.write('anomalies', a);
    for (const s of settings) await sink.write('detection_settings', s);
    return { 'detection.anomalies': anomalies.length, 'detection.settings': settings.length };
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    await this.detection.resetTenant(tenantId);
    const erased = await this.repo.eraseTenant(tenantId);
    // Changes delivered while the rows were deleted must not bring the tenant back.
    await this.detection.resetTenant(tenantId);
    return {
      'detection.anomalies': erased.anomalies ?? 0,
      'detection.states': erased.detector_states ?? 0,
      'detection.settings': erased.detection_settings ?? 0,
    };
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matcher = new SubjectMatcher(identifiers);
    await this.detection.settled(tenantId);
    await this.detection.resetTenant(tenantId);
    const states = await this.repo.deleteState(tenantId);
    const changed = await this.repo.rewriteAnomalies(tenantId, (row) => {
      let hits = 0;
      const redact = (text: string) => {
        const r = matcher.redact(text);
        hits += r.hits;
        return r.text;
      };
      const explanation = redact(row.explanation);
      const e = row.evidence;
      const evidence = { ...e };
      if (e.templates) evidence.templates = e.templates.map(redact);
      if (e.sessionKey !== undefined) evidence.sessionKey = redact(e.sessionKey);
      const subjects = row.subjects.map(redact);
      return hits === 0 ? null : { explanation, evidence, subjects };
    });
    return { 'detection.anomalies': changed, 'detection.states': states };
  }
}
