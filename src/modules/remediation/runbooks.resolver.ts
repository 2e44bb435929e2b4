import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { JsonScalar } from '../../common/graphql/json.scalar';
import type { Principal } from '../tenancy/principal';
import {
  DryRunObject,
  RunbookObject,
  RunbookValidationObject,
  RunbookVersionObject,
} from './dto/runbook.objects';
import { RemediationError } from './remediation.errors';
import { RUNBOOK_SCHEMA } from './runbook/validate-runbook';
import { RunbooksService } from './runbooks.service';

/** Runbooks: the published schema, validation, versions, and dry runs. */
@Resolver()
export class RunbooksResolver {
  constructor(private readonly service: RunbooksService) {}

  @Query(() => JsonScalar, { description: 'The JSON Schema runbooks are validated against' })
  @Authorize('read')
  runbookSchema(): unknown {
    return RUNBOOK_SCHEMA;
  }

  @Query(() => RunbookValidationObject, {
    description:
      'Checks a definition (a JSON object, or YAML or JSON text) without saving it: every problem with its path',
  })
  @Authorize('read')
  validateRunbook(
    @Args('definition', { type: () => JsonScalar }) definition: unknown,
  ): RunbookValidationObject {
    const r = this.service.validate(definition);
    return { ok: r.ok, errors: r.ok ? [] : r.errors };
  }

  @Query(() => [RunbookObject])
  @Authorize('read')
  async runbooks(@CurrentPrincipal() p: Principal): Promise<RunbookObject[]> {
    return (await this.service.list(p.tenantId)).map((r) => RunbookObject.from(r));
  }

  @Query(() => RunbookObject, { nullable: true })
  @Authorize('read')
  async runbook(
    @CurrentPrincipal() p: Principal,
    @Args('id') id: string,
  ): Promise<RunbookObject | null> {
    const row = await this.service.get(p.tenantId, id);
    return row ? RunbookObject.from(row) : null;
  }

  @Query(() => [RunbookVersionObject], { description: 'Every version, newest first' })
  @Authorize('read')
  async runbookVersions(
    @CurrentPrincipal() p: Principal,
    @Args('id') id: string,
  ): Promise<RunbookVersionObject[]> {
    return (await this.service.versions(p.tenantId, id)).map((v) => RunbookVersionObject.from(v));
  }

  @Mutation(() => RunbookObject, {
    description:
      'Creates a runbook, or saves a new version of the one with the same id; the definition is a JSON object, or YAML or JSON text',
  })
  @Authorize('write')
  async saveRunbook(
    @CurrentPrincipal() p: Principal,
    @Args('definition', { type: () => JsonScalar }) definition: unknown,
  ): Promise<RunbookObject> {
    return RunbookObject.from(await this.service.save(p, definition));
  }

  @Mutation(() => Boolean, {
    description:
      'Deletes a runbook with its versions and runs (the audit log keeps them); false when there was none. Refused while a run is unfinished.',
  })
  @Authorize('write')
  deleteRunbook(@CurrentPrincipal() p: Principal, @Args('id') id: string): Promise<boolean> {
    return this.service.delete(p, id);
  }

  @Mutation(() => DryRunObject, {
    description: 'Resolves every step of a run as it would go now, and calls nothing',
  })
  @Authorize('write')
  async dryRunRunbook(
    @CurrentPrincipal() p: Principal,
    @Args('id') id: string,
    @Args('input', { type: () => JsonScalar, nullable: true }) input: unknown,
    @Args('alertFingerprint', { type: () => ID, nullable: true }) alertFingerprint: string | null,
  ): Promise<DryRunObject> {
    if (input != null && (typeof input !== 'object' || Array.isArray(input))) {
      throw new RemediationError('INVALID_ARGUMENT', 'input must be an object of parameter values');
    }
    return DryRunObject.from(
      await this.service.dryRun(p, id, (input ?? {}) as Record<string, unknown>, alertFingerprint),
    );
  }
}
