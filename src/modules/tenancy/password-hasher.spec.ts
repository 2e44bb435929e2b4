import { PasswordHasher, WeakPasswordError } from './password-hasher';

describe(PasswordHasher.name, () => {
  // Cheap parameters keep the suite fast; the format and the comparison are what is tested.
  const sut = new PasswordHasher({ logN: 10, r: 8, p: 1 });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await sut.hash('correct horse battery');
    await expect(sut.verify('correct horse battery', stored)).resolves.toBe(true);
    await expect(sut.verify('correct horse batterx', stored)).resolves.toBe(false);
    await expect(sut.verify('', stored)).resolves.toBe(false);
  });

  it('stores a self-describing string with a fresh salt each time', async () => {
    const a = await sut.hash('correct horse battery');
    const b = await sut.hash('correct horse battery');
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
  });

  it('verifies hashes made with other parameters and flags them for rehashing', async () => {
    const strong = new PasswordHasher({ logN: 11, r: 8, p: 1 });
    const old = await sut.hash('correct horse battery');
    await expect(strong.verify('correct horse battery', old)).resolves.toBe(true);
    expect(strong.needsRehash(old)).toBe(true);
    expect(strong.needsRehash(await strong.hash('correct horse battery'))).toBe(false);
  });

  it('never matches a malformed stored hash', async () => {
    for (const stored of ['', 'plain', 'scrypt$99$8$1$abc$def', 'bcrypt$2$a$b$c$d']) {
      await expect(sut.verify('correct horse battery', stored)).resolves.toBe(false);
    }
  });

  it('refuses passwords shorter than 10 characters', async () => {
    await expect(sut.hash('short1234')).rejects.toThrow(WeakPasswordError);
    await expect(sut.hash('x'.repeat(10))).resolves.toMatch(/^scrypt\$/);
  });
});
