import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GraphQLError } from 'graphql';

import { LogsError, type LogsErrorCode } from '../../modules/logs/logs.errors';
import { PrivacyError, type PrivacyErrorCode } from '../../modules/privacy/privacy.errors';
import { TenancyError, type TenancyErrorCode } from '../../modules/tenancy/tenancy.errors';

/** Maps each module's error codes to GraphQL `extensions.code`; services never build GraphQL errors. */
@Catch(LogsError, TenancyError, PrivacyError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: LogsError | TenancyError | PrivacyError, host: ArgumentsHost): GraphQLError | void {
    const graphqlError = this.toGraphQL(error);
    if (host.getType<string>() !== 'http') return graphqlError;
    // Controllers (the guard refusing a route, say) answer with the HTTP status of the code.
    const code = graphqlError.extensions.code as string;
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(HTTP_STATUS[code] ?? 400)
      .send({ error: code, message: error.message });
  }

  private toGraphQL(error: LogsError | TenancyError | PrivacyError): GraphQLError {
    if (error instanceof LogsError) {
      return new GraphQLError(error.message, {
        extensions: {
          code: logsCode(error.code),
          ...(error.position ? { position: error.position } : {}),
        },
      });
    }
    if (error instanceof PrivacyError) {
      return new GraphQLError(error.message, { extensions: { code: privacyCode(error.code) } });
    }
    return new GraphQLError(error.message, { extensions: { code: tenancyCode(error.code) } });
  }
}

const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
};

function logsCode(code: LogsErrorCode): string {
  switch (code) {
    case 'INVALID_QUERY':
      return 'QUERY_SYNTAX_ERROR';
    case 'INVALID_INTERVAL':
    case 'INVALID_CURSOR':
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
  }
}

function tenancyCode(code: TenancyErrorCode): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'TENANT_EXISTS':
    case 'INVALID_TENANT_SLUG':
      return 'BAD_USER_INPUT';
  }
}

function privacyCode(code: PrivacyErrorCode): string {
  switch (code) {
    case 'INVALID_IDENTIFIERS':
    case 'CONFIRMATION_MISMATCH':
    case 'INVALID_RETENTION':
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
    case 'JOB_NOT_FOUND':
    case 'EXPORT_NOT_READY':
      return 'NOT_FOUND';
    case 'QUEUE_UNAVAILABLE':
      return 'SERVICE_UNAVAILABLE';
  }
}
