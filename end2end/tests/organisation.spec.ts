/**
 * The organisation page (A2): details and packages for everyone; for admins the inline
 * edits (name, webhook URL), users and roles, API keys (secret shown once) and signing
 * keys (rotation, deletion); "Upgrade needed" where the organisation lacks a package;
 * members who are not admins see no controls and no admin lists. Every change is
 * checked through the API as well as on screen.
 */
import { request as playwrightRequest, type Page, type TestInfo } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { e2e } from '../support/env';
import { Api, signInAs, signInThroughApi, uniqueEmail } from '../support/api';
import { readBasicSeed } from '../support/seed';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { APP_START_TIMEOUT, OrganisationPage } from '../pages/OrganisationPage';

const CSRF = { 'X-Requested-With': 'castboard' };

/** A screenshot of what is on screen (a modal dialog sits in the viewport, not the page). */
async function viewShot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}
const FEATURES = ['secure', 'vod', 'live_processing', 'transcoding', 'webcaster', 'player'] as const;
/** What each package reads with every switch on (the player is always included; no webcaster is built). */
const STATUS_ON: Record<(typeof FEATURES)[number], string> = {
  secure: 'Enabled',
  vod: 'Enabled',
  live_processing: 'Enabled',
  transcoding: 'Enabled',
  webcaster: 'Not available yet',
  player: 'Included',
};

interface OrganisationJson {
  name: string;
  hash: string;
  webhook_url: string | null;
  features: Record<string, boolean>;
  limits: { max_transcodes: number };
}
interface UserJson {
  id: string;
  email: string;
  role: string;
}
interface SigningKeyJson {
  kid: string;
  active: boolean;
}
interface ListJson<T> {
  items: T[];
}

test('admin: details, packages, and the name and webhook edited in place', async (
  { page, seed, consoleErrors },
  testInfo,
) => {
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  const admin = await Api.as();
  let patches = 0;
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().endsWith('/api/v1/organisation')) patches += 1;
  });

  try {
    await test.step('the seeded name and hash, every package enabled, the limit', async () => {
      await org.goto();
      await expect(org.name.value).toHaveText(seed.organisation.name);
      await expect(org.name.value).toHaveText(e2e.orgName);
      await expect(org.hash).toHaveText(seed.organisation.hash);
      await expect(org.hashCopy).toHaveAccessibleName('Copy organisation hash');
      await expect(org.details).toContainText('Prefix of every streamname');
      await expect(org.maxTranscodes).toHaveText('3');
      await expect(org.packages).toHaveCount(FEATURES.length);
      for (const feature of FEATURES) {
        await expect(org.pkg(feature)).toHaveAttribute('data-enabled', 'true');
        await expect(org.packageStatus(feature)).toHaveText(STATUS_ON[feature]);
      }
      await expect(org.pkg('secure')).toContainText('Secure Playback');
      await expect(org.page.getByTestId('org-packages-note')).toHaveCount(0);
      await expect(org.webhook.value).toHaveText('Not set');
      await expect(org.usersSection).toBeVisible();
      await expect(org.apiKeysSection).toBeVisible();
      await expect(org.signingKeysSection).toBeVisible();
      await expect(org.adminOnlyNote).toHaveCount(0);
      await shot(page, testInfo, '01-admin');
      await expectNoSeriousA11yViolations(page, testInfo, 'organisation-admin');
    });

    await test.step('an invalid webhook URL is explained as typed and not sent', async () => {
      await org.webhook.edit.click();
      await expect(org.webhook.input).toBeFocused();
      await org.webhook.input.fill('ftp://x');
      await expect(org.webhook.error).toHaveText('Webhook URL must be an http:// or https:// URL with a host');
      await expect(org.webhook.input).toHaveAttribute('aria-invalid', 'true');
      await expect(org.webhook.save).toBeDisabled();
      await org.webhook.input.press('Enter');
      await expect(org.webhook.error).toBeVisible();
      await shot(page, testInfo, '02-webhook-invalid');
      expect(patches).toBe(0);
    });

    await test.step('a https webhook URL is saved', async () => {
      await org.webhook.input.fill('https://hooks.example/castboard');
      await expect(org.webhook.error).toHaveCount(0);
      await org.webhook.save.click();
      await expect(org.successToast('Webhook URL saved: events now go to https://hooks.example/castboard')).toBeVisible();
      await expect(org.webhook.input).toHaveCount(0);
      await expect(org.webhook.value).toHaveText('https://hooks.example/castboard');
      await expect(org.webhook.edit).toBeFocused();
      const saved = await admin.get<OrganisationJson>('/organisation');
      expect(saved.webhook_url).toBe('https://hooks.example/castboard');
      expect(patches).toBe(1);
      await shot(page, testInfo, '03-webhook-saved');
    });

    await test.step('emptied with the keyboard, the webhook is removed', async () => {
      await org.webhook.edit.focus();
      await page.keyboard.press('Enter');
      await expect(org.webhook.input).toBeFocused();
      await expect(org.webhook.input).toHaveValue('https://hooks.example/castboard');
      await org.webhook.input.fill('');
      await page.keyboard.press('Enter');
      await expect(org.successToast('Webhook removed: no events are sent any more')).toBeVisible();
      await expect(org.webhook.value).toHaveText('Not set');
      const cleared = await admin.get<OrganisationJson>('/organisation');
      expect(cleared.webhook_url).toBeNull();
    });

    await test.step('an empty name is refused; Escape cancels the edit', async () => {
      await org.name.edit.click();
      await org.name.input.fill('   ');
      await expect(org.name.error).toHaveText('Name must not be empty');
      await page.keyboard.press('Escape');
      await expect(org.name.input).toHaveCount(0);
      await expect(org.name.value).toHaveText(e2e.orgName);
      await expect(org.name.edit).toBeFocused();
      expect(patches).toBe(2);
    });

    await test.step('a new name is saved and shown; the old one is put back', async () => {
      const renamed = `E2E Org renamed ${Date.now()}`;
      await org.name.saveValue(`  ${renamed}  `);
      await expect(org.successToast(`Organisation renamed to ${renamed}`)).toBeVisible();
      await expect(org.name.value).toHaveText(renamed);
      expect((await admin.get<OrganisationJson>('/organisation')).name).toBe(renamed);

      await org.name.saveValue(e2e.orgName);
      await expect(org.name.value).toHaveText(e2e.orgName);
      expect((await admin.get<OrganisationJson>('/organisation')).name).toBe(e2e.orgName);
    });
  } finally {
    // Other specs rely on the seeded name and no webhook, whatever happened above.
    const restore = await admin.request.patch('/api/v1/organisation', {
      data: { name: e2e.orgName, webhook_url: null },
      headers: CSRF,
    });
    expect(restore.status()).toBe(200);
    await admin.dispose();
  }
  expect(consoleErrors).toEqual([]);
});

test('admin: add a user, change their role, remove them', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  const admin = await Api.as();
  const email = uniqueEmail('org-page');
  let creates = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/users')) creates += 1;
  });

  await org.goto();
  await expect(org.userRow(e2e.adminEmail)).toBeVisible();

  await test.step('the signed-in admin has no Remove button on their own row', async () => {
    await expect(org.userRow(e2e.adminEmail).getByTestId('user-more')).toHaveCount(0);
    await expect(org.userRow(e2e.adminEmail)).toContainText('You');
  });

  await test.step('the form checks email and password as they are typed', async () => {
    await org.newUserEmail.fill('not-an-email');
    await expect(org.newUserEmailError).toHaveText('Email must be an email address such as name@example.com');
    await org.newUserPassword.fill('short');
    await expect(org.newUserPasswordError).toHaveText('Password must be at least 10 characters');
    await org.newUserSubmit.click();
    expect(creates).toBe(0);
    await shot(page, testInfo, '01-add-user-invalid');
  });

  await test.step('a valid user is added with role user', async () => {
    await org.addUser(email, e2e.adminPassword, 'user');
    await expect(org.successToast(`User ${email} added as User`)).toBeVisible();
    const row = org.userRow(email);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('user-email')).toHaveText(email);
    await expect(row.getByTestId('user-role-select')).toHaveValue('user');
    await expect(row.getByTestId('user-more')).toBeVisible();
    // The form is ready for the next one.
    await expect(org.newUserEmail).toHaveValue('');
    await expect(org.newUserPassword).toHaveValue('');
    await expect(org.newUserEmailError).toHaveCount(0);
    const users = await admin.get<ListJson<UserJson>>('/users');
    expect(users.items.find((u) => u.email === email)?.role).toBe('user');
    await shot(page, testInfo, '02-user-added');
  });

  await test.step('the role changes to read_only', async () => {
    const select = org.userRow(email).getByTestId('user-role-select');
    await select.selectOption('read_only');
    await expect(org.successToast(`${email} is now Read only`)).toBeVisible();
    await expect(select).toHaveValue('read_only');
    await expect(select).toBeEnabled();
    const users = await admin.get<ListJson<UserJson>>('/users');
    expect(users.items.find((u) => u.email === email)?.role).toBe('read_only');
  });

  await test.step('removal asks first, naming the email', async () => {
    await org.userRow(email).getByTestId('user-more').click();
    await org.userRow(email).getByTestId('user-remove').click();
    await expect(org.removeUserDialog).toBeVisible();
    await expect(org.removeUserDialog.getByRole('heading')).toHaveText(`Remove user ${email}?`);
    await expect(org.removeUserDialog).toContainText(`${email} can no longer sign in`);
    await viewShot(page, testInfo, '03-remove-user-dialog');
    // Cancel keeps them.
    await org.removeUserDialog.getByTestId('remove-user-dialog-cancel').click();
    await expect(org.removeUserDialog).toBeHidden();
    await expect(org.userRow(email)).toBeVisible();

    await org.userRow(email).getByTestId('user-more').click();
    await org.userRow(email).getByTestId('user-remove').click();
    await org.removeUserDialog.getByTestId('remove-user-dialog-confirm').click();
    await expect(org.removeUserDialog).toBeHidden();
    await expect(org.successToast(`User ${email} removed`)).toBeVisible();
    await expect(org.userRow(email)).toHaveCount(0);
    const users = await admin.get<ListJson<UserJson>>('/users');
    expect(users.items.map((u) => u.email)).not.toContain(email);
  });

  await admin.dispose();
  expect(consoleErrors).toEqual([]);
});

test('admin: an API key shows its secret once, works, and is deleted', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  const name = `e2e-key-${Date.now()}`;
  await org.goto();

  let secret = '';
  await test.step('creating a key shows its secret once, with a warning', async () => {
    await org.createApiKey(name, 'read_only');
    await expect(org.successToast(`API key ${name} created`)).toBeVisible();
    await expect(org.apiKeyCreated).toBeVisible();
    await expect(org.apiKeyCreated).toContainText(`Copy the secret of ${name} now: it is shown only this once`);
    secret = (await org.apiKeySecret.textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await expect(org.page.getByTestId('api-key-secret-copy')).toBeVisible();
    const row = org.apiKeyRow(name);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('api-key-role')).toHaveText('Read only');
    await expect(row.getByTestId('api-key-last-used')).toHaveText('never');
    const prefix = ((await row.getByTestId('api-key-prefix').textContent()) ?? '').replace('…', '');
    expect(prefix.length).toBeGreaterThan(3);
    expect(secret.startsWith(prefix)).toBe(true);
    // The list never holds the secret itself.
    await expect(row).not.toContainText(secret);
    await shot(page, testInfo, '01-api-key-secret');
  });

  await test.step('a second key of the same name, in other letter case, is refused next to the field', async () => {
    await org.apiKeySecretDone.click();
    await org.createApiKey(name.toUpperCase(), 'user');
    await expect(page.getByTestId('new-api-key-name-error')).toHaveText('Name is already used by another API key');
    await expect(org.apiKeyRow(name.toUpperCase())).toHaveCount(0);
    await shot(page, testInfo, '01b-api-key-name-taken');
    // Chromium logs the refused request: that one is the flow, nothing else may be.
    const refused = consoleErrors.findIndex((e) => /status of 422/.test(e) && /\/api\/v1\/api-keys/.test(e));
    expect(refused).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(refused, 1);
  });

  await test.step('the secret works as X-API-Key', async () => {
    const script = await playwrightRequest.newContext({ baseURL: e2e.baseUrl });
    const answer = await script.get('/api/v1/me', { headers: { 'X-API-Key': secret } });
    expect(answer.status(), await answer.text()).toBe(200);
    const me = (await answer.json()) as { user: unknown; api_key: { name: string; role: string } };
    expect(me.user).toBeNull();
    expect(me.api_key.name).toBe(name);
    expect(me.api_key.role).toBe('read_only');
    await script.dispose();
  });

  await test.step('once dismissed, the secret is never shown again', async () => {
    await expect(org.apiKeyCreated).toHaveCount(0);
    await page.reload();
    await org.expectShown();
    await expect(org.apiKeyRow(name)).toBeVisible();
    await expect(org.apiKeySecret).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(secret);
    // It was used above.
    await expect(org.apiKeyRow(name).getByTestId('api-key-last-used')).not.toHaveText('never');
  });

  await test.step('deleting asks first, naming the key, and the key stops working', async () => {
    await org.apiKeyRow(name).getByTestId('api-key-more').click();
    await org.apiKeyRow(name).getByTestId('api-key-delete').click();
    await expect(org.deleteApiKeyDialog).toBeVisible();
    await expect(org.deleteApiKeyDialog.getByRole('heading')).toHaveText(`Delete API key ${name}?`);
    await viewShot(page, testInfo, '02-delete-api-key-dialog');
    await org.deleteApiKeyDialog.getByTestId('delete-api-key-dialog-confirm').click();
    await expect(org.deleteApiKeyDialog).toBeHidden();
    await expect(org.successToast(`API key ${name} deleted`)).toBeVisible();
    await expect(org.apiKeyRow(name)).toHaveCount(0);

    const script = await playwrightRequest.newContext({ baseURL: e2e.baseUrl });
    const answer = await script.get('/api/v1/me', { headers: { 'X-API-Key': secret } });
    expect(answer.status()).toBe(401);
    await script.dispose();
  });

  expect(consoleErrors).toEqual([]);
});

test('admin: rotate the signing key, then delete the new one', async ({ page, seed, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const admin = await Api.as();
  // Keys are created lazily with the first token; make sure there is one to rotate from.
  let before = await admin.get<ListJson<SigningKeyJson>>('/signing-keys');
  if (before.items.length === 0) {
    await admin.post('/signing-keys', undefined);
    before = await admin.get<ListJson<SigningKeyJson>>('/signing-keys');
  }
  const previous = before.items.find((k) => k.active);
  expect(previous).toBeDefined();
  const n = before.items.length;

  const org = new OrganisationPage(page);
  await org.goto();
  await expect(org.signingKeyRows).toHaveCount(n);
  await expect(org.signingKeyRow(previous?.kid ?? '')).toHaveAttribute('data-active', 'true');
  await expect(org.jwksLink).toHaveAttribute('href', `/.well-known/jwks.json?org=${seed.organisation.hash}`);
  await expect(org.apiDocsLink).toHaveAttribute('href', '/api/docs');

  let kid = '';
  await test.step('rotating creates a key that is active at once', async () => {
    await org.rotate.click();
    await expect(org.successToast(/New signing key \S+ created: it signs new tokens from now on/)).toBeVisible();
    await expect(org.signingKeyRows).toHaveCount(n + 1);
    const after = await admin.get<ListJson<SigningKeyJson>>('/signing-keys');
    expect(after.items).toHaveLength(n + 1);
    const active = after.items.filter((k) => k.active);
    expect(active).toHaveLength(1);
    kid = active[0].kid;
    expect(kid).not.toBe(previous?.kid);
    // Newest first, and the only row with the Active badge.
    await expect(org.signingKeyRows.first()).toHaveAttribute('data-kid', kid);
    await expect(org.signingKeyRow(kid).getByTestId('signing-key-active')).toHaveText('Active');
    await expect(org.signingKeyRow(kid).getByTestId('signing-key-kid')).toHaveText(kid);
    await expect(page.getByTestId('signing-key-active')).toHaveCount(1);
    await expect(org.signingKeyRow(previous?.kid ?? '')).toHaveAttribute('data-active', 'false');
    // The public key set has it.
    const jwks = (await (await page.request.get(`/.well-known/jwks.json?org=${seed.organisation.hash}`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    await shot(page, testInfo, '01-rotated');
  });

  await test.step('deleting warns that its tokens stop working', async () => {
    await org.signingKeyRow(kid).getByTestId('signing-key-more').click();
    await org.signingKeyRow(kid).getByTestId('signing-key-delete').click();
    await expect(org.deleteSigningKeyDialog).toBeVisible();
    await expect(org.deleteSigningKeyDialog.getByRole('heading')).toHaveText(`Delete signing key ${kid}?`);
    await expect(org.deleteSigningKeyDialog).toContainText(
      `Every playback token signed with ${kid} stops working at once`,
    );
    await expect(org.deleteSigningKeyDialog).toContainText('the next newest key signs new tokens from now on');
    await viewShot(page, testInfo, '02-delete-signing-key-dialog');
    await org.deleteSigningKeyDialog.getByTestId('delete-signing-key-dialog-confirm').click();
    await expect(org.deleteSigningKeyDialog).toBeHidden();
    await expect(org.successToast(`Signing key ${kid} deleted`)).toBeVisible();
    await expect(org.signingKeyRows).toHaveCount(n);
    await expect(org.signingKeyRow(kid)).toHaveCount(0);
    await expect(org.signingKeyRow(previous?.kid ?? '')).toHaveAttribute('data-active', 'true');
    const after = await admin.get<ListJson<SigningKeyJson>>('/signing-keys');
    expect(after.items.map((k) => k.kid)).not.toContain(kid);
    expect(after.items.find((k) => k.active)?.kid).toBe(previous?.kid);
  });

  await admin.dispose();
  expect(consoleErrors).toEqual([]);
});

for (const role of ['user', 'read_only'] as const) {
  test(`a ${role} sees the details and packages, no controls and no admin lists`, async (
    { page, seed, consoleErrors },
    testInfo,
  ) => {
    const adminCalls: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/(users|api-keys|signing-keys)/.test(r.url())) adminCalls.push(r.url());
    });
    await signInAs(page, role);
    const org = new OrganisationPage(page);
    await org.goto();

    await expect(org.name.value).toHaveText(e2e.orgName);
    await expect(org.hash).toHaveText(seed.organisation.hash);
    await expect(org.maxTranscodes).toHaveText('3');
    for (const feature of FEATURES) {
      await expect(org.packageStatus(feature)).toHaveText(STATUS_ON[feature]);
    }
    await expect(org.name.edit).toHaveCount(0);
    await expect(org.webhook.edit).toHaveCount(0);
    await expect(org.usersSection).toHaveCount(0);
    await expect(org.apiKeysSection).toHaveCount(0);
    await expect(org.signingKeysSection).toHaveCount(0);
    await expect(org.adminOnlyNote).toContainText('Only admins manage the users, API keys and signing keys');
    expect(adminCalls).toEqual([]);

    await shot(page, testInfo, `01-${role}`);
    await expectNoSeriousA11yViolations(page, testInfo, `organisation-${role}`);
    expect(consoleErrors).toEqual([]);
  });
}

test("the basic organisation's admin sees Upgrade needed, and cannot demote the last admin", async (
  { page, consoleErrors },
  testInfo,
) => {
  const basic = readBasicSeed();
  const signingCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/signing-keys')) signingCalls.push(r.url());
  });
  await signInThroughApi(page.request, e2e.basicAdminEmail, e2e.adminPassword);
  const org = new OrganisationPage(page);
  await org.goto();

  await test.step('every package but the player needs an upgrade', async () => {
    await expect(org.hash).toHaveText(basic.organisation.hash);
    await expect(org.name.value).toHaveText(e2e.basicOrgName);
    for (const feature of ['secure', 'vod', 'live_processing', 'transcoding']) {
      await expect(org.pkg(feature)).toHaveAttribute('data-enabled', 'false');
      await expect(org.packageStatus(feature)).toHaveText('Upgrade needed');
    }
    // Packages that gate nothing here read as what they are, whatever their switch.
    await expect(org.packageStatus('webcaster')).toHaveText('Not available yet');
    await expect(org.packageStatus('player')).toHaveText('Included');
    // No transcode limit beside a missing Transcoding package.
    await expect(org.maxTranscodes).toHaveText('None');
    await expect(page.getByTestId('org-max-transcodes-hint')).toHaveText('transcodes need the Transcoding package');
    await expect(page.getByTestId('org-packages-note')).toContainText('operator of this Castboard instance');
    // Signing keys need secure playback: a notice, no controls, no request.
    const notice = org.signingKeysSection.getByTestId('upgrade-needed');
    await expect(notice).toHaveAttribute('data-feature', 'secure');
    await expect(notice).toContainText('Upgrade needed');
    await expect(org.rotate).toHaveCount(0);
    expect(signingCalls).toEqual([]);
    await shot(page, testInfo, '01-basic-admin');
  });

  await test.step('demoting the only admin is refused and the role picker reverts', async () => {
    const select = org.userRow(e2e.basicAdminEmail).getByTestId('user-role-select');
    await expect(select).toHaveValue('admin');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/users/')),
      select.selectOption('read_only'),
    ]);
    expect(answer.status()).toBe(409);
    const body = (await answer.json()) as { error: { message: string } };
    await expect(
      page.locator('[data-testid="toast"][data-kind="error"]').filter({ hasText: body.error.message }),
    ).toBeVisible();
    await expect(select).toHaveValue('admin');
    await expect(org.usersSection).toBeVisible();
    await shot(page, testInfo, '02-last-admin-refused');
  });

  // Chromium logs the refused PATCH like any failed fetch; nothing else may be logged.
  expect(consoleErrors.filter((e) => !/status of 409 .*\/api\/v1\/users\/[0-9a-f-]+\)$/.test(e))).toEqual([]);
});

test('a failed load explains itself, and Retry shows the skeleton and recovers', async (
  { page, seed, consoleErrors },
  testInfo,
) => {
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  let calls = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api/v1/organisation', async (route) => {
    calls += 1;
    if (calls === 1) {
      await route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side.' } }),
      });
    } else {
      await released;
      await route.continue();
    }
  });

  await page.goto('/organisation');
  await expect(page.getByTestId('error-state')).toContainText('The organisation could not be loaded', {
    timeout: APP_START_TIMEOUT,
  });
  await expect(page.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await shot(page, testInfo, '01-error');
  await page.getByTestId('retry').click();
  await expect(org.loading).toBeVisible();
  await shot(page, testInfo, '02-loading');
  release();
  await org.expectShown();
  await expect(org.hash).toHaveText(seed.organisation.hash);
  expect(calls).toBe(2);

  expect(consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/organisation\)$/.test(e))).toEqual([]);
});
