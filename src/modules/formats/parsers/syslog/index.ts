import type { LogFormat, MessageParser } from '../../log-format';

export const SYSLOG_FORMATS: readonly LogFormat[] = [];

/** Sub-parsers for the messages of well-known programs behind syslog. */
export const SYSLOG_MESSAGE_PARSERS: readonly MessageParser[] = [];
