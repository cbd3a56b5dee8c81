/**
 * O4 inline editing on the stream overview: an admin edits a single stream's tags (Enter
 * adds, a chip's button removes, Save replaces them; Escape cancels) and its push URL
 * (checked as typed; a refused URL is never sent); a read-only user sees no Edit button.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs } from '../support/api';
import { shot } from '../support/a11y';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

interface StreamWithPush {
  tags: string[];
  push_url: string | null;
  timecode: { enabled: boolean; interval_ms: number };
}

test('an admin edits tags and the push URL inline; Escape cancels; a bad URL is refused', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const uid = Date.now();
  const keep = `keep-${uid}`;
  const drop = `drop-${uid}`;
  const added = `added-${uid}`;
  const api = await Api.as();
  const stream = await api.createStream({ tags: [keep, drop] });
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  const details = overview.detailEditors;
  await expect(details.tagChips).toHaveText([keep, drop]);
  await shot(page, testInfo, '01-tags-shown');

  // Open the editor: the focus goes to the tag field.
  await details.tagsEdit.click();
  await expect(details.tagsInput).toBeFocused();
  await details.addTag(added);
  await details.removeTag(drop);
  await expect(details.tagsEditorChips).toHaveText([keep, added]);
  await shot(page, testInfo, '02-tags-editing');

  const put = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/streams/${stream.id}/tags`) && r.request().method() === 'PUT',
  );
  await details.tagsSave.click();
  expect((await put).status()).toBe(200);
  await expect(overview.toast('Tags saved')).toBeVisible();
  await expect(details.tagsInput).toHaveCount(0);
  await expect(details.tagChips).toHaveText([keep, added]);
  await expect(details.tagsEdit).toBeFocused();
  expect((await api.stream(stream.id)).tags).toEqual([keep, added]);
  await shot(page, testInfo, '03-tags-saved');

  // Escape throws the draft away.
  await details.tagsEdit.click();
  await details.addTag(`never-${uid}`);
  await details.tagsInput.press('Escape');
  await expect(details.tagsInput).toHaveCount(0);
  await expect(details.tagChips).toHaveText([keep, added]);

  // Push URL: a wrong scheme is explained as typed, and Save cannot send it.
  let patches = 0;
  page.on('request', (r) => {
    if (r.url().endsWith(`/api/v1/streams/${stream.id}`) && r.method() === 'PATCH') patches += 1;
  });
  await expect(details.pushUrlValue).toHaveText('None');
  await details.pushUrlEdit.click();
  await expect(details.pushUrlInput).toBeFocused();
  await details.pushUrlInput.fill('http://push.example.com/live');
  await expect(details.pushUrlError).toHaveText(
    'Push URL must be an rtmp://, rtmps:// or srt:// URL with a host',
  );
  await expect(details.pushUrlInput).toHaveAttribute('aria-invalid', 'true');
  await expect(details.pushUrlSave).toBeDisabled();
  await details.pushUrlInput.press('Enter');
  await shot(page, testInfo, '04-push-url-refused');
  expect(patches).toBe(0);

  // A good one is saved.
  const url = `rtmp://push.example.com/live/${uid}`;
  await details.pushUrlInput.fill(url);
  await expect(details.pushUrlError).toHaveCount(0);
  const patch = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/streams/${stream.id}`) && r.request().method() === 'PATCH',
  );
  await details.pushUrlSave.click();
  expect((await patch).status()).toBe(200);
  await expect(overview.toast('Push URL saved')).toBeVisible();
  await expect(details.pushUrlValue).toHaveText(url);
  expect((await api.get<StreamWithPush>(`/streams/${stream.id}`)).push_url).toBe(url);

  // Emptying the field removes it.
  await details.pushUrlEdit.click();
  await details.pushUrlInput.fill('');
  await details.pushUrlSave.click();
  await expect(overview.toast('Push URL removed')).toBeVisible();
  await expect(details.pushUrlValue).toHaveText('None');
  expect((await api.get<StreamWithPush>(`/streams/${stream.id}`)).push_url).toBeNull();
  expect(patches).toBe(2);
  await shot(page, testInfo, '05-push-url-removed');

  // Timecode: on/off and the interval, checked as typed.
  await expect(page.getByTestId('timecode-value')).toHaveText('Off');
  await page.getByTestId('timecode-edit').click();
  await expect(page.getByTestId('timecode-enabled')).toBeFocused();
  await page.getByTestId('timecode-enabled').check();
  await page.getByTestId('timecode-interval').fill('100');
  await expect(page.getByTestId('timecode-interval-error')).toHaveText(
    'Interval (milliseconds) must be between 500 and 3600000 milliseconds',
  );
  await expect(page.getByTestId('timecode-save')).toBeDisabled();
  await page.getByTestId('timecode-interval').fill('1500');
  await page.getByTestId('timecode-save').click();
  await expect(overview.toast('Timecode saved')).toBeVisible();
  await expect(page.getByTestId('timecode-value')).toHaveText('On');
  await expect(page.getByTestId('timecode-interval-value')).toHaveText('1500 ms (1.5 s)');
  expect((await api.get<StreamWithPush>(`/streams/${stream.id}`)).timecode).toEqual({
    enabled: true,
    interval_ms: 1500,
  });

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});

test('a read-only user sees tags and push URLs but no Edit button', async ({ page, consoleErrors }, testInfo) => {
  const uid = Date.now();
  const api = await Api.as();
  const single = await api.createStream({ tags: [`ro-${uid}`] });
  const group = await api.createStream({
    tags: [`ro-group-${uid}`],
    transcodes: [{ preset: 'vtrans2-852x480x800x25' }],
  });
  await api.dispose();
  await signInAs(page, 'read_only');

  const overview = new StreamOverviewPage(page);
  await overview.goto(single.id);
  await overview.expectShown(single.name);
  await expect(overview.detailEditors.tagChips).toHaveText([`ro-${uid}`]);
  await expect(overview.detailEditors.pushUrlValue).toHaveText('None');
  await expect(page.getByTestId('timecode-value')).toHaveText('Off');
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(overview.addProfile).toHaveCount(0);
  await shot(page, testInfo, '01-read-only-single');

  // In a group the tags are per member, still without Edit buttons or profile controls.
  await overview.goto(group.id);
  await overview.expectShown(group.name);
  await expect(overview.members).toHaveCount(2);
  await expect(overview.memberEditors(0).tagChips).toHaveText([`ro-group-${uid}`]);
  await expect(overview.memberEditors(1).tagsNone).toHaveText('No tags');
  await expect(page.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await expect(page.getByTestId('profile-edit')).toHaveCount(0);
  await expect(page.getByTestId('profile-more')).toHaveCount(0);
  await expect(overview.addProfile).toHaveCount(0);
  await shot(page, testInfo, '02-read-only-group');

  expect(consoleErrors).toEqual([]);
});
