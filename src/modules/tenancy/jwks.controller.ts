import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';

import { Public } from '../../common/auth/authorize.decorator';
import { SigningKeyService } from './signing-key.service';

/** The public keys that verify access tokens, for services that check them on their own. */
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  jwks(): Promise<{ keys: JWK[] }> {
    return this.keys.jwks();
  }
}
