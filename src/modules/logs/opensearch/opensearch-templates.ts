import { FIELDS } from './opensearch-documents';
import type { OpenSearchNames, OpenSearchStoreSettings } from './opensearch-settings';

/** Analyzer of `vigil.lexemes`: the lexemes are cut already and contain no space. */
export const LEXEME_ANALYZER = 'vigil_lexemes';

/**
 * Component template with the index settings both kinds of stream share. Refresh is left to
 * `index.refresh_interval` (the default, 1 s); writes never force it.
 */
export function settingsComponent(settings: OpenSearchStoreSettings): object {
  return {
    template: {
      settings: {
        index: {
          number_of_replicas: settings.replicas,
          mapping: {
            total_fields: { limit: settings.totalFieldsLimit },
            depth: { limit: 20 },
          },
          // Sorted like `logs` pages read, so early termination and search_after skip work.
          sort: { field: [FIELDS.timestamp, FIELDS.id], order: ['desc', 'desc'] },
        },
        analysis: {
          // A pattern tokenizer on the single space: the whitespace tokenizer would also split
          // on control characters a lexeme may hold and cut lexemes longer than 255 characters.
          tokenizer: { vigil_space: { type: 'pattern', pattern: ' ' } },
          analyzer: { [LEXEME_ANALYZER]: { type: 'custom', tokenizer: 'vigil_space' } },
        },
      },
    },
    _meta: { description: 'Vigil log streams: shared index settings', managed_by: 'vigil' },
  };
}

/** Component template with the explicit mappings (ECS names) and the attribute dynamic template. */
export function mappingsComponent(settings: OpenSearchStoreSettings): object {
  const keyword = { type: 'keyword', ignore_above: settings.keywordIgnoreAbove };
  const object = (properties: Record<string, unknown>): object => ({ properties });
  return {
    template: {
      mappings: {
        // Fields nobody declared are refused from the index (kept in _source) instead of mapped:
        // only `vigil.attr` and `vigil.param` grow fields, as keywords, and `vigil.param_num`,
        // as doubles (dynamic templates).
        dynamic: 'false',
        // All are derived from `message`, `attributes` and `vigil.pattern_params`, which _source
        // keeps; the search fields alone would double the stored size.
        _source: {
          excludes: [FIELDS.lexemes, FIELDS.attributes, FIELDS.params, FIELDS.paramNumbers],
        },
        dynamic_templates: [
          {
            attributes_as_keyword: {
              path_match: `${FIELDS.attributes}.*`,
              mapping: keyword,
            },
          },
          { params_as_keyword: { path_match: `${FIELDS.params}.*`, mapping: keyword } },
          // Explicitly double: left to dynamic mapping, a first value of `12` would map the field
          // as long and later fractions would be truncated.
          {
            param_numbers_as_double: {
              path_match: `${FIELDS.paramNumbers}.*`,
              mapping: { type: 'double' },
            },
          },
        ],
        properties: {
          '@timestamp': { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
          message: {
            type: 'text',
            fields: {
              keyword: { type: 'keyword', ignore_above: settings.messageKeywordIgnoreAbove },
            },
          },
          log: object({ level: { type: 'keyword' } }),
          service: object({ name: keyword }),
          host: object({ name: keyword }),
          trace: object({ id: { type: 'keyword' } }),
          span: object({ id: { type: 'keyword' } }),
          event: object({
            dataset: keyword,
            created: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
          }),
          attributes: { type: 'object', enabled: false },
          vigil: {
            properties: {
              id: { type: 'keyword' },
              tenant_id: { type: 'keyword' },
              format: keyword,
              severity_number: { type: 'byte' },
              pattern_id: { type: 'keyword' },
              pattern_params: { type: 'keyword', index: false, doc_values: false },
              // A tenant names its own categories: capped like the other user-given keywords.
              category: keyword,
              category_confidence: { type: 'float' },
              anomaly_score: { type: 'float' },
              lexemes: {
                type: 'text',
                analyzer: LEXEME_ANALYZER,
                norms: false,
                index_options: 'positions',
              },
              attr: { type: 'object', dynamic: 'true' },
              param: { type: 'object', dynamic: 'true' },
              param_num: { type: 'object', dynamic: 'true' },
            },
          },
        },
      },
    },
    _meta: { description: 'Vigil log streams: ECS mappings', managed_by: 'vigil' },
  };
}

/**
 * The composable index templates: one for every `<prefix>-*` stream (a tenant's own) and one,
 * of higher priority, for the shared stream, which gets more primary shards.
 */
export function indexTemplates(
  names: OpenSearchNames,
  settings: OpenSearchStoreSettings,
): Array<{ name: string; body: object }> {
  const body = (patterns: string[], priority: number, shards: number): object => ({
    index_patterns: patterns,
    data_stream: { timestamp_field: { name: FIELDS.timestamp } },
    composed_of: [names.settingsComponent, names.mappingsComponent],
    priority,
    template: { settings: { index: { number_of_shards: shards } } },
    _meta: { managed_by: 'vigil' },
  });
  return [
    { name: names.indexTemplate, body: body([names.allStreams], 200, settings.dedicatedShards) },
    {
      name: `${names.indexTemplate}-shared`,
      body: body([names.sharedStream], 210, settings.sharedShards),
    },
  ];
}

/**
 * An ISM policy: roll the write index over by age or size, delete a backing index once its
 * newest possible document is older than the retention. `min_rollover_age` counts from the
 * rollover, when the index stopped taking writes. `streamPattern` is matched by ISM against the
 * data stream name of new backing indices.
 */
export function ismPolicy(
  settings: OpenSearchStoreSettings,
  retentionDays: number,
  streamPattern: string,
  priority: number,
): object {
  return {
    policy: {
      description: `Vigil logs: roll over, delete ${retentionDays} days after rollover`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [
            {
              retry: { count: 3, backoff: 'exponential', delay: '1m' },
              rollover: {
                min_index_age: settings.rolloverAge,
                min_primary_shard_size: settings.rolloverPrimaryShardSize,
              },
            },
          ],
          transitions: [
            { state_name: 'delete', conditions: { min_rollover_age: `${retentionDays}d` } },
          ],
        },
        {
          name: 'delete',
          actions: [{ retry: { count: 3, backoff: 'exponential', delay: '1m' }, delete: {} }],
          transitions: [],
        },
      ],
      ism_template: [{ index_patterns: [streamPattern], priority }],
    },
  };
}
