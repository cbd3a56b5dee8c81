/**
 * The snippets the API hands out really run once pasted into someone else's page: the
 * HTML snippet loads the player script and starts it with its configuration; the iframe
 * snippet frames the embed page (framable, strict CSP, no inline script); the live URL
 * opens the watch page. Each runs the player with the group, start quality, latency mode
 * and token it was given, and asks the server: the token here is well formed but signed by
 * no key, so each shows the refusal with its reason. (Playing video is in
 * media-playback.spec.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { signInThroughApi } from '../support/api';
import { e2e } from '../support/env';

interface Snippets {
  iframe: string;
  html: string;
  live_url: string;
  embed_url: string;
}

/**
 * A customer's web site: a real HTTP server on another port (another origin) serving one
 * page with `body` pasted into it.
 */
async function customerSite(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Customer page</title></head><body>${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A syntactically valid JWT (three base64url parts) that no key of the server signed. */
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJl';

test('pasted snippets start the player with their settings', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const created = await page.request.post('/api/v1/streams', {
    data: { tags: ['snippet-e2e'] },
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const stream = (await created.json()) as { id: string; streamgroup_id: string };
  const answer = await page.request.get(
    `/api/v1/streams/${stream.id}/snippets?start_quality=0&latency_mode=fastadaptive&token=${TOKEN}`,
  );
  expect(answer.status(), await answer.text()).toBe(200);
  const snippets = (await answer.json()) as Snippets;

  const expectPlayer = async (player: Locator) => {
    await expect(player).toBeVisible();
    await expect(player).toHaveAttribute('data-group-id', stream.streamgroup_id);
    await expect(player).toHaveAttribute('data-start-index', '0');
    await expect(player).toHaveAttribute('data-latency-mode', 'fastadaptive');
    await expect(player).toHaveAttribute('data-secured', 'true');
    await expect(player).toHaveAttribute('data-adaption', 'none');
    await expect(player).toHaveAttribute('data-state', 'refused');
    await expect(player).toHaveAttribute('data-token-reason', 'bad_signature');
    await expect(player.getByRole('status')).toContainText('The playback token was refused (bad_signature)');
  };

  // The HTML snippet on a page of another origin.
  const htmlSite = await customerSite(snippets.html);
  try {
    await page.goto(htmlSite.url);
    await expectPlayer(page.locator('[data-castboard-player]'));
    await page.screenshot({ path: testInfo.outputPath('html-snippet.png') });
  } finally {
    await htmlSite.close();
  }

  // The iframe snippet: the embed page must allow being framed by another origin.
  const iframeSite = await customerSite(snippets.iframe);
  try {
    await page.goto(iframeSite.url);
    await expectPlayer(page.frameLocator('iframe').locator('[data-castboard-player]'));
    await page.screenshot({ path: testInfo.outputPath('iframe-snippet.png') });
  } finally {
    await iframeSite.close();
  }

  // The live playout URL.
  await page.goto(snippets.live_url);
  await expectPlayer(page.locator('[data-castboard-player]'));
  await page.screenshot({ path: testInfo.outputPath('watch-page.png') });

  // Chromium logs each refused request (403); nothing else may go wrong.
  expect(consoleErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);
});
