import { Catch, type ExceptionFilter } from '@nestjs/common';
import { GraphQLError } from 'graphql';

import { AuditError, type AuditErrorCode } from '../../modules/audit/audit.errors';
import { LogsError, type LogsErrorCode } from '../../modules/logs/logs.errors';
import { SecretsError, type SecretsErrorCode } from '../../modules/secrets/secrets.errors';
import { TenancyError, type TenancyErrorCode } from '../../modules/tenancy/tenancy.errors';

/** Maps each module's error codes to GraphQL `extensions.code`; services never build GraphQL errors. */
@Catch(LogsError, TenancyError, AuditError, SecretsError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: LogsError | TenancyError | AuditError | SecretsError): GraphQLError {
    if (error instanceof AuditError) {
      return new GraphQLError(error.message, { extensions: { code: auditCode(error.code) } });
    }
    if (error instanceof SecretsError) {
      return new GraphQLError(error.message, { extensions: { code: secretsCode(error.code) } });
    }
    if (error instanceof LogsError) {
      return new GraphQLError(error.message, {
        extensions: {
          code: logsCode(error.code),
          ...(error.position ? { position: error.position } : {}),
        },
      });
    }
    return new GraphQLError(error.message, { extensions: { code: tenancyCode(error.code) } });
  }
}

function logsCode(code: LogsErrorCode): string {
  switch (code) {
    case 'INVALID_QUERY':
      return 'QUERY_SYNTAX_ERROR';
    case 'INVALID_CURSOR':
      return 'BAD_CURSOR';
    case 'INVALID_INTERVAL':
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
  }
}

function tenancyCode(code: TenancyErrorCode): string {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
    case 'LAST_OWNER':
      return 'FORBIDDEN';
    case 'TOO_MANY_ATTEMPTS':
      return 'TOO_MANY_ATTEMPTS';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'MAIL_NOT_CONFIGURED':
    case 'MAIL_FAILED':
      return 'SERVICE_UNAVAILABLE';
    case 'TENANT_EXISTS':
    case 'INVALID_TENANT_SLUG':
    case 'INVALID_TOKEN':
    case 'WEAK_PASSWORD':
    case 'INVALID_ARGUMENT':
    case 'INVALID_API_KEY_REQUEST':
      return 'BAD_USER_INPUT';
    case 'API_KEY_NOT_FOUND':
      return 'NOT_FOUND';
  }
}

function auditCode(code: AuditErrorCode): string {
  switch (code) {
    case 'INVALID_CURSOR':
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
    case 'INVALID_ACTION':
      return 'INTERNAL_SERVER_ERROR';
  }
}

function secretsCode(code: SecretsErrorCode): string {
  switch (code) {
    case 'INVALID_SECRET_NAME':
    case 'INVALID_SECRET_VALUE':
      return 'BAD_USER_INPUT';
    case 'SECRET_UNREADABLE':
      return 'INTERNAL_SERVER_ERROR';
  }
}
