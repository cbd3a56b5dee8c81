/** The top bar of every signed-in page: search (S1), navigation, who is signed in. */
import { type Locator, type Page } from '@playwright/test';

export class TopBar {
  readonly searchInput: Locator;
  readonly searchSubmit: Locator;
  /** The format problem shown while typing. */
  readonly searchError: Locator;
  readonly searchNotFound: Locator;
  readonly nav: Locator;
  readonly email: Locator;
  readonly role: Locator;
  /** The phone's menu button (hidden where the navigation fits in a row). */
  readonly menu: Locator;

  constructor(readonly page: Page) {
    this.searchInput = page.getByTestId('search-input');
    this.searchSubmit = page.getByTestId('search-submit');
    this.searchError = page.getByTestId('search-error');
    this.searchNotFound = page.getByTestId('search-not-found');
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.email = page.getByTestId('topbar-email');
    this.role = page.getByTestId('topbar-role');
    this.menu = page.getByTestId('nav-toggle');
  }

  /** Opens the menu where the navigation is one (a phone); nothing elsewhere. */
  async openMenu(): Promise<void> {
    // The bar is drawn once the app has started.
    await this.nav.waitFor();
    if ((await this.menu.isVisible()) && (await this.menu.getAttribute('aria-expanded')) !== 'true') {
      await this.menu.click();
    }
  }

  /** Goes to a page by its navigation link, through the menu on a phone. */
  async go(name: 'Home' | 'Streams' | 'Create stream' | 'Tokens' | 'Organisation'): Promise<void> {
    await this.openMenu();
    await this.navLink(name).click();
  }

  /** A navigation link, found also while the phone's menu hides it (for its attributes). */
  navLink(name: 'Home' | 'Streams' | 'Create stream' | 'Tokens' | 'Organisation'): Locator {
    const testid = {
      Home: 'nav-home',
      Streams: 'nav-streams',
      'Create stream': 'nav-create',
      Tokens: 'nav-tokens',
      Organisation: 'nav-organisation',
    }[name];
    return this.nav.getByTestId(testid);
  }

  /** Types `query` into the search field and presses Enter. */
  async search(query: string): Promise<void> {
    await this.searchInput.fill(query);
    await this.searchInput.press('Enter');
  }
}
