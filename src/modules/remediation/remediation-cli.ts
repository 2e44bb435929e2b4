import Redis from 'ioredis';

import type { AppConfig } from '../../config/app-config';
import { GLOBAL_HALT_KEY } from './runs/remediation-settings.service';

/**
 * `vigil remediation halt|resume|status`: the installation-wide kill switch. Halting stops every
 * run of every tenant at its next step and starts none, on all replicas at once (they read the
 * switch from Redis before each step).
 */
export async function remediationCommand(
  sub: string | undefined,
  config: AppConfig,
  out: NodeJS.WritableStream,
): Promise<number> {
  if (sub !== 'halt' && sub !== 'resume' && sub !== 'status') return 2;
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const key = config.redisPrefix + GLOBAL_HALT_KEY;
  try {
    if (sub === 'halt') {
      const by = process.env.USER ?? 'operator';
      await redis.set(key, JSON.stringify({ by, at: new Date().toISOString() }));
      out.write(`remediation halted for the whole installation (by ${by})\n`);
    } else if (sub === 'resume') {
      await redis.del(key);
      out.write('remediation resumed\n');
    } else {
      const value = await redis.get(key);
      out.write(value === null ? 'remediation is running\n' : `remediation is halted: ${value}\n`);
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}
