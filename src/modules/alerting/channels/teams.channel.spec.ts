import { type AlertNotice, type NoticeAlert, type TeamsTarget } from './alert-channel';
import { SAMPLE_ALERT, sampleNotice, ScriptedProvider } from './channel.fixtures';
import {
  TEAMS_LIMITS,
  TEAMS_MAX_PAYLOAD_BYTES,
  TeamsChannel,
  type TeamsMessage,
  buildTeamsMessage,
  escapeTeamsMarkdown,
} from './teams.channel';

const ALERT: NoticeAlert = {
  ...SAMPLE_ALERT,
  evidence: ['ERROR payment declined id=1', 'ERROR payment declined id=2'],
};

function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return sampleNotice({
    severity: 'critical',
    alerts: [ALERT],
    links: {
      alert: 'https://vigil.example/alerts/grp_5f2c',
      ack: 'https://vigil.example/ack/t1',
      notUseful: 'https://vigil.example/not-useful/t1',
    },
    groupLabels: { service: 'checkout', region: 'eu-west-1' },
    ...overrides,
  });
}

type Card = TeamsMessage['attachments'][number]['content'];
type Block = { type: string; inlines?: Array<Record<string, string>>; items?: Block[] };

const cardOf = (message: TeamsMessage): Card => message.attachments[0]!.content;
const factsOf = (card: Card) =>
  (
    card.body.find((b) => b.type === 'FactSet') as {
      facts: Array<{ title: string; value: string }>;
    }
  ).facts;
const evidenceOf = (card: Card): string[] => {
  const container = card.body.find((b) => b.type === 'Container') as Block | undefined;
  return (container?.items ?? []).slice(1).map((item) => item.inlines![0]!.text!);
};
const textOf = (block: Record<string, unknown>): string => (block as Block).inlines![0]!.text!;
const bytes = (message: TeamsMessage): number => Buffer.byteLength(JSON.stringify(message));

describe(TeamsChannel.name, () => {
  const provider = new ScriptedProvider({ status: 200, body: '1' });
  const requests = provider.requests;
  let target: TeamsTarget;

  beforeAll(async () => {
    target = {
      kind: 'teams',
      webhookUrl: `${await provider.listen()}/webhookb2/abc@def/IncomingWebhook/123/456`,
      allowPrivateNetwork: true,
    };
  });

  afterAll(() => provider.close());

  beforeEach(() => provider.reset());

  it('posts one Adaptive Card 1.4 message with the documented envelope', async () => {
    const sut = new TeamsChannel();
    const receipt = await sut.send(buildNotice(), target);

    expect(receipt).toEqual({ ok: true, status: 200 });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.url).toBe('/webhookb2/abc@def/IncomingWebhook/123/456');
    expect(requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(requests[0]!.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'RichTextBlock',
                inlines: [
                  {
                    type: 'TextRun',
                    text: '[CRITICAL] Checkout errors spiking',
                    size: 'Large',
                    weight: 'Bolder',
                    color: 'Attention',
                  },
                ],
              },
              {
                type: 'RichTextBlock',
                inlines: [
                  { type: 'TextRun', text: 'Error rate of checkout is 14x its usual level' },
                ],
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Service', value: 'checkout' },
                  { title: 'Status', value: 'Firing' },
                  { title: 'Starts at', value: '2026-11-26 10:00:00 UTC' },
                  { title: 'region', value: 'eu-west-1' },
                ],
              },
              {
                type: 'Container',
                style: 'emphasis',
                items: [
                  {
                    type: 'RichTextBlock',
                    inlines: [
                      { type: 'TextRun', text: 'Evidence', weight: 'Bolder', size: 'Small' },
                    ],
                  },
                  {
                    type: 'RichTextBlock',
                    spacing: 'None',
                    inlines: [
                      {
                        type: 'TextRun',
                        text: 'ERROR payment declined id=1',
                        fontType: 'Monospace',
                        size: 'Small',
                      },
                    ],
                  },
                  {
                    type: 'RichTextBlock',
                    spacing: 'None',
                    inlines: [
                      {
                        type: 'TextRun',
                        text: 'ERROR payment declined id=2',
                        fontType: 'Monospace',
                        size: 'Small',
                      },
                    ],
                  },
                ],
              },
            ],
            actions: [
              {
                type: 'Action.OpenUrl',
                title: 'View in Vigil',
                url: 'https://vigil.example/alerts/grp_5f2c',
              },
              { type: 'Action.OpenUrl', title: 'Acknowledge', url: 'https://vigil.example/ack/t1' },
              {
                type: 'Action.OpenUrl',
                title: 'Not useful',
                url: 'https://vigil.example/not-useful/t1',
              },
            ],
          },
        },
      ],
    });
  });

  it('takes a Workflows 202 with an empty body as delivered', async () => {
    provider.reply = { status: 202 };
    await expect(new TeamsChannel().send(buildNotice(), target)).resolves.toEqual({
      ok: true,
      status: 202,
    });
  });

  it('classifies 429 with Retry-After (seconds or date), 408 and 5xx as retryable', async () => {
    const sut = new TeamsChannel({ now: () => Date.parse('2026-11-26T10:00:00Z') });
    provider.reply = { status: 429, headers: { 'retry-after': '7' } };
    await expect(sut.send(buildNotice(), target)).resolves.toEqual({
      ok: false,
      status: 429,
      permanent: false,
      retryAfterMs: 7000,
      error: 'HTTP 429',
    });
    provider.reply = { status: 429, headers: { 'retry-after': 'Thu, 26 Nov 2026 10:00:30 GMT' } };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      status: 429,
      retryAfterMs: 30_000,
    });
    for (const status of [408, 500, 502, 503]) {
      provider.reply = { status, body: 'try later' };
      await expect(sut.send(buildNotice(), target)).resolves.toEqual({
        ok: false,
        status,
        permanent: false,
        error: `HTTP ${status}: try later`,
      });
    }
  });

  it('classifies other 4xx (bad card, gone webhook, too large) as permanent', async () => {
    const sut = new TeamsChannel();
    for (const status of [400, 403, 404, 410, 413]) {
      provider.reply = { status, body: 'no' };
      await expect(sut.send(buildNotice(), target)).resolves.toEqual({
        ok: false,
        status,
        permanent: true,
        error: `HTTP ${status}: no`,
      });
    }
  });

  it('reads a connector 200 that reports a Teams error by the status it names', async () => {
    const sut = new TeamsChannel();
    provider.reply = {
      status: 200,
      body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0',
    };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      status: 429,
      permanent: false,
    });
    provider.reply = {
      status: 200,
      body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400 with ContextId tcid=0',
    };
    await expect(sut.send(buildNotice(), target)).resolves.toMatchObject({
      ok: false,
      status: 400,
      permanent: true,
    });
  });

  it('refuses a loopback webhook URL unless private networks are allowed', async () => {
    const receipt = await new TeamsChannel().send(buildNotice(), {
      ...target,
      allowPrivateNetwork: false,
    });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'URL_REFUSED' });
    expect(requests).toHaveLength(0);
  });

  it('refuses a target of another kind without a request', async () => {
    const receipt = await new TeamsChannel().send(buildNotice(), {
      kind: 'pagerduty',
      routingKey: 'k',
    });
    expect(receipt).toMatchObject({ ok: false, permanent: true, code: 'INVALID_TARGET' });
    expect(requests).toHaveLength(0);
  });
});

describe(buildTeamsMessage.name, () => {
  it('says when a notice is resolved, with no Acknowledge button and the end time', () => {
    const card = cardOf(
      buildTeamsMessage(
        buildNotice({
          status: 'resolved',
          alerts: [{ ...ALERT, status: 'resolved', endsAt: new Date('2026-11-26T10:20:00Z') }],
        }),
      ),
    );
    expect(card.body[0]).toEqual({
      type: 'RichTextBlock',
      inlines: [
        {
          type: 'TextRun',
          text: '[CRITICAL] Checkout errors spiking (resolved)',
          size: 'Large',
          weight: 'Bolder',
          color: 'Good',
        },
      ],
    });
    expect(textOf(card.body[1]!)).toBe('Resolved: every alert of this group has ended.');
    expect(factsOf(card)).toContainEqual({ title: 'Status', value: 'Resolved' });
    expect(factsOf(card)).toContainEqual({ title: 'Ended at', value: '2026-11-26 10:20:00 UTC' });
    expect(card.actions!.map((a) => a.title)).toEqual(['View in Vigil', 'Not useful']);
  });

  it('says when a notice is acknowledged, keeping the severity colour', () => {
    const card = cardOf(buildTeamsMessage(buildNotice({ status: 'acknowledged' })));
    expect(card.body[0]).toMatchObject({
      inlines: [{ text: '[CRITICAL] Checkout errors spiking (acknowledged)', color: 'Attention' }],
    });
    expect(textOf(card.body[1]!)).toBe('Acknowledged: someone is on it; the alerts still fire.');
    expect(factsOf(card)).toContainEqual({ title: 'Status', value: 'Acknowledged' });
    expect(card.actions!.map((a) => a.title)).toEqual(['View in Vigil', 'Not useful']);
  });

  it('maps the severities onto card colours', () => {
    const colours = (['critical', 'high', 'warning', 'info'] as const).map(
      (severity) => cardOf(buildTeamsMessage(buildNotice({ severity }))).body[0]!,
    );
    expect(colours.map((b) => (b as Block).inlines![0]!.color)).toEqual([
      'Attention',
      'Attention',
      'Warning',
      'Accent',
    ]);
  });

  it('lists every service of a mixed group, counts the alerts and takes the earliest start', () => {
    const card = cardOf(
      buildTeamsMessage(
        buildNotice({
          alerts: [
            { ...ALERT, startsAt: new Date('2026-11-26T10:05:00Z') },
            {
              ...ALERT,
              fingerprint: 'fp2',
              labels: { service: 'cart' },
              startsAt: new Date('2026-11-26T09:58:00Z'),
            },
          ],
          groupLabels: {},
        }),
      ),
    );
    expect(factsOf(card)).toEqual([
      { title: 'Service', value: 'checkout, cart' },
      { title: 'Status', value: 'Firing, 2 alerts' },
      { title: 'Starts at', value: '2026-11-26 09:58:00 UTC' },
    ]);
  });

  it('renders no buttons when the notice offers no links, and only http(s) ones', () => {
    expect(cardOf(buildTeamsMessage(buildNotice({ links: {} }))).actions).toBeUndefined();
    const card = cardOf(
      buildTeamsMessage(buildNotice({ links: { alert: 'javascript:alert(1)', notUseful: 'x' } })),
    );
    expect(card.actions).toBeUndefined();
  });

  it('keeps log text out of Markdown: escaped in facts, plain TextRuns elsewhere, no ANSI codes', () => {
    const card = cardOf(
      buildTeamsMessage(
        buildNotice({
          groupLabels: { tenant_name: '[click me](https://evil.example) *now*' },
          alerts: [
            {
              ...ALERT,
              evidence: ['\u001b[31mERROR\u001b[0m [link](https://evil.example)\n\tat main()'],
            },
          ],
        }),
      ),
    );
    expect(factsOf(card)).toContainEqual({
      title: 'tenant\\_name',
      value: '\\[click me\\](https://evil.example) \\*now\\*',
    });
    expect(evidenceOf(card)).toEqual(['ERROR [link](https://evil.example) at main()']);
  });

  it('caps each field: title, summary, facts, evidence lines and their length', () => {
    const labels = Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [
        `label_${String(i).padStart(2, '0')}`,
        'v'.repeat(400),
      ]),
    );
    const card = cardOf(
      buildTeamsMessage(
        buildNotice({
          title: 't'.repeat(500),
          summary: 's'.repeat(5000),
          groupLabels: labels,
          alerts: [{ ...ALERT, evidence: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(900)) }],
        }),
      ),
    );
    expect(textOf(card.body[0]!)).toHaveLength(TEAMS_LIMITS.title);
    expect(textOf(card.body[0]!).endsWith('t…')).toBe(true);
    expect(textOf(card.body[1]!)).toHaveLength(TEAMS_LIMITS.summary);
    const labelFacts = factsOf(card).filter((f) => f.title.startsWith('label'));
    expect(labelFacts).toHaveLength(TEAMS_LIMITS.labelFacts);
    expect(labelFacts[0]!.value).toHaveLength(TEAMS_LIMITS.factValue);
    const evidence = evidenceOf(card);
    expect(evidence).toHaveLength(TEAMS_LIMITS.evidenceLines);
    expect(evidence.map((line) => line.length)).toEqual([300, 300, 300, 300, 300]);
    expect(evidence[4]).toBe(`${'4'.repeat(299)}…`);
  });

  it('drops evidence first (last line first), then label facts, then halves the summary', () => {
    const notice = buildNotice({
      summary: 's'.repeat(2000),
      groupLabels: { region: 'eu-west-1', zone: 'b' },
      alerts: [{ ...ALERT, evidence: ['e1', 'e2', 'e3'] }],
    });
    const full = buildTeamsMessage(notice, Infinity);
    const noEvidence = buildTeamsMessage(
      { ...notice, alerts: [{ ...ALERT, evidence: [] }] },
      Infinity,
    );
    const bare = buildTeamsMessage(
      { ...notice, alerts: [{ ...ALERT, evidence: [] }], groupLabels: {} },
      Infinity,
    );

    expect(buildTeamsMessage(notice, bytes(full))).toEqual(full);
    expect(evidenceOf(cardOf(buildTeamsMessage(notice, bytes(full) - 1)))).toEqual(['e1', 'e2']);
    expect(buildTeamsMessage(notice, bytes(noEvidence))).toEqual(noEvidence);
    const oneLabel = buildTeamsMessage(notice, bytes(noEvidence) - 1);
    expect(factsOf(cardOf(oneLabel)).map((f) => f.title)).toEqual([
      'Service',
      'Status',
      'Starts at',
      'region',
    ]);
    expect(buildTeamsMessage(notice, bytes(bare))).toEqual(bare);
    // Past that, the summary goes from 2000 to 1000, then 500, 250 and 200 characters.
    const halved = cardOf(buildTeamsMessage(notice, bytes(bare) - 1));
    expect(textOf(halved.body[1]!)).toBe(`${'s'.repeat(999)}…`);
    const floor = cardOf(buildTeamsMessage(notice, 0));
    expect(textOf(floor.body[1]!)).toBe(`${'s'.repeat(199)}…`);
  });

  it('keeps a notice of many large alerts within the default byte budget', () => {
    const big = (i: number): NoticeAlert => ({
      ...ALERT,
      fingerprint: `fp${i}`,
      labels: { service: `service-${i}-${'界'.repeat(300)}` },
      evidence: Array.from({ length: 20 }, () => '界'.repeat(1000)),
    });
    const message = buildTeamsMessage(
      buildNotice({
        title: '界'.repeat(1000),
        summary: '界'.repeat(10_000),
        alerts: Array.from({ length: 200 }, (_, i) => big(i)),
        groupLabels: Object.fromEntries(
          Array.from({ length: 40 }, (_, i) => [`l${i}`, '界'.repeat(1000)]),
        ),
      }),
    );
    expect(bytes(message)).toBeLessThanOrEqual(TEAMS_MAX_PAYLOAD_BYTES);
    expect(evidenceOf(cardOf(message)).length).toBeLessThanOrEqual(TEAMS_LIMITS.evidenceLines);
  });
});

describe(escapeTeamsMarkdown.name, () => {
  it('escapes emphasis, link, code and HTML openers, and the backslash itself', () => {
    expect(escapeTeamsMarkdown('a_b *c* [d](e) `f` <g> \\h')).toBe(
      'a\\_b \\*c\\* \\[d\\](e) \\`f\\` \\<g> \\\\h',
    );
  });
});
