import { randomBytes } from 'node:crypto';

import { AppConfig } from 'src/config/app-config';
import { createOpenSearchClient } from 'src/modules/logs/opensearch/opensearch-client';
import { OpenSearchLogStore } from 'src/modules/logs/opensearch-log-store.adapter';

import { describeLogStoreContract } from '../../contracts/log-store.contract';

// Runs the LogStore contract against a real OpenSearch when OPENSEARCH_URL is set (credentials
// from OPENSEARCH_USERNAME/PASSWORD, TLS from OPENSEARCH_CA_FILE/OPENSEARCH_TLS_INSECURE).
// Each subject gets its own index prefix and removes everything it created.
const url = process.env.OPENSEARCH_URL;

const suite = url ? describe : describe.skip;
suite(
  url
    ? `OpenSearch at ${url}`
    : 'SKIPPED: no OpenSearch — set OPENSEARCH_URL (and OPENSEARCH_USERNAME/OPENSEARCH_PASSWORD) to run the LogStore contract against a real cluster',
  () => {
    describeLogStoreContract('OpenSearch', async () => {
      const settings = new AppConfig({ ...process.env, LOG_STORE: 'opensearch' }).openSearch;
      if (!settings) throw new Error('LOG_STORE=opensearch yields OpenSearch settings');
      const prefix = `vigil-test-${randomBytes(4).toString('hex')}`;
      const client = createOpenSearchClient(settings);
      const store = new OpenSearchLogStore(client, {
        settings: {
          prefix,
          replicas: 0,
          sharedShards: 2,
          dedicatedTenantLimit: 1,
          bulkRefresh: 'wait_for',
        },
      });
      await store.bootstrap();
      return {
        store,
        cleanup: async () => {
          const admin = createOpenSearchClient(settings);
          const drop = async (method: string, path: string): Promise<void> => {
            await admin.transport.request({ method, path }, { ignore: [404] });
          };
          try {
            await drop('DELETE', `/_data_stream/${prefix}-*`);
            await drop('DELETE', `/_index_template/${prefix}-template-shared`);
            await drop('DELETE', `/_index_template/${prefix}-template`);
            await drop('DELETE', `/_component_template/${prefix}-settings`);
            await drop('DELETE', `/_component_template/${prefix}-mappings`);
            const { body } = await admin.transport.request(
              {
                method: 'GET',
                path: '/_plugins/_ism/policies',
                querystring: { queryString: prefix },
              },
              { ignore: [404] },
            );
            const policies = (body as { policies?: Array<{ _id: string }> }).policies ?? [];
            for (const { _id: id } of policies.filter((p) => p._id.startsWith(prefix))) {
              await drop('DELETE', `/_plugins/_ism/policies/${id}`);
            }
          } finally {
            await admin.close();
          }
        },
      };
    });
  },
);
