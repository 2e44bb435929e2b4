import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

import { AppConfig } from '../../config/app-config';
import { ACCESS_TOKEN_ALG, type SigningMaterial } from './access-token';
import { type SigningKeyRow, SigningKeyRepository } from './signing-key.repository';

const DAY_MS = 86_400_000;
/** How often a replica looks for keys another replica created. */
const RELOAD_MS = 60_000;
/** An unknown `kid` triggers a reload at most this often (forged kids cannot hammer Postgres). */
const MISS_RELOAD_MS = 5_000;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  createdAt: Date;
}

/**
 * The JWT key ring. One active ES256 key signs; a new one replaces it every
 * `signingKeyRotationDays`, and a replaced key keeps verifying for one access-token lifetime so
 * its tokens stay valid until they expire. Private keys are stored sealed with the SecretBox.
 */
@Injectable()
export class SigningKeyService {
  #active: { row: SigningKeyRow; material: SigningMaterial } | null = null;
  #verifying = new Map<string, LoadedKey>();
  #loadedAt = 0;
  #lastMissReload = 0;
  #loading: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeyRepository,
  ) {}

  async signingKey(): Promise<SigningMaterial> {
    const staleBefore = new Date(Date.now() - this.config.identity.signingKeyRotationDays * DAY_MS);
    if (this.#active && this.#active.row.createdAt > staleBefore) return this.#active.material;
    const row = await this.keys.rotateIfStale(staleBefore, () => this.generate());
    const opened = this.config.secretBox.open(row.privateJwkSealed, context(row.kid));
    if (opened.stale) {
      // Sealed under an older VIGIL_SECRET_KEYS entry: store it again under the current one.
      await this.keys.reseal(
        row.kid,
        this.config.secretBox.seal(opened.plaintext, context(row.kid)),
      );
    }
    const privateKey = (await importJWK(
      JSON.parse(opened.plaintext) as JWK,
      ACCESS_TOKEN_ALG,
    )) as CryptoKey;
    this.#active = { row, material: { kid: row.kid, privateKey } };
    await this.reload();
    return this.#active.material;
  }

  /** For `jwtVerify`: the public key of `kid`, reloading once when it is not known yet. */
  readonly resolver: JWTVerifyGetKey = async (header) => {
    if (header.alg !== ACCESS_TOKEN_ALG || !header.kid) throw new TypeError('unexpected key');
    await this.freshen();
    let key = this.#verifying.get(header.kid);
    if (!key && Date.now() - this.#lastMissReload > MISS_RELOAD_MS) {
      this.#lastMissReload = Date.now();
      await this.reload();
      key = this.#verifying.get(header.kid);
    }
    if (!key) throw new TypeError('unknown kid');
    return key.publicKey;
  };

  /** The public keys that verify current tokens, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.signingKey();
    await this.freshen();
    return {
      keys: [...this.#verifying.values()].map((k) => ({
        ...k.publicJwk,
        kid: k.kid,
        alg: ACCESS_TOKEN_ALG,
        use: 'sig',
      })),
    };
  }

  private async freshen(): Promise<void> {
    if (Date.now() - this.#loadedAt > RELOAD_MS) await this.reload();
  }

  private reload(): Promise<void> {
    this.#loading ??= this.load().finally(() => (this.#loading = null));
    return this.#loading;
  }

  private async load(): Promise<void> {
    const since = new Date(Date.now() - this.config.identity.accessTokenTtlSeconds * 1000 - 60_000);
    const rows = await this.keys.usable(since);
    const next = new Map<string, LoadedKey>();
    for (const row of rows) {
      const known = this.#verifying.get(row.kid);
      const publicJwk = row.publicJwk as JWK;
      next.set(
        row.kid,
        known ?? {
          kid: row.kid,
          publicJwk,
          publicKey: (await importJWK(publicJwk, ACCESS_TOKEN_ALG)) as CryptoKey,
          createdAt: row.createdAt,
        },
      );
    }
    this.#verifying = next;
    this.#loadedAt = Date.now();
  }

  private async generate(): Promise<Omit<SigningKeyRow, 'createdAt' | 'retiredAt'>> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
      extractable: true,
    });
    const kid = randomUUID();
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      algorithm: ACCESS_TOKEN_ALG,
      publicJwk,
      privateJwkSealed: this.config.secretBox.seal(JSON.stringify(privateJwk), context(kid)),
    };
  }
}

function context(kid: string): string {
  return `signing-key:${kid}`;
}
