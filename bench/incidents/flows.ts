/**
 * Traced request flows of the incident workload: each flow is one request whose records, on
 * several services, share a trace id and follow a fixed order (the session a sequence detector
 * learns). A flow can be broken the three ways a broken_sequence incident needs: a step skipped,
 * a dead end, or a retry storm. Idea after the "normal execution path" of DeepLog (Du et al.,
 * CCS 2017), where anomalies are sessions that leave the learned path.
 *
 * @example
 *   const lines: string[] = [];
 *   FLOWS[0]!.emit(new Rand(1), null, (service, severity, message) => lines.push(message));
 */
import { type Rand } from './prng';
import { type Severity } from './services';

export type BrokenMode = 'skip' | 'dead_end' | 'retry_storm';

export const BROKEN_MODES: readonly BrokenMode[] = ['skip', 'dead_end', 'retry_storm'];

export type FlowPush = (service: string, severity: Severity, message: string) => void;

export interface FlowDef {
  /** The service that owns the request (where a broken_sequence shows). */
  owner: string;
  /** Flows per minute, as a multiple of the workload's `ratePerMinute`. */
  share: number;
  /** Mean records the flow writes on its owner (used to size error bursts). */
  ownerRecords: number;
  /** Emits the flow's records in order; `mode` null is the normal path. */
  emit(r: Rand, mode: BrokenMode | null, push: FlowPush): void;
}

const checkoutFlow: FlowDef = {
  owner: 'checkout',
  share: 0.1,
  ownerRecords: 4,
  emit(r, mode, push) {
    const user = r.user();
    const order = `ord-${r.int(100000, 999999)}`;
    const items = r.int(1, 6);
    push('checkout', 'info', `checkout started order=${order} user=${user} items=${items}`);
    if (mode !== 'skip') {
      push('auth', 'info', `token validated for user ${user} scope=checkout`);
      push('checkout', 'debug', `auth ok order=${order}`);
    }
    push('database', 'info', `stock reserved SKU-${r.int(1000, 9999)} qty=${items} order=${order}`);
    if (mode === 'retry_storm') {
      const attempts = r.int(6, 12);
      for (let i = 1; i <= attempts; i++) {
        push(
          'checkout',
          'warn',
          `payment provider slow, retrying order=${order} attempt=${i}/${attempts}`,
        );
      }
      push('checkout', 'error', `payment gave up order=${order} after ${attempts} attempts`);
      return;
    }
    if (r.chance(0.05)) {
      push('checkout', 'warn', `payment provider slow, retrying order=${order} attempt=1/3`);
    }
    const amount = `${r.int(5, 900)}.${r.int(10, 99)}`;
    push(
      'checkout',
      'info',
      `payment authorized order=${order} amount=${amount} EUR provider=stripe`,
    );
    if (mode === 'dead_end') {
      push('checkout', 'warn', `awaiting inventory lock order=${order}`);
      return;
    }
    push('queue', 'info', `enqueue msg=${r.hex(12)} topic=orders order=${order}`);
    push('checkout', 'info', `order ${order} placed in ${r.int(250, 900)} ms`);
  },
};

const accountFlow: FlowDef = {
  owner: 'web',
  share: 0.15,
  ownerRecords: 3,
  emit(r, mode, push) {
    const rid = r.hex(16);
    const user = r.user();
    push('web', 'debug', `request ${rid} GET /api/account started`);
    if (mode !== 'skip') push('auth', 'debug', `session validated for user ${user} request=${rid}`);
    push('web', 'debug', `request ${rid} handled by AccountController.show`);
    if (mode === 'dead_end') {
      push('web', 'warn', `request ${rid} waiting for upstream account-service`);
      return;
    }
    if (mode === 'retry_storm') {
      const attempts = r.int(6, 12);
      for (let i = 1; i <= attempts; i++) {
        push('web', 'warn', `request ${rid} upstream account-service unavailable, retry ${i}`);
      }
    }
    push('web', 'info', `request ${rid} completed 200 in ${r.int(40, 300)} ms`);
  },
};

export const FLOWS: readonly FlowDef[] = [checkoutFlow, accountFlow];
