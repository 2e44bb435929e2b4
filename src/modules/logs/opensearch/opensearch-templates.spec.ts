import { DEFAULT_OPENSEARCH_SETTINGS, OpenSearchNames } from './opensearch-settings';
import {
  LEXEME_ANALYZER,
  indexTemplates,
  ismPolicy,
  mappingsComponent,
  settingsComponent,
} from './opensearch-templates';

const settings = { ...DEFAULT_OPENSEARCH_SETTINGS, totalFieldsLimit: 1500, replicas: 2 };
const names = new OpenSearchNames('logs-vigil');

interface Mapping {
  type?: string;
  ignore_above?: number;
  enabled?: boolean;
  analyzer?: string;
  format?: string;
  dynamic?: string;
  properties?: Record<string, Mapping>;
  fields?: Record<string, Mapping>;
}

function field(path: string): Mapping | undefined {
  const mappings = (mappingsComponent(settings) as { template: { mappings: Mapping } }).template
    .mappings;
  let at: Mapping | undefined = mappings;
  for (const part of path === '@timestamp' ? [path] : path.split('.')) {
    at = at?.properties?.[part] ?? at?.fields?.[part];
  }
  return at;
}

describe('OpenSearch templates', () => {
  describe(mappingsComponent.name, () => {
    it.each([
      ['@timestamp', 'date'],
      ['message', 'text'],
      ['message.keyword', 'keyword'],
      ['log.level', 'keyword'],
      ['service.name', 'keyword'],
      ['host.name', 'keyword'],
      ['trace.id', 'keyword'],
      ['span.id', 'keyword'],
      ['event.dataset', 'keyword'],
      ['event.created', 'date'],
      ['vigil.id', 'keyword'],
      ['vigil.tenant_id', 'keyword'],
      ['vigil.format', 'keyword'],
      ['vigil.pattern_id', 'keyword'],
      ['vigil.category', 'keyword'],
      ['vigil.category_confidence', 'float'],
      ['vigil.anomaly_score', 'float'],
      ['vigil.severity_number', 'byte'],
      ['vigil.lexemes', 'text'],
    ])('maps %s explicitly as %s', (path, type) => {
      expect(field(path)?.type).toBe(type);
    });

    it('caps the keyword copy of the message, and keyword values in general', () => {
      expect(field('message.keyword')?.ignore_above).toBe(1024);
      expect(field('service.name')?.ignore_above).toBe(8191);
      expect(field('vigil.category')?.ignore_above).toBe(8191);
    });

    it('analyzes the lexemes with the space-splitting analyzer of the settings component', () => {
      expect(field('vigil.lexemes')?.analyzer).toBe(LEXEME_ANALYZER);
      const analysis = (
        settingsComponent(settings) as {
          template: { settings: { analysis: { analyzer: Record<string, { tokenizer: string }> } } };
        }
      ).template.settings.analysis;
      expect(analysis.analyzer[LEXEME_ANALYZER]).toEqual({
        type: 'custom',
        tokenizer: 'vigil_space',
      });
    });

    it('keeps raw attributes unindexed and maps indexed attributes and parameters as keywords only', () => {
      expect(field('attributes')).toEqual({ type: 'object', enabled: false });
      const mappings = (mappingsComponent(settings) as { template: { mappings: object } }).template
        .mappings;
      expect(mappings).toMatchObject({
        dynamic: 'false',
        dynamic_templates: [
          {
            attributes_as_keyword: {
              path_match: 'vigil.attr.*',
              mapping: { type: 'keyword', ignore_above: 8191 },
            },
          },
          {
            params_as_keyword: {
              path_match: 'vigil.param.*',
              mapping: { type: 'keyword', ignore_above: 8191 },
            },
          },
          {
            param_numbers_as_double: {
              path_match: 'vigil.param_num.*',
              mapping: { type: 'double' },
            },
          },
        ],
        _source: { excludes: ['vigil.lexemes', 'vigil.attr', 'vigil.param', 'vigil.param_num'] },
      });
      expect(field('vigil.attr')).toEqual({ type: 'object', dynamic: 'true' });
      expect(field('vigil.param')).toEqual({ type: 'object', dynamic: 'true' });
      expect(field('vigil.param_num')).toEqual({ type: 'object', dynamic: 'true' });
    });
  });

  describe(settingsComponent.name, () => {
    it('bounds the field count and leaves refresh to the index default', () => {
      const { index } = (
        settingsComponent(settings) as {
          template: { settings: { index: Record<string, unknown> } };
        }
      ).template.settings;
      expect(index).toMatchObject({
        number_of_replicas: 2,
        mapping: { total_fields: { limit: 1500 } },
      });
      expect(index).not.toHaveProperty('refresh_interval');
    });
  });

  describe(indexTemplates.name, () => {
    it('makes data streams of every prefixed name, the shared one with more shards', () => {
      const [all, shared] = indexTemplates(names, settings);
      expect(all).toEqual({
        name: 'logs-vigil-template',
        body: {
          index_patterns: ['logs-vigil-*'],
          data_stream: { timestamp_field: { name: '@timestamp' } },
          composed_of: ['logs-vigil-settings', 'logs-vigil-mappings'],
          priority: 200,
          template: { settings: { index: { number_of_shards: 1 } } },
          _meta: { managed_by: 'vigil' },
        },
      });
      expect(shared?.body).toMatchObject({
        index_patterns: ['logs-vigil-shared'],
        priority: 210,
        template: { settings: { index: { number_of_shards: 3 } } },
      });
    });
  });

  describe(ismPolicy.name, () => {
    it('rolls over by age or size and deletes after the retention, for the streams given', () => {
      expect(ismPolicy(settings, 30, 'logs-vigil-t1', 100)).toEqual({
        policy: {
          description: 'Vigil logs: roll over, delete 30 days after rollover',
          default_state: 'hot',
          states: [
            {
              name: 'hot',
              actions: [
                {
                  retry: { count: 3, backoff: 'exponential', delay: '1m' },
                  rollover: { min_index_age: '1d', min_primary_shard_size: '30gb' },
                },
              ],
              transitions: [{ state_name: 'delete', conditions: { min_rollover_age: '30d' } }],
            },
            {
              name: 'delete',
              actions: [{ retry: { count: 3, backoff: 'exponential', delay: '1m' }, delete: {} }],
              transitions: [],
            },
          ],
          ism_template: [{ index_patterns: ['logs-vigil-t1'], priority: 100 }],
        },
      });
    });
  });
});
