import type { FastifyInstance, FastifyReply } from 'fastify';

import type { AlertActionsPort } from '../alerting.types';
import {
  ACTION_LINK_PATH,
  type ActionLinkFailure,
  type ActionLinkSigner,
  type AlertActionLink,
  isApprovalLink,
} from './action-links';
import { ACTION_PAGE_HEADERS, type ActionPage, renderActionPage } from './action-page';
import { answerApproval, approvalConfirmation } from './approval-pages';
import type { RunbookApprovals } from './runbook-approvals.port';
import type { SlackInteractionHandler } from './slack-interactivity';

/** Where Slack posts button clicks; the app's Interactivity Request URL ends with the channel id. */
export const SLACK_INTERACTIVITY_PATH = '/api/v1/integrations/slack/interactivity';

export interface AlertActionRouteDeps {
  readonly actions: AlertActionsPort;
  readonly signer: ActionLinkSigner;
  readonly slack: SlackInteractionHandler;
  /** Runbook approvals, once the remediation module has registered them (approve/refuse links). */
  readonly approvals?: () => RunbookApprovals | null;
  /** Default: the wall clock. */
  readonly now?: () => Date;
  /** Largest accepted body (Slack's payload repeats the whole message); default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * A wildcard rather than `:token`: Fastify refuses parameters longer than `maxParamLength` (100 by
 * default) with a 414, and tokens are longer. A `/` in the rest fails verification as malformed.
 */
interface TokenParams {
  '*': string;
}

/** Who an e-mail link acts as (the feedback and timeline record it). */
export const EMAIL_LINK_ACTOR = 'email link';

const UNAVAILABLE_NOW: ActionPage = {
  heading: 'Something went wrong',
  paragraphs: ['Vigil could not record this just now. Try the button again in a minute.'],
};

const FAILURES: Record<ActionLinkFailure, { status: 400 | 410; page: ActionPage }> = {
  malformed: {
    status: 400,
    page: {
      heading: 'This link is not valid',
      paragraphs: ['The link is incomplete or damaged. Open the alert in Vigil instead.'],
    },
  },
  bad_signature: {
    status: 400,
    page: {
      heading: 'This link is not valid',
      paragraphs: ['The link was not issued by this Vigil, or it was changed. Nothing was done.'],
    },
  },
  expired: {
    status: 410,
    page: {
      heading: 'This link has expired',
      paragraphs: ['Action links work for a limited time. Open the alert in Vigil instead.'],
    },
  },
};

/**
 * The public (API-key-free) alert action routes, as an encapsulated Fastify plugin:
 *
 * - `GET /api/v1/alert-actions/:token` shows what the signed e-mail link would do, with a button.
 *   It never acts: mail scanners and link previews fetch GET links on their own.
 * - `POST /api/v1/alert-actions/:token` (the button) acts, as `email link` via `email`. A token
 *   works again and again until it expires (the actions are idempotent). An approve/refuse token
 *   answers a runbook approval step as the member it names, whose role is checked then.
 * - `POST /api/v1/integrations/slack/interactivity/:channelId` receives Slack button clicks; the
 *   body reaches the handler byte for byte, since Slack signs the raw body.
 *
 * The routes declare `permissions: []`: the token or the Slack signature is the authorization.
 */
export async function alertActionRoutes(
  app: FastifyInstance,
  deps: AlertActionRouteDeps,
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  const approvals = () => deps.approvals?.() ?? null;
  // Only in this plugin's scope: every body stays raw (the form posts carry nothing we read).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxBodyBytes },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).type('text/plain').send('request body too large');
    }
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply
      .code(status)
      .type('text/plain')
      .send(status === 500 ? 'internal error' : err.message);
  });

  app.get<{ Params: TokenParams }>(
    `${ACTION_LINK_PATH}/*`,
    { config: { permissions: [] } },
    async (req, reply) => {
      const verified = deps.signer.verify(req.params['*'], now());
      if (!verified.ok) return sendFailure(reply, verified.reason);
      const action = verified.action;
      if (!isApprovalLink(action)) {
        return sendPage(reply, 200, confirmation(action, req.params['*']));
      }
      try {
        const answer = await approvalConfirmation(approvals(), action, req.params['*']);
        return sendPage(reply, answer.status, answer.page);
      } catch (err) {
        req.log.error({ err, tenantId: action.tenantId }, 'approval link page failed');
        return sendPage(reply, 500, {
          heading: 'Something went wrong',
          paragraphs: ['Vigil could not look this approval up just now. Try again in a minute.'],
        });
      }
    },
  );

  app.post<{ Params: TokenParams }>(
    `${ACTION_LINK_PATH}/*`,
    { config: { permissions: [] } },
    async (req, reply) => {
      const verified = deps.signer.verify(req.params['*'], now());
      if (!verified.ok) return sendFailure(reply, verified.reason);
      const action = verified.action;
      try {
        if (isApprovalLink(action)) {
          const answer = await answerApproval(approvals(), action);
          return sendPage(reply, answer.status, answer.page);
        }
        return sendPage(reply, 200, await perform(deps.actions, action));
      } catch (err) {
        req.log.error({ err, tenantId: action.tenantId }, 'alert action link failed');
        return sendPage(reply, 500, UNAVAILABLE_NOW);
      }
    },
  );

  app.post<{ Params: { channelId: string } }>(
    `${SLACK_INTERACTIVITY_PATH}/:channelId`,
    { config: { permissions: [] } },
    async (req, reply) => {
      const result = await deps.slack.handle({
        channelId: req.params.channelId,
        timestamp: header(req.headers['x-slack-request-timestamp']),
        signature: header(req.headers['x-slack-signature']),
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        now: now(),
      });
      if (result.status === 200) return reply.code(200).send();
      return reply.code(result.status).type('text/plain').send(result.text);
    },
  );
}

/**
 * Mounts {@link alertActionRoutes} on the main port, e.g. in `startVigil` beside the ingest
 * plugins: `await registerAlertActionRoutes(http, deps)`.
 */
export async function registerAlertActionRoutes(
  app: FastifyInstance,
  deps: AlertActionRouteDeps,
): Promise<void> {
  await app.register(alertActionRoutes, deps);
}

function confirmation(action: AlertActionLink, token: string): ActionPage {
  const about = action.title ? [`Alert: ${action.title}`] : [];
  const until = `This link works until ${action.expiresAt.toISOString()}.`;
  // Relative, so the form posts back to this very URL whatever prefix a proxy adds.
  const form = { action: `./${token}` };
  if (action.kind === 'ack') {
    const what = action.groupKey
      ? `every alert of the group ${action.groupKey}`
      : `the alert ${action.fingerprint}`;
    return {
      heading: 'Acknowledge this alert?',
      paragraphs: [
        ...about,
        `This acknowledges ${what}: escalation and reminders stop while someone handles it.`,
        until,
      ],
      form: { ...form, button: 'Acknowledge' },
    };
  }
  return {
    heading: 'Mark this alert as not useful?',
    paragraphs: [
      ...about,
      `This records that the alert ${action.fingerprint} was not useful, so its rule alerts less.`,
      until,
    ],
    form: { ...form, button: 'Not useful' },
  };
}

async function perform(actions: AlertActionsPort, action: AlertActionLink): Promise<ActionPage> {
  const about = action.title ? [`Alert: ${action.title}`] : [];
  if (action.kind === 'ack') {
    const target = action.groupKey
      ? { groupKey: action.groupKey }
      : { fingerprint: action.fingerprint };
    const count = await actions.acknowledge(action.tenantId, target, EMAIL_LINK_ACTOR, 'email');
    return {
      heading: 'Acknowledged',
      paragraphs: [
        ...about,
        count > 0
          ? `${count} alert${count === 1 ? '' : 's'} acknowledged.`
          : 'Nothing left to acknowledge: it was already acknowledged or has resolved.',
      ],
    };
  }
  await actions.feedback(
    action.tenantId,
    action.fingerprint,
    'not_useful',
    EMAIL_LINK_ACTOR,
    'email',
  );
  return {
    heading: 'Thanks for the feedback',
    paragraphs: [...about, 'The alert is recorded as not useful.'],
  };
}

function sendFailure(reply: FastifyReply, reason: ActionLinkFailure): FastifyReply {
  const failure = FAILURES[reason];
  return sendPage(reply, failure.status, failure.page);
}

function sendPage(reply: FastifyReply, status: number, page: ActionPage): FastifyReply {
  return reply.code(status).headers(ACTION_PAGE_HEADERS).send(renderActionPage(page));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
