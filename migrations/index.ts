import { Init1764144000000 } from './1764144000000-init';
import { AppRole1764150000000 } from './1764150000000-app-role';
import { ApiKeyLifecycle1764190000000 } from './1764190000000-api-key-lifecycle';

/** Every migration, oldest first. TypeORM runs the ones not yet applied at start. */
export const MIGRATIONS = [Init1764144000000, AppRole1764150000000, ApiKeyLifecycle1764190000000];
