import type { LiveSubscription } from '../../common/pubsub/live-subscription';
import type { LogRecord } from './log-record';

/** One live-tail listener. */
export type TailSubscription = LiveSubscription<LogRecord>;
