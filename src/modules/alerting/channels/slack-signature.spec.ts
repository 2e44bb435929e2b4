import { createHmac } from 'node:crypto';

import { verifySlackSignature } from './slack-signature';

describe(verifySlackSignature.name, () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  // Computed independently of the implementation: HMAC-SHA256 over "v0:<ts>:<body>".
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const now = new Date(Number(timestamp) * 1000 + 30_000);

  it('accepts the known-good vector', () => {
    expect(signature).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect(verifySlackSignature(secret, timestamp, body, signature, now)).toBe(true);
    expect(verifySlackSignature(secret, timestamp, Buffer.from(body), signature, now)).toBe(true);
  });

  it('rejects requests more than five minutes away from now', () => {
    const late = new Date(Number(timestamp) * 1000 + 301_000);
    const early = new Date(Number(timestamp) * 1000 - 301_000);
    expect(verifySlackSignature(secret, timestamp, body, signature, late)).toBe(false);
    expect(verifySlackSignature(secret, timestamp, body, signature, early)).toBe(false);
  });

  it('rejects a wrong secret, a tampered body, a missing or malformed header', () => {
    expect(verifySlackSignature('wrong', timestamp, body, signature, now)).toBe(false);
    expect(verifySlackSignature(secret, timestamp, `${body}&x=1`, signature, now)).toBe(false);
    expect(verifySlackSignature(secret, undefined, body, signature, now)).toBe(false);
    expect(verifySlackSignature(secret, timestamp, body, undefined, now)).toBe(false);
    expect(verifySlackSignature(secret, '1531420618.5', body, signature, now)).toBe(false);
    expect(verifySlackSignature(secret, timestamp, body, signature.slice(0, -1), now)).toBe(false);
    expect(
      verifySlackSignature(secret, timestamp, body, signature.replace('v0=', 'v1='), now),
    ).toBe(false);
  });
});
