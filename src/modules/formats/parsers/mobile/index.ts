import type { LogFormat } from '../../log-format';
import { androidLogcatFormat } from './android-logcat.format';

export const MOBILE_FORMATS: readonly LogFormat[] = [androidLogcatFormat];
