import { type OpsgenieTarget } from './alert-channel';
import { SAMPLE_ALERT as ALERT, sampleNotice, ScriptedProvider } from './channel.fixtures';
import {
  OPSGENIE_LIMITS,
  OpsgenieChannel,
  buildOpsgenieAlert,
  buildOpsgenieRequest,
  opsgenieAlias,
} from './opsgenie.channel';

const ACCEPTED = JSON.stringify({
  result: 'Request will be processed',
  took: 0.107,
  requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120',
});

describe(OpsgenieChannel.name, () => {
  const provider = new ScriptedProvider(
    { status: 202, body: ACCEPTED },
    { 'content-type': 'application/json' },
  );
  const requests = provider.requests;
  let target: OpsgenieTarget;

  beforeAll(async () => {
    target = {
      kind: 'opsgenie',
      apiKey: 'eb243592-faa2-4ba2-a551-1afdf565c889',
      apiUrl: await provider.listen(),
      allowPrivateNetwork: true,
    };
  });

  afterAll(() => provider.close());

  beforeEach(() => provider.reset());

  it('creates an alert with GenieKey auth and the documented fields', async () => {
    const receipt = await new OpsgenieChannel().send(sampleNotice(), target);

    expect(receipt).toEqual({
      ok: true,
      status: 202,
      providerId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.url).toBe('/v2/alerts');
    expect(requests[0]!.headers.authorization).toBe(
      'GenieKey eb243592-faa2-4ba2-a551-1afdf565c889',
    );
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(requests[0]!.body)).toEqual({
      message: 'Checkout errors spiking',
      alias: 'grp_5f2c',
      description: [
        'Error rate of checkout is 14x its usual level',
        '',
        'Open in Vigil: https://vigil.example/alerts/grp_5f2c',
        'Acknowledge: https://vigil.example/ack/t1',
        '',
        'Alerts (1):',
        '- ErrorSpike [firing] since 2026-11-26T10:00:00.000Z',
        '  error pattern E17 at 14x',
        '  > ERROR payment declined id=1',
      ].join('\n'),
      tags: ['vigil', 'severity:high', 'alertname:ErrorSpike', 'service:checkout'],
      details: {
        service: 'checkout',
        host: 'web-1',
        alertname: 'ErrorSpike',
        vigil_url: 'https://vigil.example/alerts/grp_5f2c',
      },
      entity: 'checkout',
      source: 'vigil',
      priority: 'P2',
    });
  });

  it('acknowledges and closes the alert by alias, URL-encoded', async () => {
    const sut = new OpsgenieChannel();
    await sut.send(sampleNotice({ status: 'acknowledged' }), target);
    await sut.send(sampleNotice({ status: 'resolved', dedupKey: 'grp/1 2?x&y' }), target);

    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/v2/alerts/grp_5f2c/acknowledge?identifierType=alias'],
      ['POST', '/v2/alerts/grp%2F1%202%3Fx%26y/close?identifierType=alias'],
    ]);
    expect(requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { source: 'vigil', note: 'Acknowledged in Vigil.' },
      { source: 'vigil', note: 'Resolved in Vigil: every alert of the group has ended.' },
    ]);
    expect(requests.every((r) => r.headers.authorization === `GenieKey ${target.apiKey}`)).toBe(
      true,
    );
  });

  it('appends the API path to a base URL given with a trailing slash', async () => {
    await new OpsgenieChannel().send(sampleNotice(), { ...target, apiUrl: `${target.apiUrl}/` });
    expect(requests[0]!.url).toBe('/v2/alerts');
  });

  it('counts a 2xx without a requestId as delivered, with no provider id', async () => {
    provider.reply = { status: 202, body: 'accepted' };
    await expect(new OpsgenieChannel().send(sampleNotice(), target)).resolves.toEqual({
      ok: true,
      status: 202,
    });
  });

  it('classifies 429 with Retry-After, 408 and 5xx as retryable, other 4xx as permanent', async () => {
    const sut = new OpsgenieChannel();
    provider.reply = { status: 429, headers: { 'retry-after': '3' }, body: '' };
    await expect(sut.send(sampleNotice(), target)).resolves.toEqual({
      ok: false,
      status: 429,
      permanent: false,
      retryAfterMs: 3000,
      error: 'HTTP 429',
    });
    for (const status of [408, 500, 503]) {
      provider.reply = { status, body: '' };
      await expect(sut.send(sampleNotice(), target)).resolves.toEqual({
        ok: false,
        status,
        permanent: false,
        error: `HTTP ${status}`,
      });
    }
    for (const status of [400, 401, 403, 404, 422]) {
      provider.reply = { status, body: '{"message":"Key format is not valid!"}' };
      await expect(sut.send(sampleNotice(), target)).resolves.toEqual({
        ok: false,
        status,
        permanent: true,
        error: `HTTP ${status}: {"message":"Key format is not valid!"}`,
      });
    }
  });

  it('refuses a loopback API URL unless private networks are allowed', async () => {
    const receipt = await new OpsgenieChannel().send(sampleNotice(), {
      ...target,
      allowPrivateNetwork: false,
    });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(requests).toHaveLength(0);
  });

  it('refuses a target of another kind without a request', async () => {
    const receipt = await new OpsgenieChannel().send(sampleNotice(), {
      kind: 'teams',
      webhookUrl: 'https://x.example',
    });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'INVALID_TARGET' });
    expect(requests).toHaveLength(0);
  });
});

describe(buildOpsgenieAlert.name, () => {
  it('maps the severities onto P1..P5', () => {
    const priorities = (['critical', 'high', 'warning', 'info'] as const).map(
      (severity) => buildOpsgenieAlert(sampleNotice({ severity })).priority,
    );
    expect(priorities).toEqual(['P1', 'P2', 'P3', 'P5']);
  });

  it('keeps every field within the Alert API limits', () => {
    const services = Array.from({ length: 30 }, (_, i) => `svc-${i}-${'x'.repeat(60)}`);
    const alert = buildOpsgenieAlert(
      sampleNotice({
        title: 'm'.repeat(500),
        dedupKey: 'k'.repeat(600),
        summary: 'd'.repeat(20_000),
        alerts: services.map((service, i) => ({
          ...ALERT,
          fingerprint: `fp${i}`,
          labels: { service, alertname: `Rule ${i} ${'r'.repeat(80)}` },
        })),
        groupLabels: Object.fromEntries(
          Array.from({ length: 30 }, (_, i) => [`label_${i}`, 'v'.repeat(2000)]),
        ),
      }),
    ) as {
      message: string;
      alias: string;
      description: string;
      tags: string[];
      details: Record<string, string>;
      entity: string;
    };
    expect(alert.message).toBe(`${'m'.repeat(129)}…`);
    expect(alert.alias).toHaveLength(OPSGENIE_LIMITS.alias);
    expect(alert.description.startsWith(`${'d'.repeat(3999)}…\n\nOpen in Vigil: https://`)).toBe(
      true,
    );
    expect(alert.description.length).toBeLessThanOrEqual(OPSGENIE_LIMITS.description);
    expect(alert.tags).toHaveLength(OPSGENIE_LIMITS.tags);
    expect(Math.max(...alert.tags.map((t) => t.length))).toBe(OPSGENIE_LIMITS.tag);
    // Labels of 2000 characters are cut to 1000; entries stop before 8000 in all.
    const sizes = Object.entries(alert.details).map(([k, v]) => k.length + v.length);
    expect(Object.values(alert.details).every((v) => v.length <= 1000)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(OPSGENIE_LIMITS.details);
    expect(Object.keys(alert.details)).toEqual([
      'label_0',
      'label_1',
      'label_2',
      'label_3',
      'label_4',
      'label_5',
      'label_6',
    ]);
    expect(alert.entity.length).toBeLessThanOrEqual(OPSGENIE_LIMITS.entity);
  });

  it('cuts a long description in the alerts and evidence, keeping summary and links', () => {
    const alerts = Array.from({ length: 40 }, (_, i) => ({
      ...ALERT,
      fingerprint: `fp${i}`,
      evidence: Array.from({ length: 10 }, () => 'e'.repeat(800)),
    }));
    const { description } = buildOpsgenieAlert(sampleNotice({ alerts })) as {
      description: string;
    };
    expect(description).toHaveLength(OPSGENIE_LIMITS.description);
    expect(
      description.startsWith(
        'Error rate of checkout is 14x its usual level\n\nOpen in Vigil: https://vigil.example/alerts/grp_5f2c',
      ),
    ).toBe(true);
    // Five evidence lines per alert, each cut to 500 characters.
    const lines = description.split('\n');
    expect(lines.slice(8, 13)).toEqual(Array.from({ length: 5 }, () => `  > ${'e'.repeat(499)}…`));
    expect(lines.at(-1)).toMatch(/^ {2}> e+…$/);
    expect(lines[6]).toBe('- ErrorSpike [firing] since 2026-11-26T10:00:00.000Z');
    expect(lines[13]).toBe('- ErrorSpike [firing] since 2026-11-26T10:00:00.000Z');
  });

  it('leaves out the entity when no alert has a service', () => {
    const alert = buildOpsgenieAlert(
      sampleNotice({ alerts: [{ ...ALERT, labels: { alertname: 'A' } }], groupLabels: {} }),
    );
    expect(alert).not.toHaveProperty('entity');
    expect(alert.tags).toEqual(['vigil', 'severity:high', 'alertname:A']);
  });
});

describe(buildOpsgenieRequest.name, () => {
  it('creates when firing, acknowledges and closes by the same alias', () => {
    const key = 'a'.repeat(700);
    const paths = (['firing', 'acknowledged', 'resolved'] as const).map(
      (status) => buildOpsgenieRequest(sampleNotice({ status, dedupKey: key })).path,
    );
    const alias = opsgenieAlias(key);
    expect(paths).toEqual([
      '/v2/alerts',
      `/v2/alerts/${alias.replace(':', '%3A')}/acknowledge?identifierType=alias`,
      `/v2/alerts/${alias.replace(':', '%3A')}/close?identifierType=alias`,
    ]);
    expect(buildOpsgenieAlert(sampleNotice({ dedupKey: key })).alias).toBe(alias);
  });
});

describe(opsgenieAlias.name, () => {
  it('leaves keys of up to 512 characters alone', () => {
    expect(opsgenieAlias('a'.repeat(512))).toBe('a'.repeat(512));
  });

  it('cuts longer keys to 512 and keeps keys that share a long prefix distinct', () => {
    const a = opsgenieAlias(`${'p'.repeat(600)}-a`);
    const b = opsgenieAlias(`${'p'.repeat(600)}-b`);
    expect(a).toHaveLength(512);
    expect(b).toHaveLength(512);
    expect(a).not.toBe(b);
    expect(a.startsWith('p'.repeat(447))).toBe(true);
    expect(opsgenieAlias(`${'p'.repeat(600)}-a`)).toBe(a);
  });
});
