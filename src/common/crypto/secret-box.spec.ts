import { randomBytes } from 'node:crypto';

import { SecretBox, SecretBoxError } from './secret-box';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe(SecretBox.name, () => {
  it('seals to text that holds no plaintext and opens it again', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('xoxb-slack-token', 'tenant:a:secret:slack');
    expect(sealed).not.toContain('xoxb');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(box.open(sealed, 'tenant:a:secret:slack')).toEqual({
      plaintext: 'xoxb-slack-token',
      stale: false,
    });
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox([k1]);
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('refuses another context, a tampered value and an unknown key', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('p@ss', 'tenant:a');
    expect(() => box.open(sealed, 'tenant:b')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'tenant:a')).toThrow(SecretBoxError);
    expect(() => new SecretBox([k2]).open(sealed, 'tenant:a')).toThrow(/unknown key "k1"/);
    expect(() => box.open('plaintext', 'tenant:a')).toThrow(/not a sealed secret/);
  });

  it('opens values sealed under an older key and reports them stale after a rotation', () => {
    const old = new SecretBox([k1]).seal('v', 'c');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(old, 'c')).toEqual({ plaintext: 'v', stale: true });
    const resealed = rotated.seal('v', 'c');
    expect(resealed.startsWith('v1.k2.')).toBe(true);
    expect(rotated.open(resealed, 'c').stale).toBe(false);
  });

  it('parses a key ring from configuration and rejects bad ones', () => {
    const spec = `k2:${k2.key.toString('base64')}, k1:${k1.key.toString('base64')}`;
    expect(SecretBox.fromKeyRing(spec).primaryKeyId).toBe('k2');
    expect(() => SecretBox.fromKeyRing('')).toThrow(/empty/);
    expect(() => SecretBox.fromKeyRing('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => SecretBox.fromKeyRing('nokey')).toThrow(/id:base64key/);
    expect(() => SecretBox.fromKeyRing(spec + `,k1:${k1.key.toString('base64')}`)).toThrow(/twice/);
  });

  it('derives per-purpose keys from the sealing key', () => {
    const box = new SecretBox([k1, k2]);
    expect(box.deriveKey('vigil:cursor')).toHaveLength(32);
    expect(box.deriveKey('vigil:cursor')).toEqual(new SecretBox([k1]).deriveKey('vigil:cursor'));
    expect(box.deriveKey('vigil:cursor')).not.toEqual(box.deriveKey('other'));
    expect(box.deriveKey('vigil:cursor')).not.toEqual(
      new SecretBox([k2]).deriveKey('vigil:cursor'),
    );
  });
});
