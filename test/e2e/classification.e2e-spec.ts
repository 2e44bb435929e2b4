import { Client } from 'pg';

import { outperforms } from 'src/ml/classify/training';
import { ClassificationService } from 'src/modules/classification/classification.service';
import { ModelRegistryService } from 'src/modules/classification/model-registry.service';
import { AnomalyDetectionService } from 'src/modules/detection/anomaly-detection.service';
import { DriftService } from 'src/modules/feedback/drift.service';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { until } from '../support/until';

jest.setTimeout(120_000);

/** A few lines of each of a dozen kinds, with variables that change. */
const CORPUS: Array<{ service: string; level: string; lines: (i: number) => string }> = [
  {
    service: 'auth',
    level: 'warn',
    lines: (i) => `Failed password for user u${i} from 10.0.0.${i} port 22 ssh2`,
  },
  {
    service: 'orders-db',
    level: 'error',
    lines: (i) =>
      `Deadlock detected while updating table orders, transaction ${700 + i} rolled back`,
  },
  { service: 'cache', level: 'error', lines: (i) => `Connection refused to 10.2.3.${i}:6379` },
  { service: 'node', level: 'warn', lines: (i) => `Disk /dev/sda${i} is 97 percent full` },
  {
    service: 'deployer',
    level: 'info',
    lines: (i) => `Rollout of release v1.2.${i} to cluster prod-eu completed`,
  },
  {
    service: 'payments',
    level: 'warn',
    lines: (i) => `Missing configuration key payments.timeout${i}, using the default`,
  },
  {
    service: 'api',
    level: 'warn',
    lines: (i) => `Request GET /api/orders/${i} took ${5000 + i} ms, over the 2000 ms budget`,
  },
  {
    service: 'orders',
    level: 'error',
    lines: (i) => `NullPointerException in OrderService.place at line ${80 + i}`,
  },
  { service: 'shop', level: 'info', lines: (i) => `User ${i} viewed product ${90 + i}` },
  {
    service: 'firewall',
    level: 'warn',
    lines: (i) => `Blocked suspicious login attempt from 203.0.113.${i}, possible brute force`,
  },
];

const QUOTA = (i: number) => `Quota of tenant ${40 + i} reached ${90 + i} percent of its plan`;
const CERT = (i: number) => `Nightly export ${i} wrote ${1000 + i} rows to the archive bucket`;

const LOGS = `query ($q: String!) {
  logs(filter: { query: $q }, first: 20) { edges { node { id body category categoryConfidence patternId } } }
}`;
const MODELS = `query { classifierModels { id version status algorithm
  metrics { accuracy macroF1 ece perClass { category support } }
  training { reason humanLabels weakLabels holdout } shadow { predictions agreement } } }`;

interface Log {
  id: string;
  body: string;
  category: string | null;
  categoryConfidence: number | null;
  patternId: string | null;
}
interface Model {
  id: string;
  version: number;
  status: string;
  metrics: { macroF1: number; perClass: Array<{ category: string }> };
  training: { reason: string; humanLabels: number; weakLabels: number; holdout: number };
  shadow: { predictions: number; agreement: number | null };
}

describe('classification: feedback → training → registry → shadow → promotion → rollback', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let other: TestVigil | null = null;

  beforeAll(async () => {
    sut = await TestVigil.start({ SHADOW_MIN_PREDICTIONS: '1', SHADOW_MIN_SECONDS: '0' });
    tenant = await sut.createTenant('classify-a');
  });
  afterAll(async () => {
    await other?.close();
    await sut?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const ship = async (
    docs: Array<{ service: string; level: string; message: string }>,
    via: TestVigil = sut,
  ) => {
    const res = await fetch(`${via.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(docs.map((d) => ({ '@timestamp': new Date().toISOString(), ...d }))),
    });
    expect(res.status).toBe(200);
  };
  const logs = async (q: string) =>
    (await gql<{ logs: { edges: Array<{ node: Log }> } }>(LOGS, { q })).logs.edges.map(
      (e) => e.node,
    );
  /** The category ingest gives a new record of this line now. */
  const categoryOf = async (service: string, message: string): Promise<string | null> => {
    await ship([{ service, level: 'info', message }]);
    const [log] = await until(
      () => logs(`"${message}"`),
      (l) => l.length > 0,
    );
    return log!.category;
  };
  const models = async () => (await gql<{ classifierModels: Model[] }>(MODELS)).classifierModels;
  const train = async (count: number) => {
    await gql('mutation { trainClassifier }');
    return until(models, (m) => m.length >= count, 60_000);
  };
  const label = async (kind: 'labelPattern' | 'labelLog', id: string, category: string) =>
    gql<{ [k: string]: { version: number } }>(
      `mutation ($id: ID!, $c: String!) { ${kind}(id: $id, input: { category: $c }) { version } }`,
      { id, c: category },
    );

  it('classifies every record at ingest, by the taxonomy’s rules before any model', async () => {
    const docs = CORPUS.flatMap((k) =>
      [1, 2, 3].map((i) => ({ service: k.service, level: k.level, message: k.lines(i) })),
    );
    await ship(docs);
    const auth = await until(
      () => logs('service:auth'),
      (l) => l.length === 3,
    );
    expect(auth.every((l) => l.category === 'authentication')).toBe(true);
    expect(auth[0]!.categoryConfidence).toBeGreaterThan(0);
    const db = await logs('category:database');
    expect(db.map((l) => l.body)).toEqual(expect.arrayContaining([CORPUS[1]!.lines(1)]));
    const categories = await gql<{ classificationCategories: Array<{ name: string }> }>(
      '{ classificationCategories { name } }',
    );
    expect(categories.classificationCategories.map((c) => c.name)).toContain('dependency_failure');
  });

  it('trains a first model from labels and weak labels; the pipeline uses it at once', async () => {
    other = await sut.replica();
    await ship([{ service: 'billing', level: 'info', message: QUOTA(0) }], other);
    const before = await categoryOf('billing', QUOTA(1));
    const wanted = before === 'performance' ? 'configuration' : 'performance';
    const [quota] = await logs(`"${QUOTA(1)}"`);
    // A pattern label and a log label of the same pattern; the pattern label twice (versions).
    await label('labelPattern', quota!.patternId!, 'storage');
    const second = await label('labelPattern', quota!.patternId!, wanted);
    expect(second.labelPattern!.version).toBe(2);
    await label('labelLog', quota!.id, wanted);

    const queue = await gql<{ labelingQueue: Array<{ patternId: string; uncertainty: number }> }>(
      '{ labelingQueue(first: 5) { patternId uncertainty } }',
    );
    expect(queue.labelingQueue.length).toBeGreaterThan(0);
    expect(queue.labelingQueue.map((i) => i.patternId)).not.toContain(quota!.patternId);

    const [v1] = await train(1);
    expect(v1).toMatchObject({ version: 1, status: 'ACTIVE' });
    expect(v1!.training).toMatchObject({ reason: 'manual', humanLabels: 2 });
    expect(v1!.training.weakLabels).toBeGreaterThan(10);
    expect(v1!.metrics.macroF1).toBeGreaterThan(0);

    // Every replica swaps the model without a restart: the next record of the pattern, here and
    // on a replica that had loaded the tenant's (rule-based) classification before training.
    expect(await categoryOf('billing', QUOTA(2))).toBe(wanted);
    expect(
      await until(
        async () => {
          await ship([{ service: 'billing', level: 'info', message: QUOTA(3) }], other!);
          return (await logs(`"${QUOTA(3)}"`)).map((l) => l.category);
        },
        (c) => c.includes(wanted),
        15_000,
      ),
    ).toContain(wanted);

    const history = await gql<{
      feedback: Array<{ targetKind: string; version: number; supersededAt: string | null }>;
    }>('{ feedback(filter: { targetKind: PATTERN }) { targetKind version supersededAt } }');
    expect(history.feedback.map((f) => [f.version, f.supersededAt === null])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('runs a new version in shadow, promotes it, and rolls back to the one before', async () => {
    const v1Category = await categoryOf('exporter', CERT(1));
    const wanted = v1Category === 'storage' ? 'deployment' : 'storage';
    const [cert] = await logs(`"${CERT(1)}"`);
    await label('labelPattern', cert!.patternId!, wanted);
    await label('labelLog', cert!.id, wanted);
    const all = await train(2);
    const v2 = all.find((m) => m.version === 2)!;
    expect(v2.status).toBe('SHADOW');
    expect(all.find((m) => m.version === 1)!.status).toBe('ACTIVE');

    // In shadow it classifies what the active one does, and only the active one's answer is stored.
    expect(await categoryOf('exporter', CERT(2))).toBe(v1Category);
    await sut.vigil.app.get(ClassificationService).flushShadowStats();
    const shadowed = (await models()).find((m) => m.version === 2)!;
    expect(shadowed.shadow.predictions).toBeGreaterThan(0);
    expect(shadowed.shadow.agreement).not.toBeNull();

    const promoted = await gql<{ promoteClassifierModel: { version: number; status: string } }>(
      'mutation ($id: ID!) { promoteClassifierModel(id: $id) { version status } }',
      { id: v2.id },
    );
    expect(promoted.promoteClassifierModel).toEqual({ version: 2, status: 'ACTIVE' });
    expect(await categoryOf('exporter', CERT(3))).toBe(wanted);

    const back = await gql<{ rollbackClassifierModel: { version: number } }>(
      'mutation { rollbackClassifierModel { version } }',
    );
    expect(back.rollbackClassifierModel.version).toBe(1);
    expect(await categoryOf('exporter', CERT(4))).toBe(v1Category);
    const statuses = Object.fromEntries((await models()).map((m) => [m.version, m.status]));
    expect(statuses).toEqual({ 1: 'ACTIVE', 2: 'RETIRED' });

    const events = await gql<{ classifierModelEvents: Array<{ kind: string }> }>(
      '{ classifierModelEvents { kind } }',
    );
    expect(events.classifierModelEvents.map((e) => e.kind)).toEqual([
      'rolled_back',
      'promoted',
      'trained',
      'trained',
    ]);
  });

  it('reviews a shadow version: it waits for live traffic, then is promoted when no worse', async () => {
    const all = await train(3);
    const v3 = all.find((m) => m.version === 3)!;
    expect(v3.status).toBe('SHADOW');
    const registry = sut.vigil.app.get(ModelRegistryService);
    const row = (await registry.get(tenant.id, v3.id))!;
    const better = outperforms(row.metrics, row.baselineMetrics);
    if (better) {
      // Nothing classified in shadow yet (its cache is fresh only after a record).
      expect(await registry.review(tenant.id)).toBe('waiting');
      await categoryOf('shop', 'User 5 viewed product 95 twice');
      await sut.vigil.app.get(ClassificationService).flushShadowStats();
    }
    expect(await registry.review(tenant.id)).toBe(better ? 'promoted' : 'rejected');
    const status = (await models()).find((m) => m.version === 3)!.status;
    expect(status).toBe(better ? 'ACTIVE' : 'REJECTED');
  });

  it('finds drift when a service’s mix of patterns moves away from the training profile', async () => {
    const drift = sut.vigil.app.get(DriftService);
    const retrained: string[] = [];
    const retrain = async (t: string) => {
      retrained.push(t);
    };
    expect(await drift.check(tenant.id, Date.now(), retrain)).toEqual([]);
    await ship(
      Array.from({ length: 60 }, (_, i) => ({
        service: 'auth',
        level: 'error',
        message: `Token introspection endpoint returned 503 for client c${i}`,
      })),
    );
    await until(
      () => logs('service:auth AND introspection'),
      (l) => l.length >= 20,
    );
    const found = await drift.check(tenant.id, Date.now(), retrain);
    expect(found.map((d) => d.service)).toEqual(['auth']);
    expect(found[0]!.patternDrift).toBeGreaterThan(0.2);
    expect(retrained).toEqual([tenant.id]);
    const events = await gql<{ classifierModelEvents: Array<{ kind: string; details: unknown }> }>(
      '{ classifierModelEvents(kinds: ["drift"]) { kind details } }',
    );
    expect(events.classifierModelEvents).toHaveLength(1);
  });

  it('hands verdicts on anomalies to detection, which keeps them with its state', async () => {
    await gql(
      'mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }',
    );
    await ship([
      { service: 'ledger', level: 'error', message: 'Ledger replica diverged at offset 1200' },
    ]);
    const anomalies = await until(
      () =>
        gql<{ anomalies: { edges: Array<{ node: { id: string; service: string } }> } }>(
          '{ anomalies(first: 20) { edges { node { id service } } } }',
        ),
      (a) => a.anomalies.edges.some((e) => e.node.service === 'ledger'),
      20_000,
    );
    const id = anomalies.anomalies.edges.find((e) => e.node.service === 'ledger')!.node.id;
    const verdict = await gql<{ labelAnomaly: { verdict: string; subject: { service: string } } }>(
      'mutation ($id: ID!) { labelAnomaly(id: $id, verdict: FALSE_POSITIVE) { verdict subject } }',
      { id },
    );
    expect(verdict.labelAnomaly).toMatchObject({
      verdict: 'FALSE_POSITIVE',
      subject: { service: 'ledger' },
    });
    const detection = sut.vigil.app.get(AnomalyDetectionService);
    await detection.checkpoint();
    const owner = new Client({ connectionString: sut.databaseUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ entries: Array<{ service: string; strikes: number }> }>(
        `SELECT state->'feedback'->'entries' AS entries FROM detector_states WHERE tenant_id = $1`,
        [tenant.id],
      );
      const ledger = rows[0]!.entries.filter((e) => e.service === 'ledger');
      expect(ledger.length).toBeGreaterThan(0);
      expect(ledger.every((e) => e.strikes === 1)).toBe(true);
    } finally {
      await owner.end();
    }
  });

  it('refuses labels outside the taxonomy, in words', async () => {
    const [any] = await logs('service:shop');
    const res = await sut.graphql(
      tenant.adminKey,
      'mutation ($id: ID!) { labelLog(id: $id, input: { category: "weather" }) { version } }',
      { id: any!.id },
    );
    expect(res.errors?.[0]?.message).toMatch(/category must be one of .*authentication/);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
