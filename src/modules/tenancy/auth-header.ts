/**
 * Extracts the API key from an `Authorization` header in any form shippers use:
 * `ApiKey <key>`, `ApiKey base64(<id>:<key>)` (Logstash, Filebeat), `Basic base64(<user>:<key>)`
 * (Vector and rsyslog can do nothing else) and `Bearer <key>`.
 */
export function apiKeyFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space <= 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const credential = header.slice(space + 1).trim();
  if (!credential) return null;
  switch (scheme) {
    case 'bearer':
      return credential;
    case 'basic':
      return afterColon(decodeBase64(credential));
    case 'apikey': {
      const decoded = decodeBase64(credential);
      // A raw key is never valid base64 of "id:key", so a decoded colon means the id:key form.
      return decoded !== null && decoded.includes(':') ? afterColon(decoded) : credential;
    }
    default:
      return null;
  }
}

function afterColon(decoded: string | null): string | null {
  if (decoded === null) return null;
  const colon = decoded.indexOf(':');
  const key = colon >= 0 ? decoded.slice(colon + 1) : decoded;
  return key.length > 0 ? key : null;
}

function decodeBase64(text: string): string | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  // Reject decodings that produced replacement characters or control bytes: not a real credential.
  return /[\u0000-\u001f\ufffd]/.test(decoded) ? null : decoded;
}
