import { createHash } from 'node:crypto';

/** Bodies the Elasticsearch-compatible API answers with. Shapes follow ../shared/INGEST.md. */

export function esError(status: number, type: string, reason: string): string {
  return JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status });
}

const CLUSTER_UUID = createHash('sha256').update('vigil').digest('base64url').slice(0, 22);

export function rootInfo(version: string, openSearchClient: boolean): Record<string, unknown> {
  if (openSearchClient) {
    // The OpenSearch forks of the shippers refuse 8.x and ship templates only for majors 1, 2, 7.
    return {
      name: 'vigil',
      cluster_name: 'vigil',
      cluster_uuid: CLUSTER_UUID,
      version: {
        distribution: 'opensearch',
        number: '2.17.0',
        build_type: 'vigil',
        build_hash: 'vigil',
        build_date: '2024-09-13T00:00:00.000Z',
        build_snapshot: false,
        lucene_version: '9.11.1',
        minimum_wire_compatibility_version: '7.10.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'The OpenSearch Project: https://opensearch.org/',
    };
  }
  return {
    name: 'vigil',
    cluster_name: 'vigil',
    cluster_uuid: CLUSTER_UUID,
    version: {
      number: version,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: 'vigil',
      build_date: '2024-12-11T12:08:05.663Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

export const LICENSE = {
  license: {
    status: 'active',
    uid: '00000000-0000-4000-8000-000000000000',
    type: 'basic',
    issue_date: '2024-01-01T00:00:00.000Z',
    issue_date_in_millis: 1704067200000,
    max_nodes: 1000,
    max_resource_units: null,
    issued_to: 'vigil',
    issuer: 'vigil',
    start_date_in_millis: -1,
  },
};

export const XPACK = {
  build: { hash: 'vigil', date: '2024-12-11T12:08:05.663Z' },
  license: { uid: LICENSE.license.uid, type: 'basic', mode: 'basic', status: 'active' },
  features: {},
  tagline: 'for the win',
};

export function clusterHealth(): Record<string, unknown> {
  return {
    cluster_name: 'vigil',
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 1,
    active_shards: 1,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100.0,
  };
}
