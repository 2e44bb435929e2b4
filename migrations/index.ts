import { Init1764144000000 } from './1764144000000-init';

/** Every migration, oldest first. TypeORM runs the ones not yet applied at start. */
export const MIGRATIONS = [Init1764144000000];
