/**
 * The stream overview's header, quick actions and tabs (O1–O3): an admin locks, unlocks
 * and deletes a stream (a live one only after a question, the delete question names it;
 * Escape keeps the stream), and the page follows the ingest live (X2); users
 * and read-only users get no admin action; the tabs are keyboard tabs kept in the URL;
 * an unknown id says so.
 */
import { test, expect } from '../support/fixtures';
import { Api, ingest, signInAs, type Role } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

test('an admin locks, unlocks and deletes a stream', async ({ page, consoleErrors }, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`actions-${Date.now()}`] });
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(overview.stateBadge).toHaveText('Created');
  await expect(overview.unlock).toHaveCount(0);
  await shot(page, testInfo, '01-created');

  // Stop & lock (not live: no question).
  await overview.lock.click();
  await expect(overview.stateBadge).toHaveText('Locked');
  await expect(overview.toast(`Stream ${stream.name} stopped and locked`)).toBeVisible();
  await expect(overview.lock).toHaveCount(0);
  // The pressed button is gone: its counterpart has the focus.
  await expect(overview.unlock).toBeFocused();
  expect((await api.stream(stream.id)).state).toBe('locked');
  await shot(page, testInfo, '02-locked');

  await overview.unlock.click();
  await expect(overview.stateBadge).toHaveText('Created');
  await expect(overview.toast(`Stream ${stream.name} unlocked`)).toBeVisible();
  await expect(overview.unlock).toHaveCount(0);
  await expect(overview.lock).toBeFocused();
  expect((await api.stream(stream.id)).state).toBe('created');

  // The encoder starts: the page follows without a reload (live events). Stopping a
  // live stream cuts the ingest, so it is asked first.
  expect(await ingest('publish', stream.name)).toBeLessThan(300);
  await expect(overview.stateBadge).toHaveText('Live');
  await overview.lock.click();
  await expect(overview.lockDialog).toBeVisible();
  await expect(overview.lockDialog.getByRole('heading')).toHaveText(`Stop & lock stream ${stream.name}?`);
  await shot(page, testInfo, '03-lock-live-question');
  await page.getByTestId('lock-dialog-confirm').click();
  await expect(overview.lockDialog).toBeHidden();
  await expect(overview.stateBadge).toHaveText('Locked');
  expect((await api.stream(stream.id)).state).toBe('locked');
  // Unlocking a stream that was live once leaves it ended.
  await overview.unlock.click();
  await expect(overview.stateBadge).toHaveText('Ended');

  // Delete lives in the overflow menu: the keyboard opens it on its first item, Escape
  // closes it and returns to its button.
  await overview.more.focus();
  await page.keyboard.press('Enter');
  await expect(overview.more).toHaveAttribute('aria-expanded', 'true');
  await expect(overview.delete).toBeFocused();
  await expect(overview.delete).toHaveText('Delete stream');
  await page.keyboard.press('Escape');
  await expect(overview.delete).toHaveCount(0);
  await expect(overview.more).toHaveAttribute('aria-expanded', 'false');
  await expect(overview.more).toBeFocused();

  // The question names the stream; Escape keeps it.
  await overview.more.click();
  await overview.delete.click();
  await expect(overview.deleteDialog).toBeVisible();
  await expect(overview.deleteDialog.getByRole('heading')).toHaveText(`Delete stream ${stream.name}?`);
  await expect(overview.deleteDialog).toContainText(`Stream ${stream.name} will be deleted.`);
  await shot(page, testInfo, '04-delete-question');
  await page.keyboard.press('Escape');
  await expect(overview.deleteDialog).toBeHidden();
  expect((await api.stream(stream.id)).state).toBe('ended');

  await overview.more.click();
  await overview.delete.click();
  const del = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/streams/${stream.id}`) && r.request().method() === 'DELETE',
  );
  await overview.deleteConfirm.click();
  expect((await del).status()).toBe(204);
  await expect(page).toHaveURL((url) => url.pathname === '/streams');
  await expect(page.getByTestId('toast').filter({ hasText: `Stream ${stream.name} deleted` })).toBeVisible();
  expect((await api.stream(stream.id)).state).toBe('deleted');
  await shot(page, testInfo, '05-deleted-on-list');

  // A deleted stream still opens, read-only.
  await overview.goto(stream.id);
  await expect(overview.stateBadge).toHaveText('Deleted');
  await expect(page.getByTestId('stream-deleted-note')).toBeVisible();
  await expect(overview.lock).toHaveCount(0);
  await expect(overview.unlock).toHaveCount(0);
  await expect(overview.more).toHaveCount(0);
  await expect(overview.detailEditors.tagsEdit).toHaveCount(0);
  await shot(page, testInfo, '06-deleted-overview');

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});

for (const role of ['user', 'read_only'] as Role[]) {
  test(`a ${role} gets no Stop & lock, Unlock or Delete`, async ({ page, consoleErrors }, testInfo) => {
    const api = await Api.as();
    const open = await api.createStream({ tags: [`no-admin-${Date.now()}`] });
    const locked = await api.createStream({ tags: [`no-admin-locked-${Date.now()}`] });
    await api.post(`/streams/${locked.id}/lock`, undefined, 200);
    await api.dispose();
    await signInAs(page, role);

    const overview = new StreamOverviewPage(page);
    await overview.goto(open.id);
    await overview.expectShown(open.name);
    await expect(overview.watch).toBeVisible();
    await expect(overview.instructions).toBeVisible();
    await expect(overview.lock).toHaveCount(0);
    await expect(overview.unlock).toHaveCount(0);
    await expect(overview.more).toHaveCount(0);
    await shot(page, testInfo, `01-${role}-created`);

    await overview.goto(locked.id);
    await overview.expectShown(locked.name);
    await expect(overview.stateBadge).toHaveText('Locked');
    await expect(overview.lock).toHaveCount(0);
    await expect(overview.unlock).toHaveCount(0);
    await expect(overview.more).toHaveCount(0);
    await shot(page, testInfo, `02-${role}-locked`);

    expect(consoleErrors).toEqual([]);
  });
}

test('the header, the quick actions and the tabs, by keyboard and in the URL', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({
    tags: [`tabs-${Date.now()}`],
    transcodes: [{ preset: 'vtrans2-852x480x800x25' }],
  });
  await api.dispose();
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(stream.name);
  await expect(overview.streamId).toHaveText(stream.id);
  await expect(overview.groupBadge).toHaveText('Streamgroup (2 Playouts)');
  // The main organisation has every package: secure playback and the webcaster.
  await expect(overview.secureBadge).toBeVisible();
  await expect(overview.webcaster).toBeDisabled();
  await expect(overview.webcaster).toHaveAttribute('aria-describedby', 'webcaster-note');
  await expect(overview.watch).toHaveAttribute('target', '_blank');
  await expect(overview.instructions).toHaveAttribute('href', `/streams/${stream.id}/instructions`);
  await expect(overview.secure.getByTestId('secure-snippets-link')).toHaveAttribute(
    'href',
    `/streams/${stream.id}?tab=snippets`,
  );
  await expect(overview.secure.getByTestId('secure-tokens-link')).toHaveAttribute('href', '/tokens');
  await expect(overview.ingest.getByTestId('ingest-streamname')).toHaveText(stream.name);
  await expect(overview.vod.getByTestId('vod-empty')).toBeVisible();

  // The Overview tab, selected by default.
  await expect(overview.tab('overview')).toHaveAttribute('aria-selected', 'true');
  await expect(overview.panel('overview')).toBeVisible();
  await shot(page, testInfo, '01-tab-overview');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-overview');

  // Arrow keys move between tabs; the URL follows.
  await overview.tab('overview').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'live-processing');
  await expect(overview.tab('live-processing')).toHaveAttribute('aria-selected', 'true');
  await expect(overview.tab('live-processing')).toBeFocused();
  await expect(overview.panel('live-processing')).toBeVisible();
  await expect(overview.panel('overview')).toBeHidden();
  await shot(page, testInfo, '02-tab-live-processing');

  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'snippets');
  await expect(overview.tab('snippets')).toBeFocused();
  await expect(overview.panel('snippets')).toBeVisible();
  await shot(page, testInfo, '03-tab-snippets');

  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${stream.id}` && url.search === '');
  await expect(overview.tab('overview')).toBeFocused();
  await page.keyboard.press('End');
  await expect(overview.tab('snippets')).toHaveAttribute('aria-selected', 'true');

  // A shared link opens on its tab.
  await overview.goto(stream.id, 'live-processing');
  await overview.expectShown(stream.name);
  await expect(overview.tab('live-processing')).toHaveAttribute('aria-selected', 'true');
  await expect(overview.tab('overview')).toHaveAttribute('tabindex', '-1');

  expect(consoleErrors).toEqual([]);
});

test('an unknown or malformed id says there is no such stream', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);

  await overview.gotoPath('/streams/00000000-0000-4000-8000-000000000000');
  await expect(overview.notFound).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('No stream with this id');
  await shot(page, testInfo, '01-unknown-id');

  await overview.gotoPath('/streams/not-an-id');
  await expect(overview.notFound).toBeVisible();
  await page.getByTestId('stream-not-found-list').click();
  await expect(page).toHaveURL((url) => url.pathname === '/streams');

  // The unknown id's 404 is logged by Chromium like any failed fetch; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/status of 404 .*\/api\/v1\/streams\/0{8}-/.test(e));
  expect(unexpected).toEqual([]);
});
