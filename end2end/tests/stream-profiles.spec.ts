/**
 * O6 transcoding profiles on the stream overview: add a profile from a preset (the ladder
 * rule holds), see a wrong-order custom profile explained and never sent, remove a
 * profile after a confirmation naming it.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs } from '../support/api';
import { shot } from '../support/a11y';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

test('add a lower preset, see the ladder rule refuse a higher custom one, remove the added profile', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({
    tags: [`profiles-${Date.now()}`],
    transcodes: [{ preset: 'vtrans2-852x480x800x25' }],
  });
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(overview.members).toHaveCount(2);
  await expect(overview.groupBadge).toHaveText('Streamgroup (2 Playouts)');
  await expect(overview.member(1).getByTestId('member-bitrate')).toHaveText('800 kbit/s');
  await shot(page, testInfo, '01-two-members');

  // In a group, tags belong to each member: the transcode gets its own.
  const transcodeTag = `transcode-${Date.now()}`;
  const transcode = overview.memberEditors(1);
  await expect(overview.details.getByTestId('tags-edit')).toHaveCount(0);
  await transcode.tagsEdit.click();
  await transcode.addTag(transcodeTag);
  await transcode.tagsSave.click();
  await expect(overview.toast('Tags saved')).toBeVisible();
  await expect(transcode.tagChips).toHaveText([transcodeTag]);
  expect((await api.stream(stream.members[1].id)).tags).toEqual([transcodeTag]);
  expect((await api.stream(stream.id)).tags).toEqual(stream.tags);

  // Add a preset below the existing transcode.
  await overview.addProfile.click();
  await expect(overview.profileForm).toBeVisible();
  await expect(overview.profilePreset).toBeFocused();
  await expect(page.getByTestId('profile-ladder-hint')).toHaveText(
    'Transcodes go from the highest bitrate to the lowest: this one must stay below 800 kbit/s.',
  );
  await overview.profilePreset.selectOption('vtrans2-640x360x400x25');
  await expect(overview.profileLadderError).toHaveCount(0);
  await shot(page, testInfo, '02-add-preset');
  const post = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/streams/${stream.id}/profiles`) && r.request().method() === 'POST',
  );
  await overview.profileSubmit.click();
  expect((await post).status()).toBe(201);
  await expect(overview.toast('Profile added:')).toBeVisible();
  await expect(overview.members).toHaveCount(3);
  await expect(overview.profileForm).toHaveCount(0);
  await expect(overview.groupBadge).toHaveText('Streamgroup (3 Playouts)');
  const third = overview.member(2);
  await expect(third.getByTestId('member-resolution')).toHaveText('640×360');
  await expect(third.getByTestId('member-bitrate')).toHaveText('400 kbit/s');
  await expect(third.getByTestId('member-framerate')).toHaveText('25 fps');
  const grown = await api.stream(stream.id);
  expect(grown.members.map((m) => m.profile?.id ?? null)).toEqual([
    null,
    'vtrans2-852x480x800x25',
    'vtrans2-640x360x400x25',
  ]);
  const added = grown.members[2];
  await expect(third.getByTestId('member-name')).toHaveText(added.name);
  await shot(page, testInfo, '03-three-members');

  // A custom profile above the last transcode's bitrate breaks the ladder: explained, not sent.
  let posts = 0;
  page.on('request', (r) => {
    if (r.url().endsWith(`/api/v1/streams/${stream.id}/profiles`) && r.method() === 'POST') posts += 1;
  });
  await overview.addProfile.click();
  await overview.profileModeCustom.check();
  await overview.profileWidth.fill('1280');
  await overview.profileHeight.fill('720');
  await overview.profileBitrate.fill('1000');
  await overview.profileFramerate.fill('25');
  await expect(overview.profileLadderError).toHaveText(
    'Bitrate must be lower than 400 kbit/s, the bitrate of transcode 2 above it: bitrates go down from one transcode to the next.',
  );
  await expect(overview.profileSubmit).toBeDisabled();
  await overview.profileBitrate.press('Enter');
  await shot(page, testInfo, '04-ladder-error');
  expect(posts).toBe(0);
  await overview.profileBitrate.press('Escape');
  await expect(overview.profileForm).toHaveCount(0);
  await expect(overview.addProfile).toBeFocused();

  // Remove the added profile, after a question naming it.
  await third.getByTestId('profile-more').click();
  await third.getByTestId('profile-remove').click();
  await expect(overview.removeDialog).toBeVisible();
  await expect(overview.removeDialog.getByRole('heading')).toHaveText(`Remove profile ${added.name}?`);
  await shot(page, testInfo, '05-remove-dialog');
  const del = page.waitForResponse(
    (r) => r.url().endsWith(`/profiles/${added.id}`) && r.request().method() === 'DELETE',
  );
  await overview.removeConfirm.click();
  expect((await del).status()).toBe(204);
  await expect(overview.toast(`Profile ${added.name} removed`)).toBeVisible();
  await expect(overview.removeDialog).toBeHidden();
  await expect(overview.members).toHaveCount(2);
  await expect(overview.groupBadge).toHaveText('Streamgroup (2 Playouts)');
  const shrunk = await api.stream(stream.id);
  expect(shrunk.members.map((m) => m.profile?.id ?? null)).toEqual([null, 'vtrans2-852x480x800x25']);
  await shot(page, testInfo, '06-two-members-again');

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});
