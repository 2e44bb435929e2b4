import { normaliseSeverity } from './severity';
import { categoryNames, DEFAULT_TAXONOMY, type Taxonomy, validateTaxonomy } from './taxonomy';
import { FALLBACK_STRENGTH, weakLabel } from './weak-labels';

describe(weakLabel.name, () => {
  it.each([
    ['Failed password for root from 1.2.3.4 port 22 ssh2', 'authentication'],
    ['reverse mapping checking getaddrinfo failed - POSSIBLE BREAK-IN ATTEMPT!', 'security'],
    ['Deadlock found when trying to get lock; try restarting transaction', 'database'],
    ['write failed: No space left on device', 'storage'],
    ['Circuit breaker pricing is OPEN after 12 failures', 'dependency_failure'],
    ['Missing required environment variable DATABASE_URL', 'configuration'],
    ['Slow request: GET /orders took 5300ms', 'performance'],
    ['Rolling update of web to version 1.4.2 started', 'deployment'],
    ['java.lang.NullPointerException at com.acme.Cart.total', 'application_error'],
  ])('labels %s as %s', (message, category) => {
    expect(weakLabel({ message }, DEFAULT_TAXONOMY)?.category).toBe(category);
  });

  it('scores one per keyword and two per pattern: strength best / (best + runner-up + 1)', () => {
    const taxonomy: Taxonomy = {
      version: 1,
      categories: [
        { name: 'x', description: '', keywords: ['alpha', 'beta'] },
        { name: 'y', description: '', keywords: ['gamma'], patterns: ['delta \\d'] },
      ],
    };
    // x: alpha + beta = 2; y: gamma + pattern = 3.
    expect(weakLabel({ message: 'alpha beta gamma delta 7' }, taxonomy)).toEqual({
      category: 'y',
      strength: 3 / (3 + 2 + 1),
    });
    // A tie goes to the category listed first.
    expect(weakLabel({ message: 'alpha gamma' }, taxonomy)).toEqual({
      category: 'x',
      strength: 1 / 3,
    });
  });

  it('falls back on severity when no rule matches, else returns null', () => {
    expect(weakLabel({ message: 'zzz qqq', severity: 'ERROR' }, DEFAULT_TAXONOMY)).toEqual({
      category: 'application_error',
      strength: FALLBACK_STRENGTH,
    });
    expect(weakLabel({ message: 'zzz qqq', severity: 'info' }, DEFAULT_TAXONOMY)?.category).toBe(
      'routine',
    );
    expect(weakLabel({ message: 'zzz qqq', severity: 'warning' }, DEFAULT_TAXONOMY)).toBeNull();
    expect(weakLabel({ message: 'zzz qqq' }, DEFAULT_TAXONOMY)).toBeNull();
  });

  it('reads the template when the message is empty', () => {
    expect(
      weakLabel({ message: '', template: 'Failed password for <*>' }, DEFAULT_TAXONOMY)?.category,
    ).toBe('authentication');
  });
});

describe(validateTaxonomy.name, () => {
  it('accepts the default taxonomy, whose eleven categories are the documented ones', () => {
    expect(categoryNames(validateTaxonomy(DEFAULT_TAXONOMY))).toEqual([
      'security',
      'authentication',
      'database',
      'network',
      'storage',
      'performance',
      'configuration',
      'dependency_failure',
      'application_error',
      'deployment',
      'routine',
    ]);
  });

  it('rejects malformed taxonomies with TypeError', () => {
    const ok = { name: 'a', description: 'A' };
    expect(() => validateTaxonomy({ version: 2, categories: [] })).toThrow(TypeError);
    expect(() => validateTaxonomy({ version: 1, categories: [ok, ok] })).toThrow(TypeError);
    expect(() =>
      validateTaxonomy({
        version: 1,
        categories: [ok, { name: 'b', description: '', patterns: ['('] }],
      }),
    ).toThrow(TypeError);
    expect(() =>
      validateTaxonomy({
        version: 1,
        categories: [ok, { name: 'b', description: '' }],
        severityFallbacks: { error: 'zzz' },
      }),
    ).toThrow(TypeError);
    expect(() =>
      validateTaxonomy({
        version: 1,
        categories: [ok, { name: 'b', description: '', keywords: [1] }],
      }),
    ).toThrow(TypeError);
  });
});

describe(normaliseSeverity.name, () => {
  it.each([
    ['WARNING', 'warn'],
    ['notice', 'info'],
    ['crit', 'fatal'],
    ['combo', 'unknown'],
    [undefined, 'unknown'],
  ])('maps %s to %s', (raw, level) => {
    expect(normaliseSeverity(raw)).toBe(level);
  });
});
