import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { RedisService } from '../../common/redis/redis.service';
import { AppConfig } from '../../config/app-config';
import { TenancyError } from './tenancy.errors';

/**
 * Failed-login counters in Redis, shared by every replica: per e-mail (whether or not it exists,
 * so a lockout reveals nothing) and per client IP. Too many failures within the window lock the
 * e-mail, or refuse the IP, for LOGIN_LOCK_MINUTES.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  async assertAllowed(email: string, ip: string | null): Promise<void> {
    const [emailLocked, ipCount] = await Promise.all([
      this.redis.client.exists(this.key('lock', email)),
      ip ? this.redis.client.get(this.key('ip', ip)) : Promise.resolve(null),
    ]);
    const { loginMaxFailuresPerIp, loginLockMinutes } = this.config.identity;
    if (emailLocked || Number(ipCount ?? 0) >= loginMaxFailuresPerIp) {
      throw new TenancyError(
        'TOO_MANY_ATTEMPTS',
        `too many failed logins: try again in up to ${loginLockMinutes} minutes or reset the password`,
      );
    }
  }

  async recordFailure(email: string, ip: string | null): Promise<void> {
    const { loginMaxFailures, loginLockMinutes } = this.config.identity;
    const window = loginLockMinutes * 60;
    const failures = this.key('fail', email);
    const tx = this.redis.client.multi().incr(failures).expire(failures, window, 'NX');
    if (ip) tx.incr(this.key('ip', ip)).expire(this.key('ip', ip), window, 'NX');
    const results = await tx.exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    if (count >= loginMaxFailures) {
      await this.redis.client
        .multi()
        .set(this.key('lock', email), '1', 'EX', window)
        .del(failures)
        .exec();
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.client.del(this.key('fail', email));
  }

  /** Hashed, so Redis holds no e-mail addresses. */
  private key(kind: 'fail' | 'lock' | 'ip', subject: string): string {
    const digest = createHash('sha256').update(subject).digest('base64url').slice(0, 32);
    return this.redis.key(`login:${kind}:${digest}`);
  }
}
