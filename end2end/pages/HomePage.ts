/** The signed-in home page (`/`): top bar plus the account and organisation cards. */
import { expect, type Locator, type Page } from '@playwright/test';

export class HomePage {
  readonly topbarEmail: Locator;
  readonly topbarRole: Locator;
  readonly signOutButton: Locator;
  readonly email: Locator;
  readonly role: Locator;
  readonly orgName: Locator;
  readonly orgHash: Locator;
  readonly featureChips: Locator;
  readonly maxTranscodes: Locator;

  constructor(readonly page: Page) {
    this.topbarEmail = page.getByTestId('topbar-email');
    this.topbarRole = page.getByTestId('topbar-role');
    this.signOutButton = page.getByTestId('sign-out');
    this.email = page.getByTestId('me-email');
    this.role = page.getByTestId('me-role');
    this.orgName = page.getByTestId('me-org-name');
    this.orgHash = page.getByTestId('me-org-hash');
    this.featureChips = page.getByTestId('feature-chip');
    this.maxTranscodes = page.getByTestId('me-org-max-transcodes');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
  }

  /** The browser is on the home page and the caller has loaded. */
  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === '/');
    await expect(this.page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expect(this.email).toBeVisible();
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
  }
}
