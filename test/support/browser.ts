import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

import { PASSWORD } from './test-users';

/** Where the browser specs save their screenshots (test artifacts). */
export const ARTIFACTS = join(__dirname, '..', 'browser', 'artifacts');

/** Debian's Chromium (CHROMIUM_PATH overrides), driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A full-page screenshot saved as `<name>.png` among the artifacts. */
export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs a member in on the console's sign-in page and waits for the Live page. */
export async function signIn(page: Page, baseUrl: string, email: string, tenant: string) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel(/^Tenant/).fill(tenant);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
}

/** The viewport width, and whether the page fits it (no horizontal overflow). */
export function fits(page: Page): Promise<{ inner: number; fits: boolean }> {
  // Evaluated in the page (a string: the tests' own lib has no DOM types).
  return page.evaluate<{ inner: number; fits: boolean }>(
    '({ inner: window.innerWidth, fits: document.documentElement.scrollWidth <= window.innerWidth })',
  );
}
