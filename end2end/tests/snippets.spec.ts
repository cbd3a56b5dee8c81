/**
 * The Code Snippets tab (C1–C3): the snippets the browser computes are, character for
 * character, what `GET /streams/{id}/snippets` answers for the same settings; they follow
 * the settings without any request; a generated token goes into every snippet and
 * verifies; copy confirms. A read-only user gets the snippets but no token form.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { SnippetsTab, type Snippets } from '../pages/SnippetsTab';

interface Preset {
  id: string;
  bitrate_kbps: number;
}

/** A group with the passthrough and two transcodes (bitrates strictly decreasing). */
async function createAbrStream(api: Api, tag: string): Promise<StreamJson> {
  const presets = (await api.get<{ items: Preset[] }>('/profiles/presets')).items;
  const ladder = [...presets].sort((a, b) => b.bitrate_kbps - a.bitrate_kbps);
  const first = ladder[0];
  const second = ladder.find((p) => p.bitrate_kbps < first.bitrate_kbps);
  expect(second, 'two presets with different bitrates').toBeDefined();
  return api.createStream({ tags: [tag], transcodes: [{ preset: first.id }, { preset: second?.id }] });
}

test('snippets equal the API, follow the settings offline and carry a generated token', async ({
  page,
  context,
  consoleErrors,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAs(page, 'admin');
  const api = await Api.as();
  const stream = await createAbrStream(api, `snippets-${Date.now()}`);
  expect(stream.members).toHaveLength(3);
  const fromApi = (query: string) => api.get<Snippets>(`/streams/${stream.id}/snippets${query}`);

  const tab = new SnippetsTab(page);
  await tab.gotoTab(stream.id);
  await tab.expectShown(await fromApi(''));
  await expect(tab.startQuality).toHaveValue('auto');
  await expect(tab.startQuality.locator('option')).toHaveText([
    'Auto',
    '0 · Original',
    /^1 · \d+×\d+ · [\d,]+ kbit\/s$/,
    /^2 · \d+×\d+ · [\d,]+ kbit\/s$/,
  ]);
  await expect(tab.tokenMissing).toBeVisible();
  await shot(page, testInfo, '01-snippets-default');

  // From here on, changing settings must not reach the server at all.
  const apiCalls: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) {
      apiCalls.push(`${r.method()} ${r.url()}`);
    }
  });
  await tab.chooseStartQuality('1');
  await tab.chooseLatency('fastadaptive');
  const fixedFast = await api.get<Snippets>(`/streams/${stream.id}/snippets?start_quality=1&latency_mode=fastadaptive`);
  await tab.expectShown(fixedFast);
  expect(fixedFast.embed_url).toContain('options.adaption.rule=none&startIndex=1&playback.latencyControlMode=fastadaptive');
  expect(apiCalls).toEqual([]);
  await shot(page, testInfo, '02-snippets-fixed-fast');

  // A token bound to a domain, revocable: it lands in every snippet.
  await expect(tab.tokenDomain).toBeHidden();
  await tab.openTokenOptions();
  await tab.tokenDomain.fill('https://nope');
  await expect(tab.tokenDomainError).toHaveText(
    'Domain must be a host name such as www.example.com (no scheme, port or path)',
  );
  await expect(tab.generate).toBeDisabled();
  await expect(tab.tokenMore.locator('summary')).toContainText('1 to fix');
  await tab.tokenDomain.fill('player.example.com');
  await expect(tab.tokenDomainError).toBeHidden();
  await tab.tokenRevocable.check();
  await expect(page.getByTestId('token-window')).toContainText('(24 hours).');
  const token = await tab.generateToken();
  expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('toast').filter({ hasText: 'Token generated' })).toBeVisible();
  await expect(tab.withTokenBadge).toBeVisible();
  await expect(tab.tokenMissing).toBeHidden();
  await expect(tab.html).toContainText(`jwtoken: "${token}"`);
  await expect(tab.tokenScope).toHaveText(`Stream group ${stream.streamgroup_id} (every quality)`);
  await expect(tab.tokenRevocableClaim).toHaveText('Yes');
  await tab.expectShown(
    await fromApi(`?start_quality=1&latency_mode=fastadaptive&token=${encodeURIComponent(token)}`),
  );
  expect((await tab.shown()).live_url).toContain(`group.security.jwtoken=${token}`);

  const verification = await api.post<{ valid: boolean; claims: { dom: string; rev: boolean; grp: string } }>(
    '/tokens/verify',
    { token, stream: stream.name, domain: 'player.example.com' },
    200,
  );
  expect(verification.valid).toBe(true);
  expect(verification.claims.dom).toBe('player.example.com');
  expect(verification.claims.rev).toBe(true);
  expect(verification.claims.grp).toBe(stream.streamgroup_id);
  await shot(page, testInfo, '03-token-in-snippets');

  // Copy confirms, and the clipboard holds the snippet.
  await tab.htmlCopy.click();
  await expect(tab.htmlCopy).toHaveText('Copied');
  const html = (await tab.shown()).html;
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(html);

  await expectNoSeriousA11yViolations(page, testInfo, 'snippets-tab');

  // Taking the token out restores the plain snippets.
  await tab.removeToken.click();
  await expect(tab.withTokenBadge).toBeHidden();
  await tab.expectShown(fixedFast);

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});

test('a read-only user gets the snippets but no token form', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'read_only');
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`snippets-ro-${Date.now()}`] });
  const tab = new SnippetsTab(page);
  await tab.gotoTab(stream.id);
  await tab.expectShown(await api.get<Snippets>(`/streams/${stream.id}/snippets`));
  await expect(tab.startQuality.locator('option')).toHaveText([
    'Auto',
    '0 · Original',
  ]);
  await expect(tab.tokenReadOnly).toBeVisible();
  await expect(tab.generate).toHaveCount(0);
  await shot(page, testInfo, 'snippets-read-only');
  await expectNoSeriousA11yViolations(page, testInfo, 'snippets-tab-read-only');
  await api.dispose();
  expect(consoleErrors).toEqual([]);
});
