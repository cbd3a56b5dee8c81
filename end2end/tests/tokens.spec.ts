/**
 * The token console (X3): an admin issues a revocable token for a stream group bound to
 * a domain, sees it once with its decoded claims and copies it, finds it at the top of
 * the list, verifies it (right and wrong domain) and revokes it after a confirmation
 * naming it. Non-revocable tokens cannot be revoked; the form checks lifetimes before
 * sending and shows the server's field reasons; read-only users verify but neither issue
 * nor revoke; an organisation without Secure Playback is told to upgrade; a failed list
 * load offers Retry.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, signInThroughApi } from '../support/api';
import { e2e } from '../support/env';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { failFirstLoad } from '../support/faults';
import { TokensPage } from '../pages/TokensPage';

/** A `datetime-local` value (UTC, minutes) `hours` from now. */
function utcInput(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
}

test('an admin issues a revocable group token, verifies it and revokes it', async ({ page, consoleErrors }, testInfo) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
  await signInAs(page, 'admin');
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`tokens-${Date.now()}`] });
  await api.dispose();
  const group = stream.streamgroup_id;
  const domain = 'player.example.com';

  const tokens = new TokensPage(page);
  await tokens.goto();
  await tokens.expectListLoaded();

  // Picking the stream fills in its group id; the form previews the revocable lifetime.
  await tokens.fillIssue({ pickGroup: group, domain, revocable: true });
  await expect(tokens.groupId).toHaveValue(group);
  await expect(page.getByText(`The stream group of ${stream.name}.`)).toBeVisible();
  await expect(tokens.issueWindow).toContainText('(1 day).');
  await shot(page, testInfo, '01-issue-form');

  const { id, token } = await tokens.issue({ pickGroup: group, domain, revocable: true });
  await expect(tokens.issuedOnce).toContainText('it is shown only this once');
  await expect(tokens.issuedValue).toHaveText(token);
  await expect(tokens.claim(tokens.issuedClaims, 'header-alg')).toHaveText('ES256');
  await expect(tokens.claim(tokens.issuedClaims, 'header-kid')).not.toBeEmpty();
  await expect(tokens.claim(tokens.issuedClaims, 'jti')).toHaveText(id);
  await expect(tokens.claim(tokens.issuedClaims, 'grp')).toHaveText(group);
  await expect(tokens.claim(tokens.issuedClaims, 'dom')).toHaveText(domain);
  await expect(tokens.claim(tokens.issuedClaims, 'rev')).toHaveText('true');
  await expect(tokens.claim(tokens.issuedClaims, 'aud')).toHaveText('castboard-playback');
  await expect(tokens.claim(tokens.issuedClaims, 'exp')).toContainText('UTC');
  await expect(tokens.claim(tokens.issuedClaims, 'fdc')).toHaveCount(0);
  await expect(tokens.issued).toBeFocused();

  await tokens.issuedCopy.click();
  await expect(tokens.issuedCopy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  // Newest first: the new token tops the list, active and revocable.
  const row = tokens.row(id);
  await expect(tokens.rows.first()).toHaveAttribute('data-token-id', id);
  await expect(row.getByTestId('token-status')).toHaveText('Active');
  // The group by its streamname, not its id.
  await expect(row.getByTestId('token-scope')).toHaveText(`Stream group ${stream.name}`);
  await expect(row.getByTestId('token-revocable')).toHaveText('Yes');
  await expect(row.getByTestId('token-issued-by')).toHaveText(e2e.adminEmail);
  const kid = (await tokens.claim(tokens.issuedClaims, 'header-kid').textContent()) ?? '';
  await expect(row.getByTestId('token-kid')).toHaveAttribute('data-kid', kid);
  await expect(row.getByTestId('token-kid')).toHaveText(`${kid.slice(0, 8)}…`);
  await shot(page, testInfo, '02-token-issued');
  await expectNoSeriousA11yViolations(page, testInfo, 'tokens-issued');

  // Verify: the bound domain passes, another one is refused with the reason in words.
  await tokens.verify(token, { domain });
  await expect(tokens.verifyVerdict).toHaveText('Valid');
  await expect(tokens.verifyResult).toHaveAttribute('data-valid', 'true');
  await expect(tokens.verifyReason).toContainText(`It may be used on ${domain}.`);
  await expect(tokens.claim(tokens.verifyClaims, 'grp')).toHaveText(group);
  await tokens.verify(token, { domain: 'elsewhere.example.org' });
  await expect(tokens.verifyVerdict).toHaveText('Not valid');
  await expect(tokens.verifyReason).toHaveText('The token is bound to another domain.');
  await shot(page, testInfo, '03-verify-domain-mismatch');

  // Revoke, after a dialog naming the token by id and scope.
  await row.getByTestId('revoke-token').click();
  await expect(tokens.revokeDialog).toBeVisible();
  await expect(tokens.revokeDialog.getByRole('heading')).toHaveText(`Revoke token ${id}?`);
  await expect(tokens.revokeDialog).toContainText(`Token ${id} (Stream group ${stream.name}) stops working at once`);
  await shot(page, testInfo, '04-revoke-dialog');
  await tokens.revokeConfirm.click();
  await expect(tokens.revokeDialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Issued tokens' })).toBeFocused();
  await expect(tokens.toasts.filter({ hasText: `Token ${id.slice(0, 8)} revoked` })).toBeVisible();
  await expect(row.getByTestId('token-status')).toHaveAttribute('data-status', 'revoked');
  await expect(row.getByTestId('token-status')).toContainText(/^Revoked at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  await expect(row.getByTestId('revoke-token')).toHaveCount(0);

  await tokens.verify(token, { domain });
  await expect(tokens.verifyVerdict).toHaveText('Not valid');
  await expect(tokens.verifyReason).toHaveText('The token was revoked.');
  await shot(page, testInfo, '05-revoked');

  await tokens.issuedDismiss.click();
  await expect(tokens.issued).toHaveCount(0);
  await expect(tokens.heading).toBeFocused();
  expect(consoleErrors).toEqual([]);
});

test('lifetimes are checked before sending, server reasons land on their field, and fixed tokens cannot be revoked', async ({
  page,
  consoleErrors,
}, testInfo) => {
  await signInAs(page, 'admin');
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`tokens-fixed-${Date.now()}`] });
  await api.dispose();
  const tokens = new TokensPage(page);
  await tokens.goto();

  // Nothing chosen yet: the scope is refused only on submit, and no request is sent.
  let posts = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/tokens')) posts += 1;
  });
  await expect(tokens.fieldError('issue-group')).toHaveCount(0);
  await tokens.issueSubmit.click();
  await expect(tokens.fieldError('issue-group')).toHaveText(
    'Stream group id needs a value: choose a recent stream or enter a group id',
  );
  await expect(tokens.groupId).toBeFocused();

  // Times are typed in UTC as the dashboard writes them, not in the browser's local format.
  await expect(tokens.expiresAt).toHaveAttribute('type', 'text');
  await expect(tokens.expiresAt).toHaveAttribute('placeholder', '2026-12-01 12:00');
  await tokens.fillIssue({ streams: stream.name, expiresAt: '12/01/2026 12:00' });
  await expect(tokens.fieldError('issue-expires-at')).toHaveText(
    'Expires at must be a date and time in UTC, such as 2026-12-01 12:00',
  );
  // Lifetimes, checked as typed with the shared rules, keyed to "Expires at".
  await tokens.fillIssue({ streams: stream.name, expiresAt: utcInput(-2).replace('T', ' ') });
  await expect(tokens.fieldError('issue-expires-at')).toHaveText('Expires at must be in the future');
  await tokens.fillIssue({ streams: stream.name, expiresAt: utcInput(72), revocable: true });
  await expect(tokens.fieldError('issue-expires-at')).toHaveText(
    'Expires at must be at most 24 hours after not_before for a revocable token',
  );
  await tokens.fillIssue({ streams: `${stream.name}, nope` });
  await expect(tokens.fieldError('issue-streams')).toContainText('Streamnames streamname 2 must be a streamname like');
  await tokens.fillIssue({ streams: stream.name, domain: 'http://x' });
  await expect(tokens.fieldError('issue-domain')).toHaveText(
    'Domain must be a host name such as www.example.com (no scheme, port or path)',
  );
  await shot(page, testInfo, '01-form-errors');
  await tokens.issueSubmit.click();
  expect(posts).toBe(0);

  // A well-formed group id of no stream: the server's reason is shown next to the field.
  await tokens.domain.fill('');
  await tokens.fillIssue({ groupId: '7c1e0000-0000-4000-8000-00000000dead' });
  await tokens.issueSubmit.click();
  await expect(tokens.fieldError('issue-group')).toHaveText(
    'Stream group id is not a stream group of your organisation',
  );
  expect(posts).toBe(1);
  await shot(page, testInfo, '02-server-field-error');

  // A fixed (non-revocable) token for the stream by name: listed, but no Revoke.
  await tokens.fillIssue({ streams: stream.name, expiresAt: utcInput(72), tag: 'fixed-e2e' });
  await expect(tokens.fieldError('issue-expires-at')).toHaveCount(0);
  const { id } = await tokens.issue({ streams: stream.name, expiresAt: utcInput(72), tag: 'fixed-e2e' });
  await expect(tokens.claim(tokens.issuedClaims, 'streams')).toHaveText(stream.name);
  await expect(tokens.claim(tokens.issuedClaims, 'tag')).toHaveText('fixed-e2e');
  await expect(tokens.claim(tokens.issuedClaims, 'rev')).toHaveCount(0);
  const row = tokens.row(id);
  await expect(row.getByTestId('token-status')).toHaveText('Active');
  await expect(row.getByTestId('token-scope')).toHaveText(`Stream ${stream.name}`);
  await expect(row.getByTestId('token-revocable')).toHaveText('No');
  await expect(row.getByTestId('revoke-token')).toHaveCount(0);
  await shot(page, testInfo, '03-fixed-token');
  expect(consoleErrors.filter((e) => !/status of 422 .*\/api\/v1\/tokens\)$/.test(e))).toEqual([]);
});

test('a read-only user sees the tokens and verifies, but neither issues nor revokes', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`tokens-ro-${Date.now()}`] });
  const issued = await api.post<{ id: string; token: string }>('/tokens', {
    scope: { group: stream.streamgroup_id },
    revocable: true,
  });
  await api.dispose();

  await signInAs(page, 'read_only');
  const tokens = new TokensPage(page);
  await tokens.goto();
  await expect(tokens.issueNotAllowed).toContainText('Your role (Read only) can see the issued tokens and verify a token');
  await expect(tokens.issueForm).toHaveCount(0);
  await expect(tokens.row(issued.id).getByTestId('token-status')).toHaveText('Active');
  await expect(tokens.revokeButtons).toHaveCount(0);

  await tokens.verify(issued.token, { stream: stream.name });
  await expect(tokens.verifyVerdict).toHaveText('Valid');
  await expect(tokens.verifyReason).toContainText(`It covers stream ${stream.name}.`);
  await shot(page, testInfo, 'read-only');
  await expectNoSeriousA11yViolations(page, testInfo, 'tokens-read-only');
  expect(consoleErrors).toEqual([]);
});

test('an organisation without Secure Playback is told to upgrade', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.basicAdminEmail, e2e.adminPassword);
  const tokens = new TokensPage(page);
  await tokens.goto();
  await expect(tokens.upgradeNeeded).toBeVisible();
  await expect(tokens.upgradeNeeded).toHaveAttribute('data-feature', 'secure');
  await expect(tokens.upgradeNeeded).toContainText('Upgrade needed');
  await expect(tokens.upgradeNeeded).toContainText('does not have the Secure Playback package');
  await expect(tokens.issueForm).toHaveCount(0);
  await expect(tokens.verifyCard).toHaveCount(0);
  await expect(tokens.list).toHaveCount(0);
  await shot(page, testInfo, 'upgrade-needed');
  await expectNoSeriousA11yViolations(page, testInfo, 'tokens-upgrade');
  expect(consoleErrors).toEqual([]);
});

test('the list shows a skeleton while loading, and a failed load offers Retry', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  await api.post('/tokens', { scope: { organisation: true } });
  await api.dispose();
  await signInAs(page, 'admin');
  // The first load waits for the test's go and then fails like a server fault; the
  // next one reaches the server.
  const held = await failFirstLoad(page, '**/api/v1/tokens?*');
  const tokens = new TokensPage(page);
  await tokens.goto();
  await expect(tokens.list.getByTestId('tokens-loading')).toBeVisible();
  await shot(page, testInfo, '01-list-loading');
  held.fail();
  await expect(tokens.list.getByTestId('error-state')).toContainText('The issued tokens could not be loaded');
  await expect(tokens.list.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await shot(page, testInfo, '02-list-error');

  await tokens.list.getByTestId('retry').click();
  await tokens.expectListLoaded();
  await expect(tokens.list.getByTestId('error-state')).toHaveCount(0);
  await expect(tokens.range).toHaveText(/^\d+–\d+ of \d+ tokens?$/);
  expect(held.calls()).toBe(2);
  expect(consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/tokens\?/.test(e))).toEqual([]);
});
