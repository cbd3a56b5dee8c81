/**
 * Live updates of the stream list (L4, X2): with the list open on a tag of its own, the
 * media server's hooks (publish, publish_done) and an admin's lock change badges in
 * place: no reload (a marker on `window` survives), no navigation, and no new list
 * request. A stream created meanwhile joins the list by itself.
 */
import { test, expect } from '../support/fixtures';
import { Api, ingest, signInAs } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamListPage } from '../pages/StreamListPage';

const PRESET = 'vtrans2-852x480x800x25';

test('state changes reach the open list without a reload', async ({ page, consoleErrors }, testInfo) => {
  const tag = `live-${Date.now()}`;
  const api = await Api.as();
  const single = await api.createStream({ tags: [tag] });
  const other = await api.createStream({ tags: [tag] });
  const group = await api.createStream({ tags: [tag], transcodes: [{ preset: PRESET }] });
  const transcode = group.members[1];

  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  await list.expectRows([single.name, other.name, group.name]);
  // Events sent before the connection is open would be missed by any client.
  await expect(list.liveStatus).toHaveAttribute('data-state', 'open');
  await expect(list.liveStatus).toHaveText('Live updates on');
  await list.expandButton(list.row(group.name)).click();
  await expect(list.memberRows).toHaveCount(2);

  // From here on nothing may reload the page, navigate, or fetch the list again.
  await page.evaluate(() => {
    (window as unknown as { listMarker: string }).listMarker = 'still here';
  });
  const startUrl = page.url();
  let listRequests = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/v1/streams') {
      listRequests += 1;
    }
  });
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) {
      navigations += 1;
    }
  });

  expect(await ingest('publish', single.name)).toBeLessThan(300);
  await expect(list.badge(list.row(single.name))).toHaveText('Live');
  await expect(list.badge(list.row(single.name))).toHaveAttribute('data-state', 'live');
  await expect(list.badge(list.row(other.name))).toHaveText('Created');
  await shot(page, testInfo, '01-live');

  expect(await ingest('publish_done', single.name)).toBeLessThan(300);
  await expect(list.badge(list.row(single.name))).toHaveText('Ended');

  // Locking a group changes the group row and every member row.
  await api.post(`/streams/${group.id}/lock`, {}, 200);
  await expect(list.badge(list.row(group.name))).toHaveText('Locked');
  await expect(list.badge(list.memberRow(group.name))).toHaveText('Locked');
  await expect(list.badge(list.memberRow(transcode.name))).toHaveText('Locked');
  await expect(list.badge(list.row(other.name))).toHaveText('Created');
  await shot(page, testInfo, '02-locked');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-list-live');

  expect(await page.evaluate(() => (window as unknown as { listMarker?: string }).listMarker)).toBe('still here');
  expect(page.url()).toBe(startUrl);
  expect(navigations).toBe(0);
  expect(listRequests).toBe(0);

  // A new stream with the tag joins the open list (a quiet reload of the page, no navigation).
  const newcomer = await api.createStream({ tags: [tag] });
  await list.expectRows([single.name, other.name, group.name, newcomer.name]);
  await expect(list.memberRows).toHaveCount(2);
  expect(await page.evaluate(() => (window as unknown as { listMarker?: string }).listMarker)).toBe('still here');
  expect(navigations).toBe(0);
  await api.dispose();

  expect(consoleErrors).toEqual([]);
});
