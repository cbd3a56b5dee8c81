/**
 * The stream list's filters (F1–F5) and ABR rows (L2): streams in every state are made
 * through the API with a tag unique to the test, then the list is narrowed by state,
 * tag, date and the streamgroups toggle, alone and combined. Each view must show
 * exactly the expected streams and carry its filters in the URL; a shared link, a
 * reload and the back button restore it; an ABR group expands into its passthrough and
 * transcode. Then the list's other states: skeleton, failure with Retry, and an empty
 * organisation (with a way to create streams for writers only).
 */
import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { Api, ingest, signInAs, type StreamJson } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamListPage } from '../pages/StreamListPage';

const CSRF = { 'X-Requested-With': 'castboard' };
const PRESET = 'vtrans2-852x480x800x25';

interface Fixture {
  tag: string;
  created1: StreamJson;
  created2: StreamJson;
  locked: StreamJson;
  live: StreamJson;
  deleted: StreamJson;
  abr: StreamJson;
}

/** One stream per state, plus an ABR group, all tagged `tag`. */
async function makeStreams(api: Api): Promise<Fixture> {
  const tag = `run-${Date.now()}`;
  const presets = await api.get<{ items: { id: string }[] }>('/profiles/presets');
  expect(presets.items.map((p) => p.id)).toContain(PRESET);

  const created1 = await api.createStream({ tags: [tag, `${tag}:a`] });
  const created2 = await api.createStream({ tags: [tag] });
  const locked = await api.createStream({ tags: [tag] });
  await api.post(`/streams/${locked.id}/lock`, {}, 200);
  const live = await api.createStream({ tags: [tag] });
  const published = await ingest('publish', live.name);
  expect(published, 'publish hook').toBeGreaterThanOrEqual(200);
  expect(published, 'publish hook').toBeLessThan(300);
  const deleted = await api.createStream({ tags: [tag] });
  const removal = await api.request.delete(`/api/v1/streams/${deleted.id}`, { headers: CSRF });
  expect(removal.status(), await removal.text()).toBe(204);
  const abr = await api.createStream({ tags: [tag], transcodes: [{ preset: PRESET, tags: [tag] }] });
  expect(abr.members.map((m) => m.index)).toEqual([0, 1]);
  return { tag, created1, created2, locked, live, deleted, abr };
}

/** Signs the page in as an admin and makes this test's streams. */
async function setUp(page: Page): Promise<{ s: Fixture; listed: string[]; list: StreamListPage }> {
  const api = await Api.as();
  const s = await makeStreams(api);
  await api.dispose();
  await signInAs(page, 'admin');
  const listed = [s.created1, s.created2, s.locked, s.live, s.abr].map((x) => x.name);
  return { s, listed, list: new StreamListPage(page) };
}

test('state, tag and date filters narrow the list and write the URL', async ({ page, consoleErrors }, testInfo) => {
  const { s, listed, list } = await setUp(page);
  const tag = s.tag;
  await list.goto();
  await expect(list.allStates).toHaveAttribute('aria-pressed', 'true');
  await expect(list.clearFilters).toHaveCount(0);

  // Tag (F2): three characters bring suggestions, the suggestion is picked with Enter.
  await list.filterByTag(tag);
  await list.expectQuery(`tag=${tag}`);
  await list.expectRows(listed);
  await expect(list.summary).toHaveText('1–5 of 5 streams');
  await expect(list.badge(list.row(s.live.name))).toHaveText('Live');
  await expect(list.badge(list.row(s.locked.name))).toHaveText('Locked');
  await expect(list.badge(list.row(s.created1.name))).toHaveText('Created');
  await expect(list.row(s.abr.name).getByTestId('group-badge')).toHaveText('Streamgroup (2 Playouts)');
  await expect(list.row(s.created1.name).getByTestId('group-badge')).toHaveText('Single Stream');
  // The id column shows eight characters; its button copies the whole id and says so.
  const idCell = list.row(s.created1.name).getByTestId('stream-id');
  await expect(idCell).toHaveText(s.created1.id.slice(0, 8));
  const copyId = idCell.getByRole('button', { name: `Copy stream id ${s.created1.id.slice(0, 8)}…` });
  await expect(copyId).toHaveAttribute('data-copy', s.created1.id);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await copyId.click();
  await expect(page.getByTestId('id-copied')).toHaveText(`Copied ${s.created1.id}`);
  await expect(copyId).toHaveClass(/copy-id-done/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(s.created1.id);
  await expect(list.row(s.created1.name).getByTestId('stream-name')).toHaveAttribute('href', `/streams/${s.created1.id}`);
  await expect(list.row(s.created1.name).locator('.chip')).toHaveText([tag, `${tag}:a`]);
  await expect(list.row(s.created1.name).locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

  // State (F1) with the tag: one state, then two.
  await list.stateFilter('live').click();
  await list.expectQuery(`state=live&tag=${tag}`);
  await list.expectRows([s.live.name]);
  await expect(list.stateFilter('live')).toHaveAttribute('aria-pressed', 'true');
  await expect(list.allStates).toHaveAttribute('aria-pressed', 'false');

  await list.stateFilter('live').click();
  await list.stateFilter('created').click();
  await list.stateFilter('locked').click();
  await list.expectQuery(`state=created&state=locked&tag=${tag}`);
  await list.expectRows([s.created1.name, s.created2.name, s.locked.name, s.abr.name]);

  // Deleted streams only appear when asked for.
  await list.allStates.click();
  await list.expectQuery(`tag=${tag}`);
  await list.stateFilter('deleted').click();
  await list.expectQuery(`state=deleted&tag=${tag}`);
  await list.expectRows([s.deleted.name]);
  await expect(list.badge(list.row(s.deleted.name))).toHaveText('Deleted');
  await list.allStates.click();
  await list.expectRows(listed);

  // Two tags narrow the result (AND); removing the chip widens it again.
  await list.typeTag(`${tag}:a`);
  await list.expectQuery(`tag=${tag}&tag=${tag}%3Aa`);
  await list.expectRows([s.created1.name]);
  await list.removeTag(`${tag}:a`);
  await list.expectQuery(`tag=${tag}`);
  await list.expectRows(listed);

  // Date (F3): nothing of this run was updated yesterday, everything today.
  await list.date.selectOption({ label: 'Yesterday' });
  await list.expectQuery(`tag=${tag}&date=yesterday`);
  await expect(list.noMatch).toBeVisible();
  await expect(list.noMatch).toContainText('No stream matches these filters');
  await expect(list.rows).toHaveCount(0);
  await expect(list.summary).toHaveText('No streams');
  await shot(page, testInfo, '01-no-match');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-list-empty');
  await list.date.selectOption({ label: 'Today' });
  await list.expectQuery(`tag=${tag}&date=today`);
  await list.expectRows(listed);
  await shot(page, testInfo, '02-filtered');

  // Clear filters returns to the plain list.
  await list.clearFilters.click();
  await list.expectQuery('');
  await expect(list.tagChips).toHaveCount(0);
  await expect(list.date).toHaveValue('');
  await expect(list.clearFilters).toHaveCount(0);

  expect(consoleErrors).toEqual([]);
});

test('individual rows, reload and back restore the view; an ABR group expands', async ({ page, consoleErrors }, testInfo) => {
  const { s, listed, list } = await setUp(page);
  const tag = s.tag;
  const transcode = s.abr.members[1];

  // A shared link opens the filtered view (F5).
  await list.goto(`tag=${tag}&date=today`);
  await list.expectRows(listed);
  await expect(list.tagChips).toHaveText([`${tag}×`]);
  await expect(list.date).toHaveValue('today');

  // Streamgroups (F4): every member its own row, with its group id.
  await list.individual.click();
  await list.expectQuery(`tag=${tag}&date=today&group=false`);
  await list.expectRows([...listed, transcode.name]);
  await expect(list.row(transcode.name).getByTestId('group-id')).toHaveText(s.abr.id.slice(0, 8));
  await expect(list.row(transcode.name)).toContainText('Transcode 1 · 852×480 · 800 kbit/s · 25 fps');
  await expect(list.row(s.abr.name).getByTestId('group-id')).toHaveText(s.abr.id.slice(0, 8));
  await expect(list.row(s.created2.name).getByTestId('group-id')).toHaveText(s.created2.id.slice(0, 8));
  await expect(list.row(transcode.name).getByTestId('group-id').getByRole('button')).toHaveAttribute(
    'data-copy',
    s.abr.id,
  );
  await expect(list.individual).toHaveAttribute('aria-pressed', 'true');
  await expect(list.grouped).toHaveAttribute('aria-pressed', 'false');
  await shot(page, testInfo, '03-individual');

  // A reload restores the whole view from the URL.
  await page.reload();
  await list.expectLoaded();
  await list.expectQuery(`tag=${tag}&date=today&group=false`);
  await list.expectRows([...listed, transcode.name]);
  await expect(list.individual).toHaveAttribute('aria-pressed', 'true');
  await expect(list.date).toHaveValue('today');
  await expect(list.tagChips).toHaveText([`${tag}×`]);

  // Back goes to the previous view (grouped again).
  await page.goBack();
  await list.expectQuery(`tag=${tag}&date=today`);
  await list.expectRows(listed);
  await expect(list.grouped).toHaveAttribute('aria-pressed', 'true');

  // L2: the ABR group expands (keyboard) into its passthrough and transcode.
  const expand = list.expandButton(list.row(s.abr.name));
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expect(list.memberRows).toHaveCount(0);
  await expand.focus();
  await page.keyboard.press('Enter');
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  await expect(list.memberRows).toHaveCount(2);
  const passthroughRow = list.memberRow(s.abr.name);
  const transcodeRow = list.memberRow(transcode.name);
  await expect(passthroughRow.getByTestId('member-role')).toHaveText('Passthrough');
  await expect(passthroughRow.getByTestId('member-detail')).toHaveText('index 0 · original quality');
  await expect(transcodeRow.getByTestId('member-role')).toHaveText('Transcode 1');
  await expect(transcodeRow.getByTestId('member-detail')).toHaveText('852×480 · 800 kbit/s · 25 fps');
  await expect(list.badge(transcodeRow)).toHaveText('Created');
  await expect(list.memberRows.getByTestId('member-name')).toHaveText([s.abr.name, transcode.name]);
  await shot(page, testInfo, '04-filtered-expanded');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-list-filtered');
  await page.keyboard.press('Space');
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expect(list.memberRows).toHaveCount(0);

  expect(consoleErrors).toEqual([]);
});

/** Answers the plain list request with an organisation that has no stream. */
const NO_STREAMS = {
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ items: [], meta: { total: 0, page: 1, per_page: 25 } }),
};

test('skeleton while loading, Retry after a failure, then the way to a first stream', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);

  // The first list request hangs until the test lets it fail; the next finds no stream.
  let calls = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(
    (url) => url.pathname === '/api/v1/streams',
    async (route) => {
      calls += 1;
      if (calls === 1) {
        await released;
        await route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side.' } }),
        });
      } else {
        await route.fulfill(NO_STREAMS);
      }
    },
  );

  await list.goto();
  await expect(page.getByTestId('list-loading')).toBeVisible();
  await expect(page.getByTestId('list-loading').locator('.skeleton-row')).toHaveCount(6);
  await shot(page, testInfo, '11-loading');
  release();

  await expect(page.getByTestId('error-state')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await expect(page.getByTestId('list-loading')).toHaveCount(0);
  await shot(page, testInfo, '12-error');
  await page.getByTestId('retry').click();

  // A writer is offered the way forward.
  await expect(page.getByTestId('list-empty')).toContainText('No streams yet');
  await expect(page.getByTestId('empty-create-stream')).toHaveAttribute('href', '/streams/new');
  await expect(page.getByTestId('error-state')).toHaveCount(0);
  expect(calls).toBe(2);
  await shot(page, testInfo, '13-empty-writer');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-list-no-streams');

  // The injected 500 is logged by Chromium like any failed fetch; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/streams\)$/.test(e));
  expect(unexpected).toEqual([]);
});

test('a read-only user gets no way to create streams', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'read_only');
  await page.route((url) => url.pathname === '/api/v1/streams', (route) => route.fulfill(NO_STREAMS));
  const list = new StreamListPage(page);
  await list.goto();
  await expect(page.getByTestId('list-empty')).toContainText('No streams yet');
  await expect(page.getByTestId('list-empty')).toContainText('Streams your organisation creates will be listed here.');
  await expect(page.getByTestId('empty-create-stream')).toHaveCount(0);
  await expect(page.getByTestId('create-stream')).toHaveCount(0);
  // Reading and filtering stay available.
  await expect(list.stateFilter('live')).toBeEnabled();
  await expect(list.tagInput).toBeEditable();
  await shot(page, testInfo, '21-empty-read-only');
  expect(consoleErrors).toEqual([]);
});

test('a visit draws the page and its rows in one pass', async ({ page, consoleErrors }) => {
  const api = await Api.as();
  const tag = `one-pass-${Date.now()}`;
  const stream = await api.createStream({ tags: [tag] });
  await signInAs(page, 'admin');
  // `/me` answers after the list, as it may on a real connection: the page's rows are
  // known when the signed-in layout draws it.
  await page.route(
    (url) => url.pathname === '/api/v1/me',
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    },
  );
  // Every frame the browser draws until the first row: whether the page's heading is
  // there, and how many rows.
  await page.addInitScript(() => {
    const frames: { heading: boolean; rows: number }[] = [];
    (window as unknown as { frames_seen: typeof frames }).frames_seen = frames;
    const look = () => {
      const heading = document.querySelector('main h1') !== null;
      const rows = document.querySelectorAll('[data-testid="stream-row"]').length;
      frames.push({ heading, rows });
      if (rows === 0 && frames.length < 5000) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });

  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  await expect(list.rows).toHaveCount(1);
  await expect(list.row(stream.name)).toBeVisible();
  const frames = await page.evaluate(
    () => (window as unknown as { frames_seen: { heading: boolean; rows: number }[] }).frames_seen,
  );
  expect(frames.filter((f) => f.heading && f.rows === 0)).toEqual([]);
  expect(frames[frames.length - 1]).toEqual({ heading: true, rows: 1 });
  expect(consoleErrors).toEqual([]);
});
