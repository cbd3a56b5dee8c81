/**
 * Creating streams from the dashboard: a single stream with tags and timecode lands on
 * its instructions page; an ABR group explains the bitrate ladder while the transcodes
 * are picked and sends synced live processing to every member; the instructions copy
 * what they show; read-only users get an explanation instead of the form; an
 * organisation without the packages sees "Upgrade needed" for those sections.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, signInThroughApi } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { e2e } from '../support/env';
import { CreateStreamPage } from '../pages/CreateStreamPage';
import { InstructionsPage } from '../pages/InstructionsPage';

/** The parts of a stream object this spec reads. */
interface Created {
  id: string;
  name: string;
  streamgroup_id: string;
  tags: string[];
  push_url: string | null;
  timecode: { enabled: boolean; interval_ms: number };
  processing: { thumbnails: { enabled: boolean; interval_s: number } };
  ingest: { rtmp_url: string; streamname: string };
  playout: { live_url: string; embed_url: string };
  secure: boolean;
  members: {
    id: string;
    name: string;
    index: number;
    profile: { id: string } | null;
    processing: { thumbnails: { enabled: boolean; interval_s: number }; replay: { enabled: boolean } };
  }[];
}

test('a single stream with tags and timecode opens its instructions', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'user');
  const form = new CreateStreamPage(page);
  const instructions = new InstructionsPage(page);
  const tag = `e2e-create-${Date.now()}`;

  await form.goto();
  await expect(form.form).toBeVisible();
  await expect(form.transcodeRows).toHaveCount(0);
  await shot(page, testInfo, '01-create-empty');
  await expectNoSeriousA11yViolations(page, testInfo, 'create-stream');

  await form.addTag(tag);
  await form.addTag('event:final');
  await expect(form.tagTexts).toHaveText([tag, 'event:final']);

  // Timecode: the interval is checked with shared's bounds while typing.
  await form.timecode.check();
  await expect(form.timecodeInterval).toHaveValue('2000');
  await form.timecodeInterval.fill('100');
  await expect(form.timecodeIntervalError).toHaveText(
    'Timecode interval must be between 500 and 3600000 milliseconds',
  );
  await expect(form.timecodeInterval).toHaveAttribute('aria-invalid', 'true');
  await form.timecodeInterval.fill('1000');
  await expect(form.timecodeIntervalError).toBeHidden();

  // A push URL that is not rtmp/rtmps/srt is refused as typed, then fixed.
  await form.pushUrl.fill('https://push.example.com/app');
  await expect(form.pushUrlError).toHaveText('Push URL must be an rtmp://, rtmps:// or srt:// URL with a host');
  await form.pushUrl.fill('rtmp://push.example.com/app/key');
  await expect(form.pushUrlError).toHaveCount(0);
  await shot(page, testInfo, '02-create-filled');

  const answer = await form.create();
  expect(answer.status(), await answer.text()).toBe(201);
  const created = (await answer.json()) as Created;

  await instructions.expectShown(created.id);
  await expect(page.getByTestId('toast').filter({ hasText: `Stream ${created.name} created` })).toBeVisible();
  await expect(instructions.streamname).toHaveText(created.name);
  await expect(instructions.ingestStreamname).toHaveText(created.name);
  await expect(instructions.ingestUrl).toHaveText(created.ingest.rtmp_url);
  // The address and key once, OBS pointed at them (not shown a second time).
  await expect(instructions.obsServer).toHaveCount(0);
  await expect(page.getByTestId('instructions-obs')).toContainText('Server and Stream Key above');
  await expect(instructions.ffmpeg).toHaveText(
    'ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -profile:v main -pix_fmt yuv420p ' +
      '-force_key_frames "expr:gte(t,n_forced*1)" -b:v 2500k -maxrate 2500k -bufsize 5000k ' +
      `-c:a aac -b:a 128k -ar 44100 -f flv ${created.ingest.rtmp_url}/${created.name}`,
  );
  // OBS: the keyframe interval the server's 1-second fragments need.
  await expect(
    page.getByTestId('instructions-obs-settings').locator('.details-row').filter({ hasText: 'Keyframe interval' }).locator('dd'),
  ).toHaveText('1 s');
  await expect(instructions.qualities).toHaveCount(0);

  // What the server stored.
  const api = await Api.as();
  const stored = await api.get<Created>(`/streams/${created.id}`);
  await api.dispose();
  expect(stored.tags).toEqual([tag, 'event:final']);
  expect(stored.timecode).toEqual({ enabled: true, interval_ms: 1000 });
  expect(stored.push_url).toBe('rtmp://push.example.com/app/key');
  expect(stored.members.map((m) => m.index)).toEqual([0]);

  expect(consoleErrors).toEqual([]);
});

test('an ABR group: the ladder is explained as you pick, synced processing reaches every member', async ({
  page,
  context,
  consoleErrors,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const form = new CreateStreamPage(page);
  const instructions = new InstructionsPage(page);
  const tag = `e2e-abr-${Date.now()}`;

  await form.goto();
  await form.addTag(tag);
  await expect(form.ladderRule).toContainText("each transcode's bitrate must be lower than the one above it");
  await expect(form.transcodeLimit).toHaveText(
    'Your organisation allows up to 3 transcodes per stream group (0 added).',
  );

  await test.step('a wrong order shows the ladder error on the offending row, fixing it clears it', async () => {
    await form.addTranscode.click();
    await form.addTranscode.click();
    await expect(form.transcodeRows).toHaveCount(2);
    await form.preset(0).selectOption('vtrans2-852x480x800x25');
    await form.preset(1).selectOption('vtrans2-1280x720x1600x25');
    await expect(form.transcodeError(1)).toHaveText(
      'Bitrate must be lower than the bitrate of the quality above it (800 kbit/s)',
    );
    await expect(form.transcodeError(1)).toBeVisible();
    await expect(form.preset(1)).toHaveAttribute('aria-invalid', 'true');
    await expect(form.transcodeError(0)).toBeHidden();
    await shot(page, testInfo, '01-ladder-error');

    await form.preset(1).selectOption('vtrans2-640x360x400x25');
    await expect(form.transcodeError(1)).toBeHidden();
    await expect(form.preset(1)).toHaveAttribute('aria-invalid', 'false');
  });

  await test.step('the organisation limit disables Add transcode and says why', async () => {
    await form.addTranscode.click();
    await expect(form.transcodeRows).toHaveCount(3);
    await expect(form.addTranscode).toBeDisabled();
    await expect(form.transcodeLimit).toHaveText(
      'Limit reached: your organisation allows 3 transcodes per stream group.',
    );
    await form.removeTranscode(2).click();
    await expect(form.transcodeRows).toHaveCount(2);
    await expect(form.addTranscode).toBeEnabled();
    await expect(form.preset(0)).toHaveValue('vtrans2-852x480x800x25');
    await expect(form.preset(1)).toHaveValue('vtrans2-640x360x400x25');
  });

  await test.step('synced processing: thumbnails for every quality', async () => {
    await expect(form.processingSynced).toBeChecked();
    await form.topProcess('thumbnails').check();
    const interval = form.topSetting('thumbnails-interval');
    await expect(interval).toHaveValue('30');
    await interval.fill('5');
    await expect(form.topSetting('thumbnails-interval-error')).toHaveText(
      'Interval must be between 10 and 3600 seconds',
    );
    // Submitting now sends nothing and says why.
    let posts = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/streams') && r.method() === 'POST') posts += 1;
    });
    await form.submit.click();
    await expect(form.invalidAlert).toBeVisible();
    expect(posts).toBe(0);
    await interval.fill('20');
    await expect(form.topSetting('thumbnails-interval-error')).toBeHidden();
    await expect(form.invalidAlert).toHaveCount(0);
    await shot(page, testInfo, '02-abr-filled');
  });

  const answer = await form.create();
  expect(answer.status(), await answer.text()).toBe(201);
  const created = (await answer.json()) as Created;
  await instructions.expectShown(created.id);
  await expect(instructions.streamname).toHaveText(created.name);
  await expect(instructions.qualities).toHaveCount(3);
  await expect(instructions.qualities.nth(0)).toContainText('Passthrough');
  await expect(instructions.qualities.nth(1)).toContainText('1. Transcode: 852×480 · 800 kbit/s · 25 fps');
  await expect(instructions.qualities.nth(2)).toContainText('2. Transcode: 640×360 · 400 kbit/s · 25 fps');

  // The server made three members, each with thumbnails every 20 s and nothing else.
  const api = await Api.as();
  const stored = await api.get<Created>(`/streams/${created.id}`);
  await api.dispose();
  expect(stored.tags).toEqual([tag]);
  expect(stored.members.map((m) => m.profile?.id ?? null)).toEqual([
    null,
    'vtrans2-852x480x800x25',
    'vtrans2-640x360x400x25',
  ]);
  for (const m of stored.members) {
    expect(m.processing.thumbnails, m.name).toEqual({ enabled: true, interval_s: 20 });
    expect(m.processing.replay.enabled, m.name).toBe(false);
  }

  await test.step('the instructions page copies, links and explains the token', async () => {
    await instructions.ingestStreamnameCopy.click();
    await expect(instructions.ingestStreamnameCopy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.name);

    await expect(instructions.liveUrl).toHaveText(created.playout.live_url);
    await expect(instructions.embedUrl).toHaveText(created.playout.embed_url);
    await expect(instructions.watch).toHaveAttribute('href', created.playout.live_url);
    await expect(instructions.watch).toHaveAttribute('target', '_blank');
    await expect(instructions.webcaster).toBeDisabled();
    await expect(instructions.webcaster).toHaveAttribute('title', 'coming with the webcaster');
    // The main organisation has secure playback: a token is needed.
    expect(created.secure).toBe(true);
    await expect(instructions.secureNote).toBeVisible();
    await expect(instructions.secureSnippetsLink).toHaveAttribute('href', `/streams/${created.id}?tab=snippets`);
    await expect(instructions.snippetsLink).toHaveAttribute('href', `/streams/${created.id}?tab=snippets`);
    await expect(instructions.overview).toHaveAttribute('href', `/streams/${created.id}`);
    await expect(instructions.overviewLink).toHaveAttribute('href', `/streams/${created.id}`);
    await shot(page, testInfo, '03-instructions');
    await expectNoSeriousA11yViolations(page, testInfo, 'instructions');
  });

  expect(consoleErrors).toEqual([]);
});

test('per-quality processing gives each transcode its own settings', async ({ page, consoleErrors }) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const form = new CreateStreamPage(page);
  await form.goto();
  await form.addTranscode.click();
  await expect(form.preset(0)).toHaveValue('vtrans2-1280x720x2000x30');
  await expect(form.topProcessing.locator('legend')).toHaveText('Every quality (2 playouts)');
  // Thumbnails while synced; switching to per quality starts each quality from them.
  await form.topProcess('thumbnails').check();
  await form.processingPerQuality.check();
  await expect(form.topProcessing.locator('legend')).toHaveText('Passthrough (the quality you send)');
  const transcodeEditors = page.getByTestId('processing-transcode');
  await expect(transcodeEditors).toHaveCount(1);
  await expect(transcodeEditors.locator('legend')).toHaveText('1. Transcode · 1280×720 · 2000 kbit/s · 30 fps');
  await expect(page.getByTestId('processing-transcode-thumbnails')).toBeChecked();
  // Replay on the passthrough only.
  await form.topProcess('replay').check();
  await expect(page.getByTestId('processing-transcode-replay')).not.toBeChecked();

  const answer = await form.create();
  expect(answer.status(), await answer.text()).toBe(201);
  const created = (await answer.json()) as Created;
  const api = await Api.as();
  const stored = await api.get<Created>(`/streams/${created.id}`);
  await api.dispose();
  expect(stored.members.map((m) => m.processing.replay.enabled)).toEqual([true, false]);
  expect(stored.members.map((m) => m.processing.thumbnails.enabled)).toEqual([true, true]);

  expect(consoleErrors).toEqual([]);
});

test("the button waits for the answer, and the server's field reasons show next to their fields", async ({
  page,
  consoleErrors,
}, testInfo) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const form = new CreateStreamPage(page);
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(
    (url) => url.pathname === '/api/v1/streams',
    async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await released;
      await route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'validation_failed',
            message: 'Some fields are invalid.',
            fields: { push_url: 'is not allowed here', tags: 'must hold at most 32 tags' },
          },
        }),
      });
    },
  );
  await form.goto();
  await form.addTag('server-check');
  await form.pushUrl.fill('rtmp://push.example.com/app/key');
  await form.submit.click();
  await expect(form.submit).toBeDisabled();
  await expect(form.submit).toHaveText('Creating…');
  release();

  await expect(form.serverError).toHaveText('Some fields are invalid.');
  await expect(form.pushUrlError).toHaveText('Push URL is not allowed here');
  await expect(page.getByTestId('create-tags-server-error')).toHaveText('Tags must hold at most 32 tags');
  await expect(form.submit).toBeEnabled();
  await shot(page, testInfo, 'create-server-refused');
  // A change makes the server's verdict stale: it goes away until the next attempt.
  await form.pushUrl.fill('rtmp://push.example.com/app/other');
  await expect(form.pushUrlError).toHaveCount(0);
  await expect(page.getByTestId('create-tags-server-error')).toBeHidden();
  await expect(form.serverError).toHaveCount(0);

  const unexpected = consoleErrors.filter((e) => !/status of 422 .*\/api\/v1\/streams\)$/.test(e));
  expect(unexpected).toEqual([]);
});

test('a read-only user gets an explanation instead of the form', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'read_only');
  const form = new CreateStreamPage(page);
  await form.goto();
  await expect(form.readOnly).toBeVisible();
  await expect(form.readOnly).toContainText('Your role (Read only) can look at streams but not create or change them.');
  await expect(form.form).toHaveCount(0);
  await expect(form.submit).toHaveCount(0);
  await shot(page, testInfo, 'create-read-only');
  expect(consoleErrors).toEqual([]);
});

test('an organisation without the packages sees Upgrade needed for them', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.basicAdminEmail, e2e.adminPassword);
  const form = new CreateStreamPage(page);
  await form.goto();
  await expect(form.form).toBeVisible();
  await expect(form.upgradeNeeded).toHaveCount(2);
  await expect(form.upgradeNeeded.nth(0)).toHaveAttribute('data-feature', 'transcoding');
  await expect(form.upgradeNeeded.nth(1)).toHaveAttribute('data-feature', 'live_processing');
  await expect(form.addTranscode).toHaveCount(0);
  await expect(form.topProcessing).toHaveCount(0);
  await shot(page, testInfo, 'create-basic-org');
  expect(consoleErrors).toEqual([]);
});

test('instructions of an unknown stream say so and lead to the list', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const instructions = new InstructionsPage(page);
  await instructions.goto('00000000-0000-4000-8000-000000000000');
  await expect(instructions.notFound).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No stream with this id' })).toBeVisible();
  await expect(instructions.toList).toHaveAttribute('href', '/streams');
  await shot(page, testInfo, 'instructions-not-found');

  // The 404 of the lookup is the page working as designed.
  const unexpected = consoleErrors.filter((e) => !/status of 404 .*\/api\/v1\/streams\/0{8}-/.test(e));
  expect(unexpected).toEqual([]);
});
