/**
 * The Live Processing tab (P1–P5): thumbnails switched on with interval 60 on the
 * passthrough and copied to every quality of the group, after an out-of-bounds interval
 * was refused as typed; the other qualities are reached with the arrow keys and show the
 * copied settings. A read-only user sees the settings without edit controls; an
 * organisation without the package sees "Upgrade needed" and nothing else. Files the
 * media server reports as recorded read the same in the VOD card and the recordings list.
 */
import { test, expect } from '../support/fixtures';
import { Api, ingest, signInAs, signInThroughApi } from '../support/api';
import { e2e } from '../support/env';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { LiveProcessingTab } from '../pages/LiveProcessingTab';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

interface Preset {
  id: string;
  bitrate_kbps: number;
}

interface Thumbnails {
  enabled: boolean;
  interval_s: number;
}

interface ProcessedStream {
  id: string;
  name: string;
  members: { id: string; name: string; index: number; processing: { thumbnails: Thumbnails } }[];
}

test('thumbnails enabled on the passthrough are synced to every quality', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const api = await Api.as();
  const presets = (await api.get<{ items: Preset[] }>('/profiles/presets')).items;
  const ladder = [...presets].sort((a, b) => b.bitrate_kbps - a.bitrate_kbps);
  const lower = ladder.find((p) => p.bitrate_kbps < ladder[0].bitrate_kbps);
  const stream = (await api.createStream({
    tags: [`lp-${Date.now()}`],
    transcodes: [{ preset: ladder[0].id }, { preset: lower?.id }],
  })) as unknown as ProcessedStream;
  expect(stream.members).toHaveLength(3);

  const tab = new LiveProcessingTab(page);
  await tab.goto(stream.id);
  await expect(tab.qualityTabs).toHaveCount(3);
  await expect(tab.qualityTabs.first()).toHaveAttribute('aria-selected', 'true');
  await expect(tab.qualityTabs.first()).toHaveText('Original');
  await expect(tab.panel).toHaveAttribute('data-process', 'thumbnails');
  await expect(tab.status).toHaveText('Disabled');
  await expect(tab.streamname).toHaveText(stream.name);
  await expect(tab.quality).toHaveText('Original');
  await expect(tab.interval).toHaveText('Every 30 seconds');
  await expect(tab.noAsset).toBeVisible();
  await shot(page, testInfo, '01-thumbnails-disabled');

  await tab.edit.click();
  await expect(tab.form).toBeVisible();
  await tab.intervalInput.fill('5');
  await expect(tab.intervalError).toHaveText('Interval must be between 10 and 3600 seconds');
  await expect(tab.intervalInput).toHaveAttribute('aria-invalid', 'true');
  await expect(tab.save).toBeDisabled();
  await shot(page, testInfo, '02-interval-refused');

  await tab.intervalInput.fill('60');
  await expect(tab.intervalError).toBeHidden();
  await tab.enabled.check();
  await tab.sync.check();
  const saved = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/streams/${stream.id}`) && r.request().method() === 'PATCH',
  );
  await tab.save.click();
  const answer = await saved;
  expect(answer.status()).toBe(200);
  expect(answer.request().postDataJSON()).toEqual({
    processing: { thumbnails: { enabled: true, interval_s: 60 } },
    sync_processing_to_group: true,
  });
  await expect(page.getByTestId('toast').filter({ hasText: 'Thumbnails settings saved for every quality' })).toBeVisible();
  await expect(tab.form).toBeHidden();
  await expect(tab.status).toHaveText('Enabled');
  await expect(tab.interval).toHaveText('Every 60 seconds');

  const after = (await api.stream(stream.id)) as unknown as ProcessedStream;
  expect(after.members.map((m) => m.processing.thumbnails)).toEqual([
    { enabled: true, interval_s: 60 },
    { enabled: true, interval_s: 60 },
    { enabled: true, interval_s: 60 },
  ]);

  // The next quality, by keyboard: its own streamname, the copied settings.
  await tab.qualityTabs.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(tab.qualityTabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(tab.qualityTabs.nth(1)).toBeFocused();
  await expect(tab.streamname).toHaveText(after.members[1].name);
  await expect(tab.status).toHaveText('Enabled');
  await expect(tab.interval).toHaveText('Every 60 seconds');
  await expect(tab.noAsset).toBeVisible();
  await tab.refresh.click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Processing and assets refreshed' })).toBeVisible();

  // The other processes keep their defaults.
  await tab.chooseProcess('replay');
  await expect(tab.status).toHaveText('Disabled');
  await expect(page.getByTestId('lp-setting-duration')).toHaveText('Whole stream');
  await shot(page, testInfo, '03-synced-transcode-replay');
  await expectNoSeriousA11yViolations(page, testInfo, 'live-processing');

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});

test('recorded files read the same in the VOD card and in the recordings list', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`lp-rec-${Date.now()}`] });
  await api.dispose();
  // What nginx-rtmp reports after recording: the file, and its size and length when known.
  expect(
    await ingest('record_done', stream.name, { path: `/rec/${stream.name}-1.flv`, size_bytes: '4800000', duration_s: '90' }),
  ).toBe(204);
  expect(await ingest('record_done', stream.name, { path: `/rec/${stream.name}-2.flv`, size_bytes: '1050' })).toBe(204);
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  const vodRows = overview.vod.getByTestId('vod-recording');
  await expect(vodRows).toHaveCount(2);
  const vodFile = (name: string) => vodRows.filter({ hasText: name });
  await expect(vodFile(`${stream.name}-1.flv`).getByTestId('vod-size')).toHaveText('4.8 MB');
  await expect(vodFile(`${stream.name}-1.flv`).getByTestId('vod-duration')).toHaveText('1:30');
  await expect(vodFile(`${stream.name}-2.flv`).getByTestId('vod-size')).toHaveText('1.1 kB');
  await expect(vodFile(`${stream.name}-2.flv`).getByTestId('vod-duration')).toHaveText('—');
  await shot(page, testInfo, '01-vod-recordings');

  const tab = new LiveProcessingTab(page);
  await tab.goto(stream.id);
  await tab.chooseProcess('recording');
  const rows = page.getByTestId('lp-recording-row');
  await expect(rows).toHaveCount(2);
  // Session (UTC), file, size, length.
  await expect(rows.filter({ hasText: `${stream.name}-1.flv` }).locator('td')).toHaveText([
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/,
    `${stream.name}-1.flv`,
    '4.8 MB',
    '1:30',
  ]);
  await expect(rows.filter({ hasText: `${stream.name}-2.flv` }).locator('td').nth(2)).toHaveText('1.1 kB');
  await expect(rows.filter({ hasText: `${stream.name}-2.flv` }).locator('td').nth(3)).toHaveText('—');
  await shot(page, testInfo, '02-lp-recordings');
  expect(consoleErrors).toEqual([]);
});

test('a read-only user sees the settings without edit controls', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'read_only');
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`lp-ro-${Date.now()}`] });
  const tab = new LiveProcessingTab(page);
  await tab.goto(stream.id);
  await expect(tab.status).toHaveText('Disabled');
  await expect(tab.qualityTabs).toHaveCount(0);
  await expect(tab.refresh).toBeVisible();
  await expect(tab.edit).toHaveCount(0);
  await tab.chooseProcess('recording');
  await expect(tab.edit).toHaveCount(0);
  await shot(page, testInfo, 'live-processing-read-only');
  await api.dispose();
  expect(consoleErrors).toEqual([]);
});

test('without the package the tab only says "Upgrade needed"', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.basicAdminEmail, e2e.adminPassword);
  const api = await Api.as(e2e.basicAdminEmail, e2e.adminPassword);
  const stream = await api.createStream({ tags: [`lp-basic-${Date.now()}`] });
  const tab = new LiveProcessingTab(page);
  await tab.goto(stream.id);
  await expect(tab.upgradeNeeded).toBeVisible();
  await expect(tab.upgradeNeeded).toContainText('Upgrade needed');
  await expect(tab.upgradeNeeded).toHaveAttribute('data-feature', 'live_processing');
  await expect(tab.panel).toHaveCount(0);
  await expect(tab.edit).toHaveCount(0);
  await expect(tab.refresh).toHaveCount(0);
  await shot(page, testInfo, 'live-processing-upgrade-needed');
  await expectNoSeriousA11yViolations(page, testInfo, 'live-processing-upgrade');
  await api.dispose();
  expect(consoleErrors).toEqual([]);
});
