import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack rejects requests older than five minutes; so do we. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Verifies a request from Slack (interactivity, slash commands) as Slack documents in
 * "Verifying requests from Slack": `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw
 * body>` with the app's signing secret, compared in constant time, the timestamp within five
 * minutes of `now`. `rawBody` must be the bytes as received, before any form/JSON parsing.
 *
 * @example
 *   verifySlackSignature(secret, headers['x-slack-request-timestamp'], rawBody,
 *     headers['x-slack-signature'], new Date());
 */
export function verifySlackSignature(
  signingSecret: string,
  timestampHeader: string | undefined,
  rawBody: string | Buffer,
  signatureHeader: string | undefined,
  now: Date,
): boolean {
  if (!timestampHeader || !signatureHeader || !/^\d{1,12}$/.test(timestampHeader)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestampHeader)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampHeader}:`).update(rawBody).digest('hex')}`,
  );
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
