/**
 * The `test` every spec uses: Playwright's, plus
 * - `seed`: the organisation and admin the server was started with;
 * - `consoleErrors`: every console error and uncaught exception of the page, minus the
 *   ones a correct run produces on purpose (see `isExpected`).
 */
import { test as base, expect, type ConsoleMessage } from '@playwright/test';
import { readSeed, type Seed } from './seed';

/**
 * API calls whose 401 is part of the flow: "who am I?" before signing in, the stream
 * list's first page asked beside it when a visit starts at the list, and a wrong password.
 */
const EXPECTED_401 = /\/api\/v1\/(me|auth\/login|streams(\?[^/]*)?)$/;
/** "Which test source runs?" of a live stream: 404 when an encoder, not a test source, sends. */
const EXPECTED_404 = /\/api\/v1\/streams\/[0-9a-f-]+\/test-source$/;

function isExpected(msg: ConsoleMessage): boolean {
  const text = msg.text();
  // Chromium logs every failed fetch; these 401s are the app working as designed.
  if (/status of 401/.test(text) && EXPECTED_401.test(msg.location().url)) {
    return true;
  }
  if (/status of 404/.test(text) && EXPECTED_404.test(msg.location().url)) {
    return true;
  }
  return false;
}

export const test = base.extend<{ seed: Seed; consoleErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(readSeed());
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !isExpected(msg)) {
        errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
      }
    });
    page.on('pageerror', (error) => {
      errors.push(`uncaught: ${error.message}`);
    });
    await use(errors);
  },
});

export { expect };
