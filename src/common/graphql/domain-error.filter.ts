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
