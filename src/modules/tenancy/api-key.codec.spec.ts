import { generateApiKey, hashApiKey, hasValidChecksum } from './api-key.codec';

describe('api key codec', () => {
  it('generates distinct vgl_ keys whose checksum verifies', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^vgl_[0-9A-Za-z]{38}$/);
      expect(hasValidChecksum(key)).toBe(true);
    }
  });

  it('rejects a key with one character changed', () => {
    const key = generateApiKey();
    const flipped = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(hasValidChecksum(flipped)).toBe(false);
  });

  it('hashes deterministically to 32 bytes', () => {
    expect(hashApiKey('x').equals(hashApiKey('x'))).toBe(true);
    expect(hashApiKey('x')).toHaveLength(32);
  });
});
