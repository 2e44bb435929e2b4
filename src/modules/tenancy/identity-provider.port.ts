/**
 * The seam for signing in through an external identity provider (OIDC authorization code with
 * PKCE against a configured issuer). Not implemented yet (issue #3).
 *
 * An adapter would redirect the browser to the issuer, take the code back on a callback route,
 * exchange it (with the PKCE verifier), verify the ID token (issuer, audience, nonce, signature
 * from the issuer's JWKS) and yield the verified e-mail below. `SessionService.startSession`
 * then issues Vigil's own tokens exactly as after a password login: the user must already be a
 * member of the requested tenant (by invitation), and `email_verified` must be true.
 */
export interface ExternalIdentity {
  /** Verified by the provider; lower-cased before lookup. */
  email: string;
  /** The provider's stable subject id, for linking later. */
  subject: string;
  issuer: string;
}

export interface ExternalIdentityProvider {
  readonly name: string;
  /** Where to send the browser; `state` and the PKCE verifier are kept by the caller. */
  authorizationUrl(state: string, codeChallenge: string): URL;
  /** Completes the code exchange and returns the verified identity. */
  complete(code: string, codeVerifier: string): Promise<ExternalIdentity>;
}
