import { inspect } from 'node:util';

import { SecretValue } from './secret-value';

describe(SecretValue.name, () => {
  it('hides its text from every way a value gets printed', () => {
    const sut = new SecretValue('hunter2');
    const printed = [
      String(sut),
      `${sut.toString()}`,
      JSON.stringify({ args: { value: sut } }),
      inspect({ value: sut }, { depth: 5, showHidden: true }),
    ];
    for (const text of printed) expect(text).not.toContain('hunter2');
    expect(sut.reveal()).toBe('hunter2');
  });

  it('keeps non-string input as invalid instead of failing coercion', () => {
    expect(new SecretValue(123).reveal()).toBeNull();
    expect(new SecretValue({ nested: 'x' }).reveal()).toBeNull();
  });
});
