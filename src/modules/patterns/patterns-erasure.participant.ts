import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import { emptyParamStats, countValue, type ParamStats } from './pattern-accumulator';
import { PatternRepository } from './pattern.repository';
import { PatternsService } from './patterns.service';

/**
 * Patterns in GDPR jobs: the catalogue and hourly counts are exported and erased here, with the
 * miners' checkpoints. A data subject's identifiers are replaced in templates, examples and
 * parameter statistics; the learned miner state (which may hold them as template constants) is
 * discarded and relearned, under the same ids since ids derive from the templates.
 */
@Injectable()
export class PatternsErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'patterns';
  readonly order = 110;
  readonly tables = ['patterns', 'pattern_counts', 'template_snapshots'];

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly repo: PatternRepository,
    private readonly patterns: PatternsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts> {
    await this.patterns.flush();
    const { patterns, counts } = await this.repo.exportRows(tenantId);
    for (const p of patterns) await sink.write('patterns', p);
    for (const c of counts) {
      await sink.write('pattern_counts', { ...c, count: Number(c.count) });
    }
    return { 'patterns.patterns': patterns.length, 'patterns.counts': counts.length };
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    await this.patterns.resetTenant(tenantId);
    const erased = await this.repo.eraseTenant(tenantId);
    // A batch mined while the rows were deleted must not bring the tenant back.
    this.patterns.forgetTenant(tenantId);
    return {
      'patterns.patterns': erased.patterns ?? 0,
      'patterns.counts': erased.pattern_counts ?? 0,
      'patterns.snapshots': erased.template_snapshots ?? 0,
    };
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matcher = new SubjectMatcher(identifiers);
    await this.patterns.flush();
    // Every replica drops its miners (they may hold the subject's values as constants).
    await this.patterns.resetTenant(tenantId);
    const snapshots = await this.repo.deleteSnapshots(tenantId);
    const changed = await this.repo.rewriteRows(tenantId, (row) => {
      let hits = 0;
      const template = matcher.redact(row.template);
      hits += template.hits;
      const examples = row.examples.map((e) => {
        const r = matcher.redact(e);
        hits += r.hits;
        return r.text;
      });
      const paramStats = row.paramStats.map((s) => {
        const r = eraseFromStats(s, matcher);
        hits += r.hits;
        return r.stats;
      });
      return hits === 0 ? null : { template: template.text, examples, paramStats };
    });
    return { 'patterns.patterns': changed, 'patterns.snapshots': snapshots };
  }
}

/** A position's statistics with the subject's values replaced (their counts join `[erased]`). */
export function eraseFromStats(
  stats: ParamStats,
  matcher: SubjectMatcher,
): { stats: ParamStats; hits: number } {
  let hits = 0;
  const out = emptyParamStats();
  out.other = stats.other;
  out.numeric = stats.numeric;
  for (const [value, n] of Object.entries(stats.top)) {
    const r = matcher.redact(value);
    hits += r.hits;
    countValue(out, r.text, n);
  }
  // countValue would count numbers again: the original numeric summary stands.
  out.numeric = stats.numeric;
  return { stats: out, hits };
}
