import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GraphQLError } from 'graphql';

import { AlertingError, type AlertingErrorCode } from '../../modules/alerting/alerting.errors';
import { AuditError, type AuditErrorCode } from '../../modules/audit/audit.errors';
import { ClassificationError } from '../../modules/classification/classification.errors';
import { ForecastingError } from '../../modules/forecasting/forecasting.errors';
import { RemediationError } from '../../modules/remediation/remediation.errors';
import { DetectionError, type DetectionErrorCode } from '../../modules/detection/detection.errors';
import {
  CustomFormatError,
  type CustomFormatErrorCode,
} from '../../modules/formats/custom/custom-formats.errors';
import {
  RedactionError,
  type RedactionErrorCode,
} from '../../modules/formats/redaction/redaction.errors';
import { LogsError, type LogsErrorCode } from '../../modules/logs/logs.errors';
import { PatternsError, type PatternsErrorCode } from '../../modules/patterns/patterns.errors';
import { PrivacyError, type PrivacyErrorCode } from '../../modules/privacy/privacy.errors';
import { SecretsError, type SecretsErrorCode } from '../../modules/secrets/secrets.errors';
import { TenancyError, type TenancyErrorCode } from '../../modules/tenancy/tenancy.errors';

type DomainError =
  | LogsError
  | TenancyError
  | AuditError
  | SecretsError
  | PrivacyError
  | CustomFormatError
  | RedactionError
  | PatternsError
  | DetectionError
  | AlertingError
  | ClassificationError
  | ForecastingError
  | RemediationError;

/** Remediation codes other than invalid input (BAD_USER_INPUT). */
const REMEDIATION_CODES: Partial<Record<RemediationError['code'], string>> = {
  NOT_FOUND: 'NOT_FOUND',
  HALTED: 'HALTED',
  RATE_LIMITED: 'RATE_LIMITED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
};

/** Maps each module's error codes to GraphQL `extensions.code`; services never build GraphQL errors. */
@Catch(
  LogsError,
  TenancyError,
  AuditError,
  SecretsError,
  PrivacyError,
  CustomFormatError,
  RedactionError,
  PatternsError,
  DetectionError,
  AlertingError,
  ClassificationError,
  ForecastingError,
  RemediationError,
)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): GraphQLError | void {
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

  private toGraphQL(error: DomainError): GraphQLError {
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
    if (error instanceof PrivacyError) {
      return new GraphQLError(error.message, { extensions: { code: privacyCode(error.code) } });
    }
    if (error instanceof CustomFormatError) {
      return new GraphQLError(error.message, {
        extensions: { code: customFormatCode(error.code) },
      });
    }
    if (error instanceof PatternsError) {
      return new GraphQLError(error.message, { extensions: { code: patternsCode(error.code) } });
    }
    if (error instanceof RedactionError) {
      return new GraphQLError(error.message, { extensions: { code: redactionCode(error.code) } });
    }
    if (error instanceof DetectionError) {
      return new GraphQLError(error.message, { extensions: { code: detectionCode(error.code) } });
    }
    if (error instanceof RemediationError) {
      const code = REMEDIATION_CODES[error.code] ?? 'BAD_USER_INPUT';
      return new GraphQLError(error.message, {
        extensions: { code, ...(error.errors.length > 0 ? { problems: error.errors } : {}) },
      });
    }
    if (error instanceof ForecastingError) {
      const code = error.code === 'NOT_ENOUGH_DATA' ? 'NOT_ENOUGH_DATA' : 'BAD_USER_INPUT';
      return new GraphQLError(error.message, { extensions: { code } });
    }
    if (error instanceof ClassificationError) {
      const code = error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'BAD_USER_INPUT';
      return new GraphQLError(error.message, { extensions: { code } });
    }
    if (error instanceof AlertingError) {
      return new GraphQLError(error.message, { extensions: { code: alertingCode(error.code) } });
    }
    return new GraphQLError(error.message, { extensions: { code: tenancyCode(error.code) } });
  }
}

const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TOO_MANY_ATTEMPTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

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
    case 'WRONG_PASSWORD':
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

function customFormatCode(code: CustomFormatErrorCode): string {
  switch (code) {
    case 'INVALID_PATTERN':
      return 'INVALID_PATTERN';
    case 'INVALID_ARGUMENT':
    case 'FORMAT_EXISTS':
    case 'LIMIT_EXCEEDED':
      return 'BAD_USER_INPUT';
    case 'FORMAT_NOT_FOUND':
      return 'NOT_FOUND';
  }
}

function patternsCode(code: PatternsErrorCode): string {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
    case 'PATTERN_NOT_FOUND':
      return 'NOT_FOUND';
  }
}

function detectionCode(code: DetectionErrorCode): string {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return 'BAD_USER_INPUT';
    case 'ANOMALY_NOT_FOUND':
      return 'NOT_FOUND';
  }
}

function redactionCode(code: RedactionErrorCode): string {
  switch (code) {
    case 'INVALID_POLICY':
      return 'BAD_USER_INPUT';
  }
}

function alertingCode(code: AlertingErrorCode): string {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'NAME_TAKEN':
    case 'IN_USE':
    case 'URL_REFUSED':
    case 'URL_UNRESOLVABLE':
    case 'INVALID_TARGET':
      return 'BAD_USER_INPUT';
    case 'RULE_NOT_FOUND':
    case 'ALERT_NOT_FOUND':
    case 'CHANNEL_NOT_FOUND':
    case 'POLICY_NOT_FOUND':
    case 'SILENCE_NOT_FOUND':
    case 'INHIBIT_RULE_NOT_FOUND':
      return 'NOT_FOUND';
    case 'CHANNEL_NOT_REGISTERED':
      return 'INTERNAL_SERVER_ERROR';
  }
}
