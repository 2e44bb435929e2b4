import { Injectable } from '@nestjs/common';

import { uncertainty } from '../../ml/classify/active-learning';
import { ClassificationService } from '../classification/classification.service';
import { PatternCatalogService } from '../patterns/pattern-catalog.service';
import { FeedbackRepository } from './feedback.repository';

/** Patterns of the last week considered for the queue (the busiest). */
const CANDIDATE_PATTERNS = 500;

/** One item of the labelling queue: a pattern, one of its lines, and what the model thinks. */
export interface LabelingItem {
  patternId: string;
  service: string;
  template: string;
  example: string;
  /** Its records over the last week. */
  count: number;
  category: string;
  confidence: number;
  /** How unsure the model is, 0 (sure) to 1 (a coin toss between the top two). */
  uncertainty: number;
  /** The runner-up category. */
  alternative: string | null;
}

/**
 * Active learning: the patterns of the last week the active model (or, before one, the rules)
 * is least sure of — margin sampling weighted by how many records a pattern has, one item per
 * pattern — leaving out patterns a person already labelled, so ten minutes of labelling teach
 * the next model the most.
 */
@Injectable()
export class LabelingService {
  constructor(
    private readonly patterns: PatternCatalogService,
    private readonly classification: ClassificationService,
    private readonly feedback: FeedbackRepository,
  ) {}

  async queue(tenantId: string, first: number, now = Date.now()): Promise<LabelingItem[]> {
    const [page, labelled] = await Promise.all([
      this.patterns.list(
        tenantId,
        { from: new Date(now - 7 * 86_400_000), to: new Date(now) },
        CANDIDATE_PATTERNS,
        null,
      ),
      this.feedback.transaction(tenantId, (tx) => this.feedback.labelledPatterns(tx)),
    ]);
    const candidates = [];
    for (const p of page.patterns) {
      if (labelled.has(p.id) || p.rangeCount <= 0) continue;
      const example = p.examples[0] ?? p.template;
      const prediction = await this.classification.predict(tenantId, {
        message: example,
        template: p.template,
        service: p.service,
        patternId: p.id,
      });
      candidates.push({ patternId: p.id, pattern: p, example, prediction });
    }
    // Margin sampling, weighted by 1 + ln(records): a pattern's label teaches about all of them.
    return candidates
      .map((c) => {
        const ranked = Object.entries(c.prediction.probabilities).sort((a, b) => b[1] - a[1]);
        const u = uncertainty(
          ranked.map(([, p]) => p),
          'margin',
        );
        return {
          item: {
            patternId: c.pattern.id,
            service: c.pattern.service,
            template: c.pattern.template,
            example: c.example,
            count: c.pattern.rangeCount,
            category: c.prediction.category,
            confidence: c.prediction.confidence,
            uncertainty: u,
            alternative: ranked[1]?.[0] ?? null,
          },
          score: u * (1 + Math.log(Math.max(1, c.pattern.rangeCount))),
        };
      })
      .sort((a, b) => b.score - a.score || a.item.patternId.localeCompare(b.item.patternId))
      .slice(0, first)
      .map((s) => s.item);
  }
}
