import type { Browser, Page } from 'playwright-core';

import { LoopbackReceiver } from '../support/loopback-receiver';
import { fits, launchChromium, shot, signIn as signInAs } from '../support/browser';
import { type TestTenant, TestVigil } from '../support/test-vigil';
import { createMember } from '../support/test-users';
import { until } from '../support/until';

jest.setTimeout(90_000);

const EMAIL = 'oncall@example.com';
const SETTINGS = `mutation { updateDetectionSettings(input: { learningHours: 0, detectors: [NEW_PATTERN] }) { learningHours } }`;
const CHANNEL = `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { channel { id } } }`;
const RULE = `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id } }`;
const ALERTS = `{ alerts { fingerprint status acknowledgedBy } }`;
const FEEDBACK = `query ($id: String!) { feedback(filter: { targetKind: ANOMALY, targetId: $id }) { verdict category } }`;
/** Distinct enough that each is a new pattern of its own. */
const NEW_ERRORS = [
  'Disk quota exceeded on volume data-7 while compacting segment 42',
  'Certificate for payments.internal expired; handshake refused',
  'Replica lag reached 93 s on shard orders-3, reads degraded',
  'Worker pool exhausted: 64 of 64 busy, queue rejected job 881',
];

/**
 * The console served by Vigil, driven in Chromium: sign in as a member, see an anomaly arrive live,
 * search and open a record, acknowledge an alert, give feedback on an anomaly, see a forecast chart.
 */
describe('console in a browser', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let browser: Browser;
  let receiver: LoopbackReceiver;
  let hookBase: string;

  beforeAll(async () => {
    receiver = await LoopbackReceiver.start();
    hookBase = receiver.url;
    const url = `${hookBase}/hook`;
    [sut, browser] = await Promise.all([TestVigil.start(), launchChromium()]);
    tenant = await sut.createTenant('console');
    await createMember(sut, tenant, EMAIL, 'admin');
    await gql(SETTINGS);
    const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(CHANNEL, {
      input: { name: 'loopback-hook', allowPrivateNetwork: true, webhook: { url } },
    });
    await gql(RULE, {
      input: {
        name: 'New error patterns',
        severity: 'HIGH',
        condition: { kind: 'ANOMALY', detectorKinds: ['new_pattern'] },
        route: {
          channelIds: [channel.createAlertChannel.channel.id],
          groupBy: ['service'],
          groupWaitSeconds: 1,
        },
      },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await sut?.close();
  });

  async function gql<T = unknown>(query: string, variables: Record<string, unknown> = {}) {
    const res = await sut.graphql<T>(tenant.adminKey, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }
  const ship = async (message: string) => {
    const res = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { '@timestamp': new Date().toISOString(), level: 'error', service: 'storage', message },
      ]),
    });
    expect(res.status).toBe(200);
  };
  const signIn = (page: Page) => signInAs(page, sut.url, EMAIL, tenant.slug);
  const goTo = async (page: Page, label: string, heading: string | RegExp) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  it('signs in, shows live anomalies, explores, acknowledges, takes feedback, and shows forecasts', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page);
    await shot(page, 'desktop-sign-in-done');

    // Live: the subscription may still be starting, so new patterns go in until one shows up.
    const feed = page.locator('.anomaly-feed li');
    for (let i = 0; i < NEW_ERRORS.length && (await feed.count()) === 0; i++) {
      await ship(NEW_ERRORS[i]!);
      await feed
        .first()
        .waitFor({ timeout: 4_000 })
        .catch(() => undefined);
    }
    expect(await feed.count()).toBeGreaterThan(0);
    expect(await feed.first().textContent()).toContain('NEW_PATTERN');
    await page.getByLabel('Tail search').fill('service:storage');
    await page.getByRole('button', { name: 'Tail' }).click();
    await page.locator('.tail li').first().waitFor();
    await shot(page, 'desktop-live');

    // Explore: search, open a record, open its pattern.
    await goTo(page, 'Explore', 'Explore');
    await page.getByLabel('Search', { exact: true }).fill('level:error');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const record = page.locator('.record-list li').first();
    await record.waitFor();
    await record.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Record', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Show pattern' }).click();
    await page.locator('.pattern-detail .template').waitFor();
    await page.locator('.explore .chart canvas').first().waitFor();
    await shot(page, 'desktop-explore');

    // Anomalies: acknowledge the alert the rule raised.
    await until(
      async () => (await gql<{ alerts: Array<{ status: string }> }>(ALERTS)).alerts,
      (a) => a.some((x) => x.status === 'FIRING'),
      15_000,
    );
    await goTo(page, 'Anomalies', 'Anomalies and incidents');
    await page.locator('.alert-list li').first().waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).first().click();
    await page.getByText('Alert acknowledged.').waitFor();
    const alerts = await gql<{ alerts: Array<{ status: string; acknowledgedBy: string | null }> }>(
      ALERTS,
    );
    expect(alerts.alerts.some((a) => a.status === 'ACKNOWLEDGED')).toBe(true);

    // Feedback: open an anomaly from the list with the keyboard, label it, see it recorded.
    const first = page.locator('.anomaly-list li').first();
    await first.focus();
    await page.keyboard.press('Enter');
    const evidence = page.getByRole('region', { name: 'Anomaly evidence' });
    await evidence.waitFor();
    await evidence.getByLabel('Verdict').selectOption('TRUE_POSITIVE');
    await evidence.getByLabel('Category (optional)').selectOption('storage');
    await evidence.getByRole('button', { name: 'Record feedback' }).click();
    await page.locator('.feedback-list li', { hasText: 'TRUE_POSITIVE' }).waitFor();
    const id = new URL(page.url()).searchParams.get('id')!;
    expect((await gql<{ feedback: unknown[] }>(FEEDBACK, { id })).feedback).toEqual([
      { verdict: 'TRUE_POSITIVE', category: 'storage' },
    ]);
    await shot(page, 'desktop-anomalies');

    await goTo(page, 'Patterns', 'Patterns');
    await page.locator('.pattern-list li').first().waitFor();
    await shot(page, 'desktop-patterns');

    // Forecasts: two days of hourly orders traffic, then actual vs forecast with its bands.
    const HOUR = 3_600_000;
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const history = [];
    for (let t = end - 48 * HOUR; t < end; t += HOUR) {
      const hour = t / HOUR;
      for (let i = 0; i < 10 + (hour % 24) + ((hour * 7) % 5); i++) {
        history.push({
          '@timestamp': new Date(t + i * 1000).toISOString(),
          level: 'info',
          service: 'orders',
          message: `order ${i} placed in ${20 + ((hour * 13 + i) % 17)} ms`,
        });
      }
      for (let i = 0; i < 1 + (hour % 3); i++) {
        history.push({
          '@timestamp': new Date(t + 30 * 60_000 + i * 1000).toISOString(),
          level: 'error',
          service: 'orders',
          message: `payment gateway refused order ${i}`,
        });
      }
    }
    const res = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(history),
    });
    expect(res.status).toBe(200);
    await goTo(page, 'Forecasts', 'Forecasts');
    await page.getByLabel('Service').selectOption('orders');
    await page.locator('.forecasts .chart canvas').first().waitFor();
    await page.getByLabel(/^Metric/).selectOption('ERROR_RATE');
    await page.getByLabel(/^Interval/).selectOption('60');
    const chartTitle = page.locator('.forecasts .chart figcaption');
    await chartTitle.filter({ hasText: 'orders: error rate' }).waitFor();
    await page.locator('.forecasts .chart canvas').first().waitFor();
    const trust = page.getByRole('region', { name: 'How much to trust this forecast' });
    expect(await trust.textContent()).toMatch(/off by \d+\.\d% on average \(sMAPE/);
    expect(await trust.textContent()).toMatch(/80% band held \d+\.\d% of the actual values/);
    expect(await page.getByRole('table').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'desktop-forecasts');
    // A pattern's numeric parameter: "order <*> placed in <*> ms".
    await page.getByLabel(/^Metric/).selectOption('PARAMETER');
    const patternPicker = page.getByLabel(/^Pattern/);
    const orders = patternPicker.locator('option', { hasText: /^order <\*> placed/ });
    await patternPicker.selectOption((await orders.getAttribute('value')) ?? '');
    // The second <*> (the milliseconds; the first is the order number).
    await page.getByLabel(/^Parameter/).selectOption('1');
    await chartTitle.filter({ hasText: 'mean of <*> number 2 of “order <*> placed' }).waitFor();
    await trust.waitFor();
    await shot(page, 'desktop-forecasts-parameter');

    await goTo(page, 'Settings', 'Settings');
    await page.getByText('loopback-hook').first().waitFor();
    await settings(page);
    await shot(page, 'desktop-settings');
    await page.close();
  });

  /** Settings: a channel and its test, a silence (after an API refusal), an API key revoked. */
  async function settings(page: Page) {
    const channels = page.getByRole('region', { name: 'Channels' });
    await channels.getByLabel('Name', { exact: true }).fill('ui-hook');
    await channels.getByLabel('URL').fill(`${hookBase}/ui-hook`);
    await channels.getByLabel('Allow private network').check();
    await channels.getByRole('button', { name: 'Create channel' }).click();
    await channels.getByText(/Channel ui-hook created/).waitFor();
    const row = channels.getByRole('option').filter({ hasText: 'ui-hook' });
    await row.getByRole('button', { name: 'Send test' }).click();
    await channels.getByText(/Test sent to ui-hook/).waitFor();
    expect(receiver.to('/ui-hook')).toHaveLength(1);

    // The keyboard opens an item into the form; a rename keeps the stored URL (a secret).
    await channels.getByRole('option').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await channels.getByLabel('Name', { exact: true }).fill('ui-hook renamed');
    await channels.getByRole('button', { name: 'Save changes' }).click();
    await channels.getByText('Channel ui-hook renamed saved.').waitFor();
    await channels
      .getByRole('option')
      .filter({ hasText: 'ui-hook renamed' })
      .getByRole('button', { name: 'Send test' })
      .click();
    await channels.getByText(/Test sent to ui-hook renamed/).waitFor();
    expect(receiver.to('/ui-hook')).toHaveLength(2);

    const policies = page.getByRole('region', { name: 'Escalation policies' });
    await policies.getByLabel('Name', { exact: true }).fill('storage on-call');
    await policies.getByRole('button', { name: 'Add level' }).click();
    await policies
      .getByRole('group', { name: 'Level 1 channels' })
      .getByLabel('loopback-hook')
      .check();
    await policies
      .getByRole('group', { name: 'Level 2 channels' })
      .getByLabel('ui-hook renamed')
      .check();
    await policies.getByLabel('Level 2: next level after (seconds)').fill('600');
    await policies.getByLabel(/^Repeat/).fill('2');
    await policies.getByRole('button', { name: 'Create policy' }).click();
    await policies.getByText('Policy storage on-call created.').waitFor();
    const { escalationPolicies } = await gql<{
      escalationPolicies: Array<{ repeat: number; levels: Array<{ timeoutSeconds: number }> }>;
    }>('{ escalationPolicies { repeat levels { timeoutSeconds } } }');
    expect(escalationPolicies).toEqual([
      { repeat: 2, levels: [{ timeoutSeconds: 300 }, { timeoutSeconds: 600 }] },
    ]);

    const silences = page.getByRole('region', { name: 'Silences' });
    // No matchers: the API's refusal is shown in its words.
    await silences.getByLabel('Comment').fill('storage maintenance');
    await silences.getByRole('button', { name: 'Create silence' }).click();
    expect(await silences.getByRole('alert').textContent()).toMatch(
      /matchers: at least one matcher is needed/,
    );
    await silences.getByLabel('Matchers').fill('service="storage"');
    await silences.getByRole('button', { name: 'Create silence' }).click();
    await silences.getByRole('option').filter({ hasText: 'storage maintenance' }).waitFor();
    const { alertSilences } = await gql<{ alertSilences: Array<{ matchers: string }> }>(
      '{ alertSilences { matchers comment } }',
    );
    expect(alertSilences).toEqual([
      { matchers: 'service="storage"', comment: 'storage maintenance' },
    ]);

    const keys = page.getByRole('region', { name: 'API keys' });
    await keys.getByLabel('Name', { exact: true }).fill('ui-reader');
    await keys.getByRole('button', { name: 'Create API key' }).click();
    const secret = (await keys.locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^vgl_/);
    const readWith = (key: string) =>
      sut.graphql(key, '{ logs(filter: {}, first: 0) { totalCount } }');
    expect((await readWith(secret)).errors).toBeUndefined();
    const keyRow = keys.getByRole('option').filter({ hasText: 'ui-reader' });
    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    await keys.getByText('Key ui-reader revoked.').waitFor();
    await keyRow.getByText(/revoked/).waitFor();
    expect(await keys.locator('code.secret').count()).toBe(0);
    await until(
      async () => (await readWith(secret)).errors,
      (errors) => errors !== undefined,
      5_000,
    );
  }

  it('serves the console at / and on deep links, and leaves server paths alone', async () => {
    const index = await fetch(`${sut.url}/anomalies?id=x`);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<div id="root">');
    expect((await fetch(`${sut.url}/api/v1/nope`)).status).toBe(404);
    expect((await fetch(`${sut.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });

  it('collapses the navigation on a phone-sized screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await nav.isVisible()).toBe(true);
    await shot(page, 'phone-menu');
    await goTo(page, 'Anomalies', 'Anomalies and incidents');
    expect(await nav.isVisible()).toBe(false);
    await page.locator('.anomaly-list li').first().waitFor();
    await shot(page, 'phone-anomalies');
    await page.close();
  });

  it('has no horizontal page overflow on any page at 390×844 or 1280×800', async () => {
    // Not isMobile: mobile emulation widens the layout viewport to fit overflowing content, so
    // innerWidth would grow with it and hide the overflow.
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page);
    const pages: Array<[label: string, heading: string, ready: string]> = [
      ['Live', 'Live', '.anomaly-feed li, .status.empty'],
      ['Explore', 'Explore', '.record-list li'],
      ['Patterns', 'Patterns', '.pattern-list li'],
      ['Anomalies', 'Anomalies and incidents', '.anomaly-list li'],
      ['Forecasts', 'Forecasts', '.forecasts .chart canvas'],
      ['Runbooks', 'Runbooks', '.runbooks .status.empty'],
      ['Settings', 'Settings', '.settings-list li'],
    ];
    // Evaluated in the page (a string: the test's own lib has no DOM types).
    for (const [label, heading, ready] of pages) {
      await page.getByRole('button', { name: 'Menu' }).click();
      await goTo(page, label, heading);
      await page.locator(ready).first().waitFor();
      expect({ page: label, ...(await fits(page)) }).toEqual({
        page: label,
        inner: 390,
        fits: true,
      });
      await shot(page, `phone-${label.toLowerCase()}`);
      await page.setViewportSize({ width: 1280, height: 800 });
      expect({ page: label, ...(await fits(page)) }).toEqual({
        page: label,
        inner: 1280,
        fits: true,
      });
      await page.setViewportSize({ width: 390, height: 844 });
    }
    await page.close();
  });
});
