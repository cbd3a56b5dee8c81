/**
 * The organisation page (`/organisation`): details with inline edits (name, webhook),
 * packages, and for admins the users, API keys and signing keys sections.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** How long the app may take to start after a page load. */
export const APP_START_TIMEOUT = 45_000;

/** One inline-editable value of the details card (`org-name`, `org-webhook`). */
export class InlineEdit {
  readonly value: Locator;
  readonly edit: Locator;
  readonly input: Locator;
  readonly save: Locator;
  readonly cancel: Locator;
  readonly error: Locator;

  constructor(page: Page, testid: string) {
    this.value = page.getByTestId(testid);
    this.edit = page.getByTestId(`${testid}-edit`);
    this.input = page.getByTestId(`${testid}-input`);
    this.save = page.getByTestId(`${testid}-save`);
    this.cancel = page.getByTestId(`${testid}-cancel`);
    this.error = page.getByTestId(`${testid}-error`);
  }

  /** Opens the editor, replaces the text and presses Save. */
  async saveValue(text: string): Promise<void> {
    await this.edit.click();
    await expect(this.input).toBeFocused();
    await this.input.fill(text);
    await this.save.click();
  }
}

export class OrganisationPage {
  readonly heading: Locator;
  readonly loading: Locator;
  readonly details: Locator;
  readonly name: InlineEdit;
  readonly webhook: InlineEdit;
  readonly hash: Locator;
  readonly hashCopy: Locator;
  readonly maxTranscodes: Locator;
  readonly packages: Locator;
  readonly adminOnlyNote: Locator;
  readonly toasts: Locator;

  readonly usersSection: Locator;
  readonly userRows: Locator;
  readonly newUserEmail: Locator;
  readonly newUserPassword: Locator;
  readonly newUserRole: Locator;
  readonly newUserSubmit: Locator;
  readonly newUserEmailError: Locator;
  readonly newUserPasswordError: Locator;
  readonly removeUserDialog: Locator;

  readonly apiKeysSection: Locator;
  readonly apiKeyRows: Locator;
  readonly newApiKeyName: Locator;
  readonly newApiKeyRole: Locator;
  readonly newApiKeySubmit: Locator;
  readonly apiKeyCreated: Locator;
  readonly apiKeySecret: Locator;
  readonly apiKeySecretDone: Locator;
  readonly deleteApiKeyDialog: Locator;

  readonly signingKeysSection: Locator;
  readonly signingKeyRows: Locator;
  readonly rotate: Locator;
  readonly jwksLink: Locator;
  readonly apiDocsLink: Locator;
  readonly deleteSigningKeyDialog: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Organisation' });
    this.loading = page.getByTestId('org-loading');
    this.details = page.getByTestId('org-details');
    this.name = new InlineEdit(page, 'org-name');
    this.webhook = new InlineEdit(page, 'org-webhook');
    this.hash = page.getByTestId('org-hash');
    this.hashCopy = page.getByTestId('org-hash-copy');
    this.maxTranscodes = page.getByTestId('org-max-transcodes');
    this.packages = page.getByTestId('package');
    this.adminOnlyNote = page.getByTestId('admin-only-note');
    this.toasts = page.getByTestId('toast');

    this.usersSection = page.getByTestId('users-section');
    this.userRows = page.getByTestId('user-row');
    this.newUserEmail = page.getByTestId('new-user-email');
    this.newUserPassword = page.getByTestId('new-user-password');
    this.newUserRole = page.getByTestId('new-user-role');
    this.newUserSubmit = page.getByTestId('new-user-submit');
    this.newUserEmailError = page.getByTestId('new-user-email-error');
    this.newUserPasswordError = page.getByTestId('new-user-password-error');
    this.removeUserDialog = page.getByTestId('remove-user-dialog');

    this.apiKeysSection = page.getByTestId('api-keys-section');
    this.apiKeyRows = page.getByTestId('api-key-row');
    this.newApiKeyName = page.getByTestId('new-api-key-name');
    this.newApiKeyRole = page.getByTestId('new-api-key-role');
    this.newApiKeySubmit = page.getByTestId('new-api-key-submit');
    this.apiKeyCreated = page.getByTestId('api-key-created');
    this.apiKeySecret = page.getByTestId('api-key-secret');
    this.apiKeySecretDone = page.getByTestId('api-key-secret-done');
    this.deleteApiKeyDialog = page.getByTestId('delete-api-key-dialog');

    this.signingKeysSection = page.getByTestId('signing-keys-section');
    this.signingKeyRows = page.getByTestId('signing-key-row');
    this.rotate = page.getByTestId('signing-key-rotate');
    this.jwksLink = page.getByTestId('jwks-link');
    this.apiDocsLink = page.getByTestId('api-docs-link');
    this.deleteSigningKeyDialog = page.getByTestId('delete-signing-key-dialog');
  }

  async goto(): Promise<void> {
    await this.page.goto('/organisation');
    await this.expectShown();
  }

  /**
   * The page is open and the organisation has loaded. The first paint waits for the app
   * to start (a debug build on a busy machine compiles its wasm slowly).
   */
  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === '/organisation');
    await expect(this.heading).toBeVisible({ timeout: APP_START_TIMEOUT });
    await expect(this.hash).toBeVisible();
  }

  /** The package line of `feature` (its wire name, e.g. `live_processing`). */
  pkg(feature: string): Locator {
    return this.page.locator(`[data-testid="package"][data-feature="${feature}"]`);
  }

  /** The status badge of a package ("Enabled" / "Upgrade needed"). */
  packageStatus(feature: string): Locator {
    return this.pkg(feature).getByTestId('package-status');
  }

  userRow(email: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  }

  apiKeyRow(name: string): Locator {
    return this.page.locator(`[data-testid="api-key-row"][data-name="${name}"]`);
  }

  signingKeyRow(kid: string): Locator {
    return this.page.locator(`[data-testid="signing-key-row"][data-kid="${kid}"]`);
  }

  /** A success toast holding `text`. */
  successToast(text: string | RegExp): Locator {
    return this.page.locator('[data-testid="toast"][data-kind="success"]').filter({ hasText: text });
  }

  async addUser(email: string, password: string, role: 'admin' | 'user' | 'read_only'): Promise<void> {
    await this.newUserEmail.fill(email);
    await this.newUserPassword.fill(password);
    await this.newUserRole.selectOption(role);
    await this.newUserSubmit.click();
  }

  async createApiKey(name: string, role: 'admin' | 'user' | 'read_only'): Promise<void> {
    await this.newApiKeyName.fill(name);
    await this.newApiKeyRole.selectOption(role);
    await this.newApiKeySubmit.click();
  }
}
