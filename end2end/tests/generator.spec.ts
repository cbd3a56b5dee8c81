/**
 * The standalone snippet generator (C4) at `/generator/<id>`: no top bar or navigation
 * (it is made for an iframe), a compact header, snippets that follow the settings and
 * equal the API's; a stranger is asked to sign in (in a new tab), an unknown id is
 * "not found". A page of the same site can frame it; another site cannot.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { SnippetsTab, type Snippets } from '../pages/SnippetsTab';

interface Preset {
  id: string;
}

test('the generator stands alone and follows its settings', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'user');
  const api = await Api.as();
  const presets = (await api.get<{ items: Preset[] }>('/profiles/presets')).items;
  const stream = await api.createStream({ tags: [`generator-${Date.now()}`], transcodes: [{ preset: presets[0].id }] });
  const generator = new SnippetsTab(page);
  await generator.gotoGenerator(stream.id);

  await expect(page.locator('nav')).toHaveCount(0);
  await expect(page.locator('.topbar')).toHaveCount(0);
  await expect(page.getByTestId('generator-streamname')).toHaveText(stream.name);
  await expect(page.getByTestId('group-badge')).toHaveText('Streamgroup (2 Playouts)');
  await expect(page.getByTestId('generator-open-dashboard')).toHaveAttribute('href', `/streams/${stream.id}?tab=snippets`);
  await generator.expectShown(await api.get<Snippets>(`/streams/${stream.id}/snippets`));
  // A user may issue tokens here too.
  await expect(generator.generate).toBeVisible();
  await shot(page, testInfo, '01-generator');

  await generator.chooseStartQuality('0');
  await generator.chooseLatency('balancedadaptive');
  const pinned = await api.get<Snippets>(`/streams/${stream.id}/snippets?start_quality=0&latency_mode=balancedadaptive`);
  await generator.expectShown(pinned);
  expect(pinned.html).toContain('latencyControlMode: "balancedadaptive"');
  await shot(page, testInfo, '02-generator-pinned');
  await expectNoSeriousA11yViolations(page, testInfo, 'generator');

  // An id that names no stream of the organisation.
  await page.goto('/generator/00000000-0000-4000-8000-000000000000');
  await expect(page.getByTestId('generator-not-found')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Stream not found' })).toBeVisible();
  await shot(page, testInfo, '03-generator-not-found');

  await api.dispose();
  // Chromium logs the 404 of the unknown stream like any failed fetch; nothing else may be.
  expect(consoleErrors.filter((e) => !/status of 404 .*\/api\/v1\/streams\/00000000-/.test(e))).toEqual([]);
});

test('a signed-out visitor is asked to sign in', async ({ page, consoleErrors }, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`generator-out-${Date.now()}`] });
  await api.dispose();

  await page.goto(`/generator/${stream.id}`);
  const message = page.getByTestId('generator-sign-in');
  await expect(message).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Castboard to use the generator' })).toBeVisible();
  const link = page.getByTestId('generator-sign-in-link');
  await expect(link).toHaveAttribute('href', `/sign-in?next=/generator/${stream.id}`);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(page.locator('nav')).toHaveCount(0);
  await expect(page.getByTestId('snippet-generator')).toHaveCount(0);
  await shot(page, testInfo, 'generator-signed-out');
  await expectNoSeriousA11yViolations(page, testInfo, 'generator-signed-out');

  // Signing in elsewhere (here: through the API), then Retry, shows the generator.
  await signInAs(page, 'admin');
  await page.getByTestId('generator-retry').click();
  await expect(page.getByTestId('snippet-generator')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('a page of the same site can frame the generator, another site cannot', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'user');
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`generator-frame-${Date.now()}`] });
  await api.dispose();

  // The dashboard's own origin embeds it (frame-ancestors 'self', X-Frame-Options SAMEORIGIN).
  await page.goto('/streams');
  await expect(page.getByRole('heading', { name: 'Streams', level: 1 })).toBeVisible();
  await page.evaluate((src) => {
    const frame = document.createElement('iframe');
    frame.id = 'embedded-generator';
    frame.title = 'Snippet generator';
    frame.src = src;
    frame.width = '800';
    frame.height = '600';
    document.body.append(frame);
  }, `/generator/${stream.id}`);
  const embedded = page.frameLocator('#embedded-generator');
  await expect(embedded.getByTestId('generator-streamname')).toHaveText(stream.name);
  await expect(embedded.getByTestId('snippet-generator')).toBeVisible();
  await shot(page, testInfo, 'generator-framed-same-site');

  // A page of another origin (here an opaque one) gets Chromium's error page in the frame.
  const foreign = await page.context().newPage();
  const url = new URL(`/generator/${stream.id}`, page.url()).toString();
  await foreign.setContent(`<iframe id="foreign" title="Snippet generator" src="${url}"></iframe>`);
  await expect
    .poll(() => foreign.frames().map((f) => f.url()))
    .toContain('chrome-error://chromewebdata/');
  await expect(foreign.frameLocator('#foreign').getByTestId('generator-streamname')).toHaveCount(0);
  await foreign.close();
  expect(consoleErrors).toEqual([]);
});
