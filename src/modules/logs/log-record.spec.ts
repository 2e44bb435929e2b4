import { storedCategory } from './log-record';

describe(storedCategory.name, () => {
  it.each([
    [{ category: 'security', categoryConfidence: 0.87 }, 'security', 0.87],
    [{ category: 'security', categoryConfidence: 0 }, 'security', 0],
    [{ category: 'security', categoryConfidence: 1 }, 'security', 1],
    [{ category: 'routine' }, 'routine', null],
    [{ category: 'routine', categoryConfidence: null }, 'routine', null],
    [{ category: 'routine', categoryConfidence: Number.NaN }, 'routine', null],
    [{ category: 'routine', categoryConfidence: Number.NEGATIVE_INFINITY }, 'routine', null],
    [{ category: 'routine', categoryConfidence: -0.001 }, 'routine', null],
    [{ category: 'routine', categoryConfidence: 1.001 }, 'routine', null],
    [{}, null, null],
    [{ category: null, categoryConfidence: 0.5 }, null, null],
    [{ category: '', categoryConfidence: 0.5 }, null, null],
  ])('keeps %j as category %p, confidence %p', (fields, category, categoryConfidence) => {
    expect(storedCategory(fields)).toEqual({ category, categoryConfidence });
  });
});
