/**
 * The stream overview's Secure playback card (O7): a secure stream shows its group's
 * newest playback token decoded (scope, expiry in UTC with the relative time, issue,
 * restrictions, key) with its status. An admin with no token yet sees the empty state,
 * issues one in place and sees it decoded at once, with its text to copy; the claims are
 * the API's. Revoked through the API, the card says so after a reload; a token past its
 * expiry reads as expired. A read-only user sees the decoded token but cannot issue; a
 * failed load offers Retry; a stream of an organisation without Secure Playback has no
 * such card.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, signInThroughApi } from '../support/api';
import { e2e } from '../support/env';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { failFirstLoad } from '../support/faults';
import { SecurePlaybackCard, StreamOverviewPage } from '../pages/StreamOverviewPage';

/** A token as `GET /tokens` lists it. */
interface TokenInfo {
  id: string;
  kid: string;
  issued_at: string;
  not_before: string;
  expires_at: string;
  revocable: boolean;
  revoked_at: string | null;
  issued_by: string;
  claims: Record<string, unknown>;
  group_name: string | null;
}

/** How the dashboard writes a wire time: `2026-12-01 12:00:00 UTC`. */
function utc(wire: string): string {
  return `${wire.slice(0, 19).replace('T', ' ')} UTC`;
}

/** The claims of a compact JWT, decoded without checking anything. */
function payload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The stream group's tokens as the API lists them, newest first. */
async function groupTokens(api: Api, group: string): Promise<TokenInfo[]> {
  const list = await api.get<{ items: TokenInfo[] }>(`/tokens?group=${group}`);
  return list.items;
}

test('an admin issues the stream\'s first token in place, sees it decoded, and it reads as revoked once revoked', async ({
  page,
  consoleErrors,
}, testInfo) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`secure-${Date.now()}`] });
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  const secure = new SecurePlaybackCard(overview.secure);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);

  // No token yet: the empty state with the way to issue one.
  await expect(secure.empty).toContainText('No token yet for this stream');
  await expect(secure.empty).toContainText('Issue one below.');
  await expect(secure.token).toHaveCount(0);
  await expect(secure.issueForm).toContainText('valid from now for 14 days (1 day when revocable)');
  await expect(secure.snippetsLink).toHaveAttribute('href', `/streams/${stream.id}?tab=snippets`);
  await expect(secure.tokensLink).toHaveAttribute('href', '/tokens');
  await shot(page, testInfo, '01-no-token');
  await expectNoSeriousA11yViolations(page, testInfo, 'secure-playback-empty');

  // Issued in place (revocable, so that it can be revoked below): decoded at once.
  await secure.issueRevocable.check();
  await secure.issue.click();
  await expect(secure.token).toBeVisible();
  await expect(secure.empty).toHaveCount(0);
  await expect(overview.toast('Token issued. Copy it now: it is shown only once.')).toBeVisible();
  const [listed] = await groupTokens(api, stream.streamgroup_id);
  await expect(secure.token).toHaveAttribute('data-token-id', listed.id);
  await expect(secure.status).toHaveAttribute('data-status', 'active');
  await expect(secure.status).toHaveText('Active');

  // The claims in words are the API's.
  await expect(secure.scope).toHaveText(`Stream group ${stream.name}`);
  await expect(secure.expires).toHaveText(utc(listed.expires_at));
  await expect(secure.expires).toHaveAttribute('datetime', listed.expires_at);
  await expect(secure.expiresAgo).toHaveText(/^in (24 hours|1 day)$/);
  await expect(secure.notBefore).toHaveText(utc(listed.not_before));
  await expect(secure.issuedAt).toHaveText(utc(listed.issued_at));
  await expect(secure.issuedBy).toHaveText(e2e.adminEmail);
  await expect(secure.restrictions).toHaveText('None: any address, any site');
  await expect(secure.revocable).toHaveText('Yes: an admin can revoke it');
  await expect(secure.labels).toHaveCount(0);
  await expect(secure.kid).toHaveText(listed.kid);
  await expect(secure.id).toHaveText(listed.id);
  expect(listed.revocable).toBe(true);
  expect(Date.parse(listed.expires_at) - Date.parse(listed.not_before)).toBe(24 * 3600 * 1000);

  // The token text, this once, says exactly the listed claims; every claim decoded.
  await expect(secure.once).toContainText('it is shown only this once');
  const token = (await secure.value.textContent()) ?? '';
  expect(payload(token)).toEqual(listed.claims);
  await secure.allClaimsToggle.click();
  await expect(secure.claim('jti')).toHaveText(listed.id);
  await expect(secure.claim('grp')).toHaveText(stream.streamgroup_id);
  await expect(secure.claim('rev')).toHaveText('true');
  await expect(secure.claim('header-alg')).toHaveText('ES256');
  await expect(secure.claim('header-kid')).toHaveText(listed.kid);
  await secure.copy.click();
  await expect(secure.copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await shot(page, testInfo, '02-issued');
  await expectNoSeriousA11yViolations(page, testInfo, 'secure-playback-issued');

  // Revoked through the API: after a reload the card says so, and the text is gone.
  await api.post(`/tokens/${listed.id}/revoke`, {}, 204);
  const [revoked] = await groupTokens(api, stream.streamgroup_id);
  await api.dispose();
  expect(revoked.revoked_at).not.toBeNull();
  await page.reload();
  await overview.expectShown(stream.name);
  await expect(secure.status).toHaveAttribute('data-status', 'revoked');
  await expect(secure.status).toHaveText(`Revoked at ${utc(revoked.revoked_at ?? '')}`);
  await expect(secure.id).toHaveText(listed.id);
  await expect(secure.value).toHaveCount(0);
  // Issuing stays at hand, for a new token.
  await expect(secure.issue).toHaveText('Issue token');
  await shot(page, testInfo, '03-revoked');
  expect(consoleErrors).toEqual([]);
});

test('a token past its expiry reads as expired', async ({ page, consoleErrors }, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`secure-expired-${Date.now()}`] });
  // The API refuses an expiry in the past, so the token expires a few seconds after it
  // was issued, and the page is opened once it has.
  const issued = await api.post<{ id: string; expires_at: string }>('/tokens', {
    scope: { group: stream.streamgroup_id },
    expires_at: new Date(Date.now() + 2_500).toISOString(),
  });
  await api.dispose();
  const wait = Date.parse(issued.expires_at) + 500 - Date.now();
  await page.waitForTimeout(Math.max(wait, 0));

  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  const secure = new SecurePlaybackCard(overview.secure);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(secure.token).toHaveAttribute('data-token-id', issued.id);
  await expect(secure.status).toHaveAttribute('data-status', 'expired');
  await expect(secure.status).toHaveText('Expired');
  await expect(secure.expires).toHaveText(utc(issued.expires_at));
  await expect(secure.expiresAgo).toHaveText('just now');
  await expect(secure.revocable).toHaveText('No: it stays valid until it expires');
  await shot(page, testInfo, 'expired');
  expect(consoleErrors).toEqual([]);
});

test('a read-only user sees the decoded token with its restrictions, and no way to issue one', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`secure-ro-${Date.now()}`] });
  // An older token of the group, then the newest, bound to an address and a domain.
  await api.post('/tokens', { scope: { group: stream.streamgroup_id } });
  const newest = await api.post<{ id: string }>('/tokens', {
    scope: { group: stream.streamgroup_id },
    ip: '203.0.113.7',
    domain: 'player.example.com',
    user_id: 'viewer-7',
    tag: 'ro-e2e',
  });
  const [listed] = await groupTokens(api, stream.streamgroup_id);
  await api.dispose();
  expect(listed.id).toBe(newest.id);

  await signInAs(page, 'read_only');
  const overview = new StreamOverviewPage(page);
  const secure = new SecurePlaybackCard(overview.secure);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(secure.token).toHaveAttribute('data-token-id', newest.id);
  await expect(secure.status).toHaveText('Active');
  await expect(secure.scope).toHaveText(`Stream group ${stream.name}`);
  await expect(secure.expires).toHaveText(utc(listed.expires_at));
  await expect(secure.expiresAgo).toHaveText('in 14 days');
  await expect(secure.restrictions).toHaveText(
    'Only from address 203.0.113.7, only on pages of player.example.com',
  );
  await expect(secure.labels).toHaveText('user viewer-7 · tag ro-e2e');
  await expect(secure.issuedBy).toHaveText(e2e.adminEmail);
  await expect(secure.kid).toHaveText(listed.kid);
  await secure.allClaimsToggle.click();
  await expect(secure.claim('ip')).toHaveText('203.0.113.7');
  await expect(secure.claim('dom')).toHaveText('player.example.com');
  // Neither the issue form nor a token text: issuing needs the user or admin role.
  await expect(secure.issueForm).toHaveCount(0);
  await expect(secure.issue).toHaveCount(0);
  await expect(secure.value).toHaveCount(0);
  await shot(page, testInfo, 'read-only');
  await expectNoSeriousA11yViolations(page, testInfo, 'secure-playback-read-only');
  expect(consoleErrors).toEqual([]);
});

test('the card shows that it is loading, and a failed load offers Retry', async ({ page, consoleErrors }, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`secure-retry-${Date.now()}`] });
  await api.dispose();
  await signInAs(page, 'admin');
  // The first load waits for the test's go and then fails like a server fault; the next
  // one reaches the server.
  const held = await failFirstLoad(page, `**/api/v1/tokens?group=${stream.streamgroup_id}*`);
  const overview = new StreamOverviewPage(page);
  const secure = new SecurePlaybackCard(overview.secure);
  await overview.goto(stream.id);
  await expect(secure.loading).toBeVisible();
  held.fail();
  await expect(secure.error).toContainText("The stream's token could not be loaded");
  await expect(secure.error.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await shot(page, testInfo, 'load-failed');
  await secure.retry.click();
  await expect(secure.empty).toContainText('No token yet for this stream');
  await expect(secure.error).toHaveCount(0);
  expect(held.calls()).toBe(2);
  expect(consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/tokens\?group=/.test(e))).toEqual([]);
});

test('a stream of an organisation without Secure Playback has no token card and asks for no token', async ({
  page,
  consoleErrors,
}) => {
  const api = await Api.as(e2e.basicAdminEmail);
  const stream = await api.createStream({ tags: [`insecure-${Date.now()}`] });
  await api.dispose();
  await signInThroughApi(page.request, e2e.basicAdminEmail, e2e.adminPassword);
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/tokens')) asked.push(r.url());
  });
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await overview.expectShown(stream.name);
  await expect(overview.playout).toBeVisible();
  await expect(overview.secure).toHaveCount(0);
  expect(asked).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
