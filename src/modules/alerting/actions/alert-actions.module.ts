import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

import { AppConfig } from '../../../config/app-config';
import { AlertActionsPort } from '../alerting.types';
import { ACTION_LINK_KEY_PURPOSE, ActionLinkSigner } from './action-links';
import { registerAlertActionRoutes } from './alert-actions.routes';
import type { RunbookApprovals } from './runbook-approvals.port';
import { SlackApprovalButtons } from './slack-approvals';
import { NoticeTargets, SlackInteractionHandler, SlackSigningSecrets } from './slack-interactivity';
import { SlackWebApi } from './slack-web-api';

/**
 * The alert action routes with their dependencies resolved by Nest. The routes are Fastify
 * plugins (like the ingest ones), so the app factory mounts them: `await routes.register(http)`.
 * Runbook approvals (approve/refuse links and buttons) work once the remediation module, which
 * imports this one, has set `runbookApprovals`.
 */
@Injectable()
export class AlertActionRoutes {
  readonly #logger = new Logger('AlertActions');
  readonly #slack: SlackInteractionHandler;
  #approvals: RunbookApprovals | null = null;

  constructor(
    @Inject(AlertActionsPort) private readonly actions: AlertActionsPort,
    @Inject(ActionLinkSigner) private readonly signer: ActionLinkSigner,
    @Inject(SlackSigningSecrets) secrets: SlackSigningSecrets,
    @Inject(NoticeTargets) notices: NoticeTargets,
    @Inject(SlackWebApi) slackApi: SlackWebApi,
  ) {
    this.#slack = new SlackInteractionHandler(actions, secrets, notices, {
      onLateError: (err) => this.#logger.error('a Slack action failed after the answer', err),
      approvals: new SlackApprovalButtons(signer, () => this.#approvals, slackApi),
    });
  }

  /** Where approve/refuse links and Slack buttons take their decisions (set by remediation). */
  set runbookApprovals(approvals: RunbookApprovals) {
    this.#approvals = approvals;
  }

  /** Mounts the routes on the main Fastify instance (before `app.init()`). */
  register(http: FastifyInstance): Promise<void> {
    return registerAlertActionRoutes(http, {
      actions: this.actions,
      signer: this.signer,
      slack: this.#slack,
      approvals: () => this.#approvals,
    });
  }
}

/** The signer of e-mail action links, keyed from the secret key ring and the public URL. */
export const actionLinkSignerProvider = {
  provide: ActionLinkSigner,
  inject: [AppConfig],
  useFactory: (config: AppConfig) =>
    new ActionLinkSigner(config.secretBox.deriveKey(ACTION_LINK_KEY_PURPOSE), config.publicUrl),
};

/**
 * E-mail action links (the `ActionLinkSigner` that mints them, for the notifier) and the routes
 * that act on them and on Slack buttons. `AlertActionsPort`, `SlackSigningSecrets`,
 * `NoticeTargets` and `SlackWebApi` come from the modules listed in `imports` (or from a global
 * module).
 */
@Module({})
export class AlertActionsModule {
  static register(options: { imports?: ModuleMetadata['imports'] } = {}): DynamicModule {
    return {
      module: AlertActionsModule,
      imports: options.imports ?? [],
      providers: [actionLinkSignerProvider, AlertActionRoutes],
      exports: [ActionLinkSigner, AlertActionRoutes],
    };
  }
}
