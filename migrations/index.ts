import { Init1764144000000 } from './1764144000000-init';
import { AppRole1764150000000 } from './1764150000000-app-role';
import { PrivacyJobs1764200000000 } from './1764200000000-privacy-jobs';

/** Every migration, oldest first. TypeORM runs the ones not yet applied at start. */
export const MIGRATIONS = [Init1764144000000, AppRole1764150000000, PrivacyJobs1764200000000];
