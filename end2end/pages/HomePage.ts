/**
 * The signed-in home page (`/`): who is signed in (one line), stream counts per state
 * (each a link to the filtered list), the latest streams and quick links.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The counts the page shows: `all` plus one per state. */
export const COUNT_KEYS = ['all', 'live', 'created', 'ended', 'locked', 'deleted'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

export class HomePage {
  readonly heading: Locator;
  readonly topbarEmail: Locator;
  readonly topbarRole: Locator;
  readonly signOutButton: Locator;
  readonly email: Locator;
  readonly role: Locator;
  readonly orgName: Locator;
  readonly orgHash: Locator;
  readonly counts: Locator;
  readonly loading: Locator;
  readonly latestRows: Locator;
  readonly latestNames: Locator;
  readonly empty: Locator;
  readonly quickCreate: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Home', exact: true });
    this.topbarEmail = page.getByTestId('topbar-email');
    this.topbarRole = page.getByTestId('topbar-role');
    this.signOutButton = page.getByTestId('sign-out');
    this.email = page.getByTestId('me-email');
    this.role = page.getByTestId('me-role');
    this.orgName = page.getByTestId('me-org-name');
    this.orgHash = page.getByTestId('me-org-hash');
    this.counts = page.getByTestId('counts');
    this.loading = page.getByTestId('home-loading');
    this.latestRows = page.getByTestId('latest-row');
    this.latestNames = page.getByTestId('latest-name');
    this.empty = page.getByTestId('home-empty');
    this.quickCreate = page.getByTestId('quick-create');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
  }

  /** The browser is on the home page and the caller has loaded. */
  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === '/');
    await expect(this.heading).toBeVisible();
    await expect(this.email).toBeVisible();
  }

  /** The counts have loaded. */
  async expectCounts(): Promise<void> {
    await expect(this.counts).toBeVisible();
    await expect(this.loading).toHaveCount(0);
  }

  /** The tile (a link) of one count. */
  countLink(key: CountKey): Locator {
    return this.page.getByTestId(`count-${key}`);
  }

  /** The number shown on one count. */
  countValue(key: CountKey): Locator {
    return this.countLink(key).getByTestId('count-value');
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
  }
}
