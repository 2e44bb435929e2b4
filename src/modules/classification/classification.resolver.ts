import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { ClassificationError } from './classification.errors';
import { ClassificationService } from './classification.service';
import {
  CategoryInput,
  CategoryObject,
  ClassificationObject,
  ModelEventObject,
  ModelObject,
} from './dto/classification.objects';
import { ModelRegistryService } from './model-registry.service';

const MAX_PAGE = 200;

/** Categories, the model registry and ad-hoc classification. */
@Resolver()
export class ClassificationResolver {
  constructor(
    private readonly classification: ClassificationService,
    private readonly registry: ModelRegistryService,
  ) {}

  @Query(() => [CategoryObject], { description: 'The tenant’s category taxonomy' })
  @Authorize('read')
  async classificationCategories(@CurrentPrincipal() p: Principal): Promise<CategoryObject[]> {
    return CategoryObject.list(await this.classification.taxonomy(p.tenantId));
  }

  @Mutation(() => [CategoryObject], {
    description: 'Replaces the taxonomy (retrain to teach a model new categories)',
  })
  @Authorize('admin')
  async updateClassificationCategories(
    @CurrentPrincipal() p: Principal,
    @Args('categories', { type: () => [CategoryInput] }) categories: CategoryInput[],
  ): Promise<CategoryObject[]> {
    const taxonomy = await this.registry.updateTaxonomy(p, {
      version: 1,
      categories: categories.map((c) => ({
        name: c.name,
        description: c.description,
        keywords: c.keywords ?? [],
        patterns: c.patterns ?? [],
      })),
    });
    return CategoryObject.list(taxonomy);
  }

  @Query(() => ClassificationObject, { description: 'Classifies a line as ingest would' })
  @Authorize('read')
  async classifyLog(
    @CurrentPrincipal() p: Principal,
    @Args('message') message: string,
    @Args('service', { type: () => String, nullable: true }) service: string | null,
    @Args('severity', { type: () => String, nullable: true }) severity: string | null,
  ): Promise<ClassificationObject> {
    if (message.length > 65_536) {
      throw new ClassificationError('INVALID_ARGUMENT', 'message is longer than 64 KiB');
    }
    const r = await this.classification.predict(p.tenantId, {
      message,
      ...(service ? { service } : {}),
      ...(severity ? { severity } : {}),
    });
    return {
      category: r.category,
      confidence: r.confidence,
      probabilities: r.probabilities,
      modelVersion: r.version,
    };
  }

  @Query(() => [ModelObject], { description: 'Model versions, newest first' })
  @Authorize('read')
  async classifierModels(
    @CurrentPrincipal() p: Principal,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
  ): Promise<ModelObject[]> {
    return (await this.registry.list(p.tenantId, page(first))).map((r) => ModelObject.from(r));
  }

  @Query(() => ModelObject, { nullable: true })
  @Authorize('read')
  async classifierModel(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ModelObject | null> {
    const row = await this.registry.get(p.tenantId, id);
    return row ? ModelObject.from(row) : null;
  }

  @Query(() => [ModelEventObject], {
    description: 'The registry’s history: trained, promoted, rejected, rolled_back, drift',
  })
  @Authorize('read')
  async classifierModelEvents(
    @CurrentPrincipal() p: Principal,
    @Args('kinds', { type: () => [String], nullable: true }) kinds: string[] | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<ModelEventObject[]> {
    return (await this.registry.events(p.tenantId, kinds, page(first))).map((e) =>
      ModelEventObject.from(e),
    );
  }

  @Mutation(() => ModelObject, { description: 'Makes a version the active one at once' })
  @Authorize('admin')
  async promoteClassifierModel(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ModelObject> {
    return ModelObject.from(await this.registry.promote(p, id));
  }

  @Mutation(() => ModelObject, {
    description: 'Goes back to the version that was active before the current one',
  })
  @Authorize('admin')
  async rollbackClassifierModel(@CurrentPrincipal() p: Principal): Promise<ModelObject> {
    return ModelObject.from(await this.registry.rollback(p));
  }
}

function page(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw new ClassificationError('INVALID_ARGUMENT', `first must be between 1 and ${MAX_PAGE}`);
  }
  return first;
}
