import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';

import { AppConfig } from '../../config/app-config';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class MailNotConfiguredError extends Error {
  constructor() {
    super('e-mail is not configured (set SMTP_URL and MAIL_FROM)');
    this.name = 'MailNotConfiguredError';
  }
}

/** Outgoing e-mail over SMTP (`SMTP_URL`). Without it, sending fails rather than pretending. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  readonly #logger = new Logger(Mailer.name);
  readonly #transport: Transporter | null;

  constructor(private readonly config: AppConfig) {
    this.#transport = config.mail.smtpUrl ? createTransport(config.mail.smtpUrl) : null;
    if (!this.#transport) this.#logger.log('e-mail is not configured (SMTP_URL unset)');
  }

  get configured(): boolean {
    return this.#transport !== null;
  }

  assertConfigured(): void {
    if (!this.#transport) throw new MailNotConfiguredError();
  }

  async send(mail: Mail): Promise<void> {
    if (!this.#transport) throw new MailNotConfiguredError();
    await this.#transport.sendMail({ from: this.config.mail.from, ...mail });
  }

  onApplicationShutdown(): void {
    this.#transport?.close();
  }
}
