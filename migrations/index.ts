import { Init1764144000000 } from './1764144000000-init';
import { AppRole1764150000000 } from './1764150000000-app-role';
import { RowLevelSecurity1764160000000 } from './1764160000000-row-level-security';
import { AuditSecrets1764170000000 } from './1764170000000-audit-secrets';
import { Users1764180000000 } from './1764180000000-users';
import { ApiKeyLifecycle1764190000000 } from './1764190000000-api-key-lifecycle';
import { PrivacyJobs1764200000000 } from './1764200000000-privacy-jobs';
import { MemberDirectory1764205000000 } from './1764205000000-member-directory';
import { CustomFormatsRedaction1764214000000 } from './1764214000000-custom-formats-redaction';
import { Patterns1764220000000 } from './1764220000000-patterns';
import { Anomalies1764230000000 } from './1764230000000-anomalies';
import { Alerting1764240000000 } from './1764240000000-alerting';
import { AlertingFollowups1764245000000 } from './1764245000000-alerting-followups';
import { AlertChannelKinds1764250000000 } from './1764250000000-alert-channel-kinds';
import { LogCategory1764260000000 } from './1764260000000-log-category';
import { Learning1764270000000 } from './1764270000000-learning';
import { Forecasts1764280000000 } from './1764280000000-forecasts';
import { Runbooks1764290000000 } from './1764290000000-runbooks';
import { RunbookRuns1764300000000 } from './1764300000000-runbook-runs';

/** Every migration, oldest first. TypeORM runs the ones not yet applied at start. */
export const MIGRATIONS = [
  Init1764144000000,
  AppRole1764150000000,
  RowLevelSecurity1764160000000,
  AuditSecrets1764170000000,
  Users1764180000000,
  ApiKeyLifecycle1764190000000,
  PrivacyJobs1764200000000,
  MemberDirectory1764205000000,
  CustomFormatsRedaction1764214000000,
  Patterns1764220000000,
  Anomalies1764230000000,
  Alerting1764240000000,
  AlertingFollowups1764245000000,
  AlertChannelKinds1764250000000,
  LogCategory1764260000000,
  Learning1764270000000,
  Forecasts1764280000000,
  Runbooks1764290000000,
  RunbookRuns1764300000000,
];
