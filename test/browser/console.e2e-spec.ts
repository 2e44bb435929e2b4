import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

import { type TestTenant, TestVigil } from '../support/test-vigil';
import { createMember, PASSWORD } from '../support/test-users';
import { until } from '../support/until';

jest.setTimeout(90_000);

const ARTIFACTS = join(__dirname, 'artifacts');
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
  let receiver: Server;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [sut, browser] = await Promise.all([
      TestVigil.start(),
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--no-sandbox'],
      }),
    ]);
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
    await new Promise((r) => receiver?.close(r));
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
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const signIn = async (page: Page) => {
    await page.goto(`${sut.url}/`);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel(/^Tenant/).fill(tenant.slug);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
  };
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
      for (let i = 0; i < 10 + ((t / HOUR) % 24) + (((t / HOUR) * 7) % 5); i++) {
        history.push({
          '@timestamp': new Date(t + i * 1000).toISOString(),
          level: 'info',
          service: 'orders',
          message: `order ${i} placed`,
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
    await page.getByText(/sMAPE/i).first().waitFor();
    await shot(page, 'desktop-forecasts');

    await goTo(page, 'Settings', 'Settings');
    await page.getByText('loopback-hook').first().waitFor();
    await shot(page, 'desktop-settings');
    await page.close();
  });

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
});
