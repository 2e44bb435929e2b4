import type { Browser } from 'playwright-core';

import { createMember } from '../support/test-users';
import { LoopbackReceiver } from '../support/loopback-receiver';
import { fits, launchChromium, shot, signIn as signInAs } from '../support/browser';
import { type TestTenant, TestVigil } from '../support/test-vigil';

jest.setTimeout(60_000);

const EMAIL = 'responder@example.com';
const PRIVATE_NETWORK = `mutation { updateRemediationSettings(input: { allowPrivateNetwork: true }) { allowPrivateNetwork } }`;
const START = `mutation ($id: String!, $input: JSON) { startRunbook(id: $id, input: $input) { run { id } } }`;
const SETTINGS = `{ remediationSettings { enabled haltedBy } }`;
const RUN = `query ($id: ID!) { runbookRun(id: $id) { status steps { stepId status decidedBy output } } }`;

/** The runbook as typed into the editor: an approval, then a GET to the loopback receiver. */
const runbookYaml = (base: string, timeout: string) => `id: restart-api
name: Restart the API
version: 1
trigger:
  kind: manual
parameters:
  - name: service
    type: string
    pattern: "[a-z]+"
    required: true
steps:
  - id: gate
    kind: approval
    roles: [admin]
    message: Restart {{ params.service }}?
${timeout}
  - id: restart
    kind: http
    method: GET
    url: ${base}/restart/{{ params.service }}
`;

/**
 * The Runbooks page in Chromium against a real Vigil: a runbook written as YAML in the editor
 * (refused, then valid and saved), a dry run with a parameter refused and then its plan, a run
 * started from the page that waits at its approval, approved from the page, and seen live to
 * succeed; a run started elsewhere appears without a reload and is cancelled from the page.
 */
describe('runbooks in the console', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let browser: Browser;
  let receiver: LoopbackReceiver;
  let base: string;
  const received = () => receiver.calls.map((c) => ({ method: c.method, path: c.path }));

  beforeAll(async () => {
    receiver = await LoopbackReceiver.start();
    base = receiver.url;
    [sut, browser] = await Promise.all([TestVigil.start(), launchChromium()]);
    tenant = await sut.createTenant('runbooks-console');
    await createMember(sut, tenant, EMAIL, 'admin');
    await gql(PRIVATE_NETWORK);
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

  it('saves a YAML runbook, dry-runs it, starts it, approves it and sees it succeed live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInAs(page, sut.url, EMAIL, tenant.slug);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Runbooks' })
      .click();
    await page.getByRole('heading', { name: 'Runbooks', level: 1 }).waitFor();
    await page.getByText('No runbooks yet').waitFor();
    await page.getByText('No runs yet').waitFor();
    const killSwitch = page.getByRole('region', { name: 'Kill switch' });
    await killSwitch.getByText('Remediation is on for this tenant').waitFor();
    await killSwitch.getByText('installation-wide kill switch is off').waitFor();
    await killSwitch.getByRole('button', { name: 'Halt remediation' }).click();
    await killSwitch.getByText(`Remediation is halted for this tenant by ${EMAIL}`).waitFor();
    expect(await gql<{ remediationSettings: unknown }>(SETTINGS)).toEqual({
      remediationSettings: { enabled: false, haltedBy: EMAIL },
    });
    await killSwitch.getByRole('button', { name: 'Resume remediation' }).click();
    await killSwitch.getByText('Remediation is on for this tenant').waitFor();

    // Editor: an approval without its timeout is refused with the path of the problem.
    const editor = page.getByRole('region', { name: 'New runbook' });
    const definition = editor.getByLabel('Definition (YAML or JSON)');
    await definition.fill(runbookYaml(base, ''));
    await editor.getByRole('button', { name: 'Validate' }).click();
    const problems = editor.getByRole('alert');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/\/steps\/0.*timeoutSeconds/);
    await definition.fill(runbookYaml(base, '    timeoutSeconds: 300'));
    await editor.getByRole('button', { name: 'Validate' }).click();
    await editor.getByText('Valid: it can be saved.').waitFor();
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved Restart the API (restart-api) as version 1.').waitFor();

    // The list (reached with the keyboard) and the runbook: trigger in words, definition, versions.
    const item = page.locator('.runbook-list li', { hasText: 'Restart the API' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Started by hand only');
    await item.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'Restart the API', exact: true });
    await detail.getByRole('listbox', { name: 'Versions' }).getByText('Version 1').waitFor();
    expect(await detail.getByLabel('Definition', { exact: true }).textContent()).toContain(
      `url: "${base}/restart/{{ params.service }}"`,
    );

    // Dry run: a value failing the parameter's pattern, then the plan with resolved actions.
    const service = detail.getByLabel('service (string)');
    await service.fill('api; rm -rf /');
    await detail.getByRole('button', { name: 'Dry run' }).click();
    const refused = detail.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(
      /service: "api; rm -rf \/" does not match \[a-z\]\+/,
    );
    await service.fill('api');
    await detail.getByRole('button', { name: 'Dry run' }).click();
    const plan = detail.getByRole('region', { name: 'Dry run plan' });
    await plan.getByText('nothing was called').waitFor();
    expect(await plan.locator('.plan li').allTextContents()).toEqual([
      expect.stringMatching(/gate.*Wait for approval by admin: “Restart api\?”/),
      expect.stringContaining(`restart GET ${base}/restart/api`),
    ]);
    expect(received()).toEqual([]);
    await shot(page, 'desktop-runbooks-dry-run');

    // Start: the run opens, live, waiting at its approval; the receiver is not called yet.
    await detail.getByRole('button', { name: 'Start' }).click();
    const run = page.getByRole('region', { name: 'Run of Restart the API' });
    const gate = run.getByRole('listitem', { name: 'Step gate' });
    await gate.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await gate.locator('.badge').first().textContent()).toBe('waiting');
    expect(await run.locator('.run-status .badge').textContent()).toBe('waiting');
    const listed = page.locator('.run-list li').first();
    expect(await listed.textContent()).toMatch(/waiting.*Restart the API/);
    expect(received()).toEqual([]);
    await shot(page, 'desktop-runbooks-waiting');

    await gate.getByLabel('Comment (optional)').fill('go ahead');
    await gate.getByRole('button', { name: 'Approve' }).click();
    await run.locator('.run-status .badge', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    await listed.locator('.badge', { hasText: 'succeeded' }).waitFor();
    expect(await gate.textContent()).toContain(`Approved by ${EMAIL} (via graphql): “go ahead”`);
    const restart = run.getByRole('listitem', { name: 'Step restart' });
    expect(await restart.textContent()).toContain(`GET ${base}/restart/api`);
    expect(received()).toEqual([{ method: 'GET', path: '/restart/api' }]);
    await shot(page, 'desktop-runbooks-succeeded');

    // A run started elsewhere appears without a reload, and is cancelled from the page.
    const other = await gql<{ startRunbook: { run: { id: string } } }>(START, {
      id: 'restart-api',
      input: { service: 'web' },
    });
    const otherId = other.startRunbook.run.id;
    const otherItem = page.locator(`.run-list li[data-key="${otherId}"]`);
    await otherItem.locator('.badge', { hasText: 'waiting' }).waitFor({ timeout: 10_000 });
    await otherItem.focus();
    await page.keyboard.press('Enter');
    const otherRun = page.getByRole('region', { name: 'Run of Restart the API' });
    await otherRun.getByText(otherId).waitFor();
    await otherRun.getByRole('button', { name: 'Cancel run' }).click();
    await otherItem.locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
    const cancelled = await gql<{ runbookRun: { status: string } }>(RUN, { id: otherId });
    expect(cancelled.runbookRun.status).toBe('cancelled');
    expect(received().filter((r) => r.path === '/restart/web')).toEqual([]);

    // The definition as the page shows it, edited and saved again, is version 2; version 1 stays.
    await detail.getByRole('button', { name: 'Edit in the editor' }).click();
    const edit = page.getByRole('region', { name: 'Edit runbook restart-api' });
    const text = edit.getByLabel('Definition (YAML or JSON)');
    const shown = await text.inputValue();
    expect(shown).toMatch(/^id: restart-api\nname: Restart the API\n/);
    await text.fill(shown.replace('timeoutSeconds: 300', 'timeoutSeconds: 600'));
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText('Saved Restart the API (restart-api) as version 2.').waitFor();
    const versions = detail.getByRole('listbox', { name: 'Versions' });
    await versions.getByText('Version 2').waitFor();
    expect(await detail.getByLabel('Definition', { exact: true }).textContent()).toContain(
      'timeoutSeconds: 600',
    );
    await versions.getByRole('option').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await detail.getByText('(version 1, not the current one)').waitFor();
    expect(await detail.getByLabel('Definition', { exact: true }).textContent()).toContain(
      'timeoutSeconds: 300',
    );

    // A phone: the page, with a runbook and a run open, has no horizontal overflow.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fits(page)).toEqual({ inner: 390, fits: true });
    await shot(page, 'phone-runbooks');

    // Deleted from the page (its runs have ended), after a confirmation.
    await page.setViewportSize({ width: 1280, height: 800 });
    page.once('dialog', (d) => void d.accept());
    await detail.getByRole('button', { name: 'Delete runbook' }).click();
    await page.getByText('No runbooks yet').waitFor();
    expect(await gql(`{ runbook(id: "restart-api") { id } }`)).toEqual({ runbook: null });
    await page.close();
  });
});
