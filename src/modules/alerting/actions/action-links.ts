import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a one-click alert link does: acknowledge, or record "not useful" feedback. */
export type AlertActionKind = 'ack' | 'not_useful';

/** What a one-click runbook link does: approve or refuse an approval step. */
export type ApprovalActionKind = 'approve' | 'refuse';

/** The signed content of an alert action link. */
export interface AlertActionLink {
  readonly tenantId: string;
  readonly kind: AlertActionKind;
  /** The alert the link is about (the feedback target; acknowledged when no `groupKey`). */
  readonly fingerprint: string;
  /** When set, `ack` acknowledges the whole group rather than the one alert. */
  readonly groupKey?: string;
  /** Shown on the confirmation page, so people see which alert they act on. */
  readonly title?: string;
  readonly expiresAt: Date;
}

/** The signed content of a link that approves or refuses one approval step of a runbook run. */
export interface ApprovalActionLink {
  readonly tenantId: string;
  readonly kind: ApprovalActionKind;
  readonly runId: string;
  /** The step's position in the run (0-based), as the executor counts it. */
  readonly stepIndex: number;
  /**
   * The member the link acts as (an e-mail sent to that member); null in a link meant for a
   * channel where the person is identified otherwise (a Slack button maps its clicker).
   */
  readonly userId: string | null;
  readonly expiresAt: Date;
}

/** Anything a signed link can carry. */
export type ActionLink = AlertActionLink | ApprovalActionLink;

export function isApprovalLink(action: ActionLink): action is ApprovalActionLink {
  return action.kind === 'approve' || action.kind === 'refuse';
}

/** Why a token was refused: `expired` is a 410 (it was good once), the others a 400. */
export type ActionLinkFailure = 'malformed' | 'bad_signature' | 'expired';

export type ActionLinkVerification =
  | { readonly ok: true; readonly action: ActionLink }
  | { readonly ok: false; readonly reason: ActionLinkFailure };

/** The purpose string for `SecretBox.deriveKey`: the link key is never the sealing key. */
export const ACTION_LINK_KEY_PURPOSE = 'alert-action-links';

/** The path under the public URL; the token follows it. */
export const ACTION_LINK_PATH = '/api/v1/alert-actions';

/** Well above a real token (a few hundred characters); anything longer is not ours. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_TITLE_LENGTH = 120;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The JSON inside an alert token; short keys keep e-mail URLs short. */
interface AlertWirePayload {
  v: 1;
  t: string;
  k: AlertActionKind;
  f: string;
  g?: string;
  n?: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

/** The JSON inside an approval token: run, step index and (when it names one) the member. */
interface ApprovalWirePayload {
  v: 1;
  t: string;
  k: ApprovalActionKind;
  r: string;
  s: number;
  u?: string;
  e: number;
}

type WirePayload = AlertWirePayload | ApprovalWirePayload;

/**
 * Mints and checks signed one-click action links: acknowledge and not useful for alerts, approve
 * and refuse for runbook approval steps (e-mail links and Slack button values). A token is
 * `base64url(JSON payload) + '.' + base64url(HMAC-SHA256(key, first part))`: self-contained, so
 * the link needs no storage, and it can be used again until it expires (the actions it triggers
 * are idempotent). The signature is checked, in constant time, before the payload is parsed.
 *
 * @example
 *   const sut = new ActionLinkSigner(config.secretBox.deriveKey(ACTION_LINK_KEY_PURPOSE),
 *     config.publicUrl);
 *   const url = sut.link({ tenantId, kind: 'ack', fingerprint, expiresAt });
 *   const result = sut.verify(token, new Date()); // { ok: true, action } or { ok: false, reason }
 */
export class ActionLinkSigner {
  readonly #key: Buffer;
  readonly #baseUrl: string;

  constructor(key: Buffer, baseUrl: string) {
    if (key.length < 32) throw new RangeError('the action link key must have at least 32 bytes');
    this.#key = Buffer.from(key);
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** The full URL: `<base>/api/v1/alert-actions/<token>`. */
  link(action: ActionLink): string {
    return `${this.#baseUrl}${ACTION_LINK_PATH}/${this.token(action)}`;
  }

  /** The token alone (what follows the path). */
  token(action: ActionLink): string {
    const expiresAt = action.expiresAt.getTime();
    if (!Number.isFinite(expiresAt)) throw new TypeError('expiresAt must be a valid date');
    const wire = toWire(action, expiresAt);
    const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
    return `${body}.${this.#sign(body).toString('base64url')}`;
  }

  /** Checks a token at `now`: the action it carries, or why it is refused. */
  verify(token: string, now: Date): ActionLinkVerification {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    const [body, signature] = parts;
    if (parts.length !== 2 || !body || !signature) return { ok: false, reason: 'malformed' };
    if (!BASE64URL.test(body) || !BASE64URL.test(signature)) {
      return { ok: false, reason: 'malformed' };
    }
    // Compared as text: decoding would accept non-canonical spellings of the same signature.
    const given = Buffer.from(signature);
    const expected = Buffer.from(this.#sign(body).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad_signature' };
    }
    const action = decode(body);
    if (!action) return { ok: false, reason: 'malformed' };
    if (now.getTime() >= action.expiresAt.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, action };
  }

  #sign(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }
}

function toWire(action: ActionLink, expiresAt: number): WirePayload {
  if (!action.tenantId) throw new TypeError('an action link needs a tenantId');
  if (isApprovalLink(action)) {
    if (!action.runId) throw new TypeError('an approval link needs a runId');
    if (!Number.isInteger(action.stepIndex) || action.stepIndex < 0) {
      throw new TypeError(`stepIndex must be an integer >= 0, got ${action.stepIndex}`);
    }
    if (action.userId === '') throw new TypeError('userId must be null or a user id');
    return {
      v: 1,
      t: action.tenantId,
      k: action.kind,
      r: action.runId,
      s: action.stepIndex,
      ...(action.userId !== null ? { u: action.userId } : {}),
      e: expiresAt,
    };
  }
  if (!action.fingerprint) throw new TypeError('an alert action link needs a fingerprint');
  return {
    v: 1,
    t: action.tenantId,
    k: action.kind,
    f: action.fingerprint,
    ...(action.groupKey !== undefined ? { g: action.groupKey } : {}),
    ...(action.title !== undefined ? { n: clip(action.title, MAX_TITLE_LENGTH) } : {}),
    e: expiresAt,
  };
}

/**
 * The token of a link this signer made (what follows the action path), e.g. for a Slack button
 * value; null for any other URL. The token is not verified here.
 */
export function actionLinkToken(url: string): string | null {
  const at = url.lastIndexOf(`${ACTION_LINK_PATH}/`);
  if (at < 0) return null;
  const token = url.slice(at + ACTION_LINK_PATH.length + 1);
  return token !== '' && BASE64URL_TOKEN.test(token) ? token : null;
}

const BASE64URL_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The payload of a correctly signed body; null when its shape is not ours (another version). */
function decode(body: string): ActionLink | null {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof wire !== 'object' || wire === null) return null;
  const w = wire as Partial<Record<keyof AlertWirePayload | keyof ApprovalWirePayload, unknown>>;
  if (w.v !== 1 || typeof w.t !== 'string' || w.t === '') return null;
  if (typeof w.e !== 'number' || !Number.isFinite(w.e)) return null;
  if (w.k === 'approve' || w.k === 'refuse') {
    if (typeof w.r !== 'string' || w.r === '') return null;
    if (typeof w.s !== 'number' || !Number.isInteger(w.s) || w.s < 0) return null;
    const userId = optionalString(w.u);
    if (userId === null || userId === '') return null;
    return {
      tenantId: w.t,
      kind: w.k,
      runId: w.r,
      stepIndex: w.s,
      userId: userId ?? null,
      expiresAt: new Date(w.e),
    };
  }
  if (w.k !== 'ack' && w.k !== 'not_useful') return null;
  if (typeof w.f !== 'string') return null;
  const groupKey = optionalString(w.g);
  const title = optionalString(w.n);
  if (groupKey === null || title === null) return null;
  return {
    tenantId: w.t,
    kind: w.k,
    fingerprint: w.f,
    ...(groupKey !== undefined ? { groupKey } : {}),
    ...(title !== undefined ? { title } : {}),
    expiresAt: new Date(w.e),
  };
}

/** A string or absent; null for anything else. */
function optionalString(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
