import { createHmac } from 'node:crypto';

import { SecretBox } from '../../../common/crypto/secret-box';
import {
  ACTION_LINK_KEY_PURPOSE,
  ActionLinkSigner,
  type AlertActionLink,
  type ApprovalActionLink,
  actionLinkToken,
  isApprovalLink,
} from './action-links';

const key = SecretBox.forDevelopment('action-links').deriveKey(ACTION_LINK_KEY_PURPOSE);
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const now = new Date('2026-11-26T12:00:00Z');
const action: AlertActionLink = {
  tenantId: '7d0e9a55-0000-4000-8000-000000000001',
  kind: 'ack',
  fingerprint: 'fp-1',
  groupKey: '{}:{service="api"}',
  title: 'Error rate <high> & "rising"',
  expiresAt: new Date('2026-11-27T12:00:00Z'),
};

function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

function forge(body: object, signingKey: Buffer): string {
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${encoded}.${createHmac('sha256', signingKey).update(encoded).digest('base64url')}`;
}

describe(ActionLinkSigner.name, () => {
  const sut = new ActionLinkSigner(key, 'https://vigil.example.com/');

  it('links to <base>/api/v1/alert-actions/<payload>.<signature>', () => {
    const url = sut.link(action);
    expect(url).toMatch(
      /^https:\/\/vigil\.example\.com\/api\/v1\/alert-actions\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/,
    );
  });

  it('verifies its own token and gives back the action', () => {
    const result = sut.verify(tokenOf(sut.link(action)), now);
    expect(result).toEqual({ ok: true, action });
  });

  it('round-trips an action without group key or title', () => {
    const bare: AlertActionLink = {
      tenantId: 't',
      kind: 'not_useful',
      fingerprint: 'fp-2',
      expiresAt: new Date('2026-11-26T13:00:00Z'),
    };
    expect(sut.verify(sut.token(bare), now)).toEqual({ ok: true, action: bare });
  });

  it('can be verified again and again until it expires', () => {
    const token = sut.token(action);
    expect(sut.verify(token, now).ok).toBe(true);
    expect(sut.verify(token, now).ok).toBe(true);
    expect(sut.verify(token, new Date('2026-11-27T11:59:59.999Z')).ok).toBe(true);
    expect(sut.verify(token, new Date('2026-11-27T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a payload changed after signing (another tenant)', () => {
    const [, signature] = sut.token(action).split('.');
    const body = Buffer.from(
      JSON.stringify({
        v: 1,
        t: 'other-tenant',
        k: 'ack',
        f: 'fp-1',
        e: action.expiresAt.getTime(),
      }),
    ).toString('base64url');
    expect(sut.verify(`${body}.${signature}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a changed signature character and a token of another key', () => {
    const token = sut.token(action);
    const at = token.length - 20;
    const changed = B64URL[(B64URL.indexOf(token[at] ?? 'A') + 1) % 64] ?? 'A';
    expect(sut.verify(`${token.slice(0, at)}${changed}${token.slice(at + 1)}`, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const other = new ActionLinkSigner(Buffer.alloc(32, 7), 'https://vigil.example.com');
    expect(sut.verify(other.token(action), now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a non-canonical spelling of the right signature', () => {
    const token = sut.token(action);
    // 256 bits fill 43 characters with 2 bits to spare: the last character's lowest bit is
    // ignored by decoders, so this spelling decodes to the very same bytes.
    const last = B64URL[B64URL.indexOf(token.at(-1) ?? 'A') ^ 1] ?? 'A';
    const variant = `${token.slice(0, -1)}${last}`;
    expect(Buffer.from(variant.split('.')[1] ?? '', 'base64url')).toEqual(
      Buffer.from(token.split('.')[1] ?? '', 'base64url'),
    );
    expect(sut.verify(variant, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expiry pushed later by re-signing with the wrong key', () => {
    const forged = forge(
      { v: 1, t: action.tenantId, k: 'ack', f: 'fp-1', e: Date.UTC(2030, 0, 1) },
      Buffer.alloc(32, 1),
    );
    expect(sut.verify(forged, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['empty signature', 'abc.'],
    ['not base64url', 'ab+c.de/f'],
    ['too long', `${'a'.repeat(5000)}.b`],
  ])('calls a %s token malformed', (_name, token) => {
    expect(sut.verify(token, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['a JSON array', [1, 2]],
    ['an unknown version', { v: 2, t: 't', k: 'ack', f: 'f', e: 1 }],
    ['an unknown kind', { v: 1, t: 't', k: 'delete', f: 'f', e: 1 }],
    ['a non-numeric expiry', { v: 1, t: 't', k: 'ack', f: 'f', e: 'soon' }],
    ['a numeric group key', { v: 1, t: 't', k: 'ack', f: 'f', g: 5, e: 1 }],
  ])('calls a well-signed payload with %s malformed', (_name, body) => {
    expect(sut.verify(forge(body, key), now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('clips long titles so links stay short', () => {
    const long = { ...action, title: 'x'.repeat(500) };
    const result = sut.verify(sut.token(long), now);
    expect(result.ok && !isApprovalLink(result.action) && result.action.title?.length).toBe(120);
  });

  it('refuses short keys and invalid expiries', () => {
    expect(() => new ActionLinkSigner(Buffer.alloc(16), 'https://x')).toThrow(RangeError);
    expect(() => sut.token({ ...action, expiresAt: new Date(Number.NaN) })).toThrow(TypeError);
    expect(() => sut.token({ ...action, tenantId: '' })).toThrow(TypeError);
  });
});

describe(`${ActionLinkSigner.name} (runbook approvals)`, () => {
  const sut = new ActionLinkSigner(key, 'https://vigil.example.com');
  const approve: ApprovalActionLink = {
    tenantId: '7d0e9a55-0000-4000-8000-000000000001',
    kind: 'approve',
    runId: '0b6a4f2e-1111-4000-8000-000000000002',
    stepIndex: 3,
    userId: '5c1d7a11-2222-4000-8000-000000000003',
    expiresAt: new Date('2026-11-26T13:00:00Z'),
  };

  it('round-trips approve and refuse links with the member they act as', () => {
    const refuse: ApprovalActionLink = { ...approve, kind: 'refuse' };
    expect(sut.verify(tokenOf(sut.link(approve)), now)).toEqual({ ok: true, action: approve });
    expect(sut.verify(sut.token(refuse), now)).toEqual({ ok: true, action: refuse });
  });

  it('round-trips a link that names no member (a Slack button value)', () => {
    const anyone: ApprovalActionLink = { ...approve, userId: null };
    const result = sut.verify(sut.token(anyone), now);
    expect(result).toEqual({ ok: true, action: anyone });
  });

  it('expires at expiresAt', () => {
    const token = sut.token(approve);
    expect(sut.verify(token, new Date('2026-11-26T12:59:59.999Z')).ok).toBe(true);
    expect(sut.verify(token, approve.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['turned from refuse into approve', { k: 'approve' }],
    ['moved to another run', { r: '0b6a4f2e-9999-4000-8000-000000000002' }],
    ['moved to another step', { s: 4 }],
    ['made to act as another member', { u: 'someone-else' }],
    ['stripped of its member', { u: undefined }],
    ['kept longer', { e: Date.UTC(2030, 0, 1) }],
  ])('refuses a token %s after signing', (_name, change) => {
    const [, signature] = sut.token({ ...approve, kind: 'refuse' }).split('.');
    const wire = {
      v: 1,
      t: approve.tenantId,
      k: 'refuse',
      r: approve.runId,
      s: approve.stepIndex,
      u: approve.userId,
      e: approve.expiresAt.getTime(),
      ...change,
    };
    const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
    expect(sut.verify(`${body}.${signature}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['a missing run', { v: 1, t: 't', k: 'approve', s: 0, e: Date.UTC(2030, 0, 1) }],
    ['a negative step', { v: 1, t: 't', k: 'approve', r: 'r', s: -1, e: Date.UTC(2030, 0, 1) }],
    ['a fractional step', { v: 1, t: 't', k: 'refuse', r: 'r', s: 1.5, e: Date.UTC(2030, 0, 1) }],
    ['a numeric user', { v: 1, t: 't', k: 'approve', r: 'r', s: 0, u: 7, e: Date.UTC(2030, 0, 1) }],
    ['an empty user', { v: 1, t: 't', k: 'approve', r: 'r', s: 0, u: '', e: Date.UTC(2030, 0, 1) }],
  ])('calls a well-signed approval payload with %s malformed', (_name, body) => {
    expect(sut.verify(forge(body, key), now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to mint a link for a step index that is not a count', () => {
    expect(() => sut.token({ ...approve, stepIndex: -1 })).toThrow(TypeError);
    expect(() => sut.token({ ...approve, stepIndex: 0.5 })).toThrow(TypeError);
    expect(() => sut.token({ ...approve, runId: '' })).toThrow(TypeError);
    expect(() => sut.token({ ...approve, userId: '' })).toThrow(TypeError);
  });

  it('finds the token in a link it made, and nothing in other URLs', () => {
    const url = sut.link(approve);
    expect(actionLinkToken(url)).toBe(tokenOf(url));
    expect(sut.verify(actionLinkToken(url) ?? '', now).ok).toBe(true);
    expect(actionLinkToken('https://vigil.example.com/runs/1')).toBeNull();
    expect(
      actionLinkToken('https://vigil.example.com/api/v1/alert-actions/not a token'),
    ).toBeNull();
  });
});
