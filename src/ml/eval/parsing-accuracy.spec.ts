import { normalizeTemplate, normalizeWhitespace, parsingAccuracy } from './parsing-accuracy';

describe(normalizeTemplate.name, () => {
  it.each([
    ['Received  block  <*>', 'Received block <*>'],
    ['  padded <*>  ', 'padded <*>'],
    ['BLOCK* ask <*>:<*> to delete blk_<*>', 'BLOCK* ask <*> to delete <*>'],
    ['allocateBlock: /<*>/part-<*>. blk_<*>', 'allocateBlock: <*> <*>'],
    ['at <*>.<*>.<*>', 'at <*>'],
    ['uid=<*> euid=<*>', 'uid=<*> euid=<*>'],
    ['init <*> <*>', 'init <*> <*>'],
    ['[client <*>] forbidden', '[client <*>] forbidden'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeTemplate(input)).toBe(expected);
  });

  it('never turns a constant into a wildcard', () => {
    expect(normalizeTemplate('PAM 2 more failures for root')).toBe('PAM 2 more failures for root');
  });
});

describe(parsingAccuracy.name, () => {
  it('counts lines whose normalised templates are equal', () => {
    expect(parsingAccuracy(['a <*>', 'b <*>:<*>', 'c'], ['a  <*>', 'b <*>', 'd'])).toBeCloseTo(
      2 / 3,
      12,
    );
  });

  it('compares strictly with normalizeWhitespace', () => {
    expect(parsingAccuracy(['a <*>', 'b <*>:<*>'], ['a  <*>', 'b <*>'], normalizeWhitespace)).toBe(
      0.5,
    );
  });

  it('rejects lists of different lengths and empty input', () => {
    expect(() => parsingAccuracy(['a'], ['a', 'b'])).toThrow(RangeError);
    expect(() => parsingAccuracy([], [])).toThrow(RangeError);
  });
});
