import type { LogFormat, MessageParser } from '../../log-format';
import { auditdMessageParser } from './auditd-message.parser';
import { auditdFormat } from './auditd.format';
import { cronMessageParser } from './cron-message.parser';
import { kernelIptablesMessageParser } from './kernel-iptables-message.parser';
import { pamMessageParser } from './pam-message.parser';
import { postfixMessageParser } from './postfix-message.parser';
import { sshdMessageParser } from './sshd-message.parser';
import { sudoMessageParser } from './sudo-message.parser';
import { syslogRfc3164Format } from './syslog-rfc3164.format';
import { syslogRfc5424Format } from './syslog-rfc5424.format';

export const SYSLOG_FORMATS: readonly LogFormat[] = [
  syslogRfc5424Format,
  syslogRfc3164Format,
  auditdFormat,
];

/**
 * Sub-parsers for the messages of well-known programs behind syslog. Several may claim one
 * program (sshd's own messages and its PAM module's): the first that returns attributes wins,
 * so the specific ones come before pam.
 */
export const SYSLOG_MESSAGE_PARSERS: readonly MessageParser[] = [
  sshdMessageParser,
  sudoMessageParser,
  cronMessageParser,
  postfixMessageParser,
  kernelIptablesMessageParser,
  auditdMessageParser,
  pamMessageParser,
];
