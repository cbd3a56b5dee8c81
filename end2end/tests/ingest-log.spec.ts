/**
 * The stream overview's Ingest log ("why can't I go live?"): empty at first with where to
 * point the encoder; a real encoder (ffmpeg through the server's nginx-rtmp) refused by a
 * locked stream shows up, after Refresh, as refused with the reason in plain words and
 * its encoder; an accepted publish appears by itself when the stream goes live; a
 * read-only user reads the same.
 */
import { test, expect } from '../support/fixtures';
import { Api, ingest, signInAs } from '../support/api';
import { Encoder } from '../support/encoder';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

const OBS = 'FMLE/3.0 (compatible; FMSc/1.0)';

test('the ingest log shows refused and accepted publishes with why', async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(120_000);
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`ingest-log-${Date.now()}`] });
  await signInAs(page, 'admin');

  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(overview.ingestLogEmpty).toContainText('No publish attempts yet.');
  await expect(overview.ingestLogEmpty).toContainText(stream.name);
  await shot(page, testInfo, '01-empty');

  // Locked: a real encoder is refused by the publish hook and ffmpeg gives up.
  await api.post(`/streams/${stream.id}/lock`, undefined, 200);
  await expect(overview.stateBadge).toHaveText('Locked');
  const encoder = Encoder.publish(stream.name, 30);
  await encoder.exit();
  await overview.ingestLogRefresh.click();
  await expect(overview.ingestAttempts).toHaveCount(1);
  const refused = overview.ingestAttempts.first();
  await expect(refused).toHaveAttribute('data-outcome', 'refused');
  await expect(refused).toHaveAttribute('data-reason', 'locked');
  await expect(refused.getByTestId('ingest-outcome')).toHaveText('Refused');
  await expect(refused.getByTestId('ingest-reason')).toHaveText('Stream locked');
  await expect(refused.getByTestId('ingest-reason')).toHaveAttribute(
    'title',
    'The stream is locked; it does not accept ingest.',
  );
  await expect(refused.getByTestId('ingest-encoder')).toContainText('Lavf');
  await expect(refused.getByTestId('ingest-client')).toHaveText('127.0.0.1');
  await shot(page, testInfo, '02-refused');

  // Unlocked, an encoder goes live: the log follows the state change by itself, newest
  // first.
  await api.post(`/streams/${stream.id}/unlock`, undefined, 200);
  expect(await ingest('publish', stream.name, { addr: '203.0.113.9', flashver: OBS })).toBe(204);
  await expect(overview.stateBadge).toHaveText('Live');
  await expect(overview.ingestAttempts).toHaveCount(2);
  const accepted = overview.ingestAttempts.first();
  await expect(accepted).toHaveAttribute('data-outcome', 'accepted');
  await expect(accepted.getByTestId('ingest-outcome')).toHaveText('Accepted');
  await expect(accepted.getByTestId('ingest-reason')).toHaveText('Accepted: the stream went live');
  await expect(accepted.getByTestId('ingest-client')).toHaveText('203.0.113.9');
  await expect(accepted.getByTestId('ingest-encoder')).toHaveText(OBS);

  // A second encoder while it is live: refused, seen on Refresh.
  expect(await ingest('publish', stream.name, { flashver: OBS })).toBe(403);
  await overview.ingestLogRefresh.click();
  await expect(overview.ingestAttempts).toHaveCount(3);
  await expect(overview.ingestAttempts.first().getByTestId('ingest-reason')).toHaveText(
    'Already live (another encoder sends)',
  );
  await expect(overview.ingestLog.getByTestId('ingest-log-count')).toContainText('The newest 3 of 3.');
  await shot(page, testInfo, '03-accepted-and-refused');
  await expectNoSeriousA11yViolations(page, testInfo, 'ingest-log');
  expect(await ingest('publish_done', stream.name)).toBe(204);

  // A read-only user reads the same log (the page left first: its preview would poll
  // the player's status without the session).
  await page.goto('about:blank');
  await page.context().clearCookies();
  await signInAs(page, 'read_only');
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(overview.ingestAttempts).toHaveCount(3);
  await expect(overview.ingestAttempts.last().getByTestId('ingest-reason')).toHaveText('Stream locked');

  await api.dispose();
  expect(consoleErrors).toEqual([]);
});
