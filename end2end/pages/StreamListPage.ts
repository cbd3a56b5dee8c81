/**
 * The stream list (`/streams`): filters (state chips, tags, date, streamgroups toggle),
 * the table of streams (one row per group or per member, groups expandable, a live row
 * with its health dot and bitrate), the summary, rows per page and the pager, and the
 * live-updates indicator.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class StreamListPage {
  readonly heading: Locator;
  readonly results: Locator;
  readonly rows: Locator;
  readonly memberRows: Locator;
  readonly summary: Locator;
  readonly perPage: Locator;
  readonly pager: Locator;
  readonly pageLinks: Locator;
  readonly previousPage: Locator;
  readonly nextPage: Locator;
  readonly allStates: Locator;
  readonly tagInput: Locator;
  readonly tagChips: Locator;
  readonly tagSuggestions: Locator;
  readonly date: Locator;
  readonly grouped: Locator;
  readonly individual: Locator;
  readonly clearFilters: Locator;
  readonly noMatch: Locator;
  readonly liveStatus: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Streams', level: 1 });
    this.results = page.getByTestId('list-results');
    this.rows = page.getByTestId('stream-row');
    this.memberRows = page.getByTestId('member-row');
    this.summary = page.getByTestId('list-summary');
    this.perPage = page.getByLabel('Rows per page');
    this.pager = page.getByTestId('pager');
    this.pageLinks = page.getByTestId('page-link');
    this.previousPage = page.getByTestId('page-prev');
    this.nextPage = page.getByTestId('page-next');
    this.allStates = page.getByTestId('filter-state-all');
    this.tagInput = page.getByTestId('filter-tags-input');
    this.tagChips = page.getByTestId('filter-tags-chip');
    this.tagSuggestions = page.getByTestId('filter-tags-suggestion');
    this.date = page.getByLabel('Last updated (UTC)');
    this.grouped = page.getByTestId('filter-grouped');
    this.individual = page.getByTestId('filter-individual');
    this.clearFilters = page.getByTestId('clear-filters');
    this.noMatch = page.getByTestId('list-no-match');
    this.liveStatus = page.getByTestId('live-status');
  }

  /** Opens the list; `query` is a search string without `?` (a shared link). */
  async goto(query = ''): Promise<void> {
    await this.page.goto(query ? `/streams?${query}` : '/streams');
    await this.expectLoaded();
  }

  /**
   * The app has started and the page is there (after a goto or a reload). Starting the
   * app compiles its WebAssembly, which takes long with a debug build on a busy machine.
   */
  async expectLoaded(): Promise<void> {
    await expect(this.heading).toBeVisible({ timeout: 45_000 });
  }

  /** The state toggle chip of `state` (`created`, `live`, …). */
  stateFilter(state: string): Locator {
    return this.page.locator(`[data-testid="filter-state"][data-state="${state}"]`);
  }

  /** The row of the stream (or group) named `name`. */
  row(name: string): Locator {
    return this.page.locator(`[data-testid="stream-row"][data-stream-name="${name}"]`);
  }

  /** The row of a group member, shown once its group is expanded. */
  memberRow(name: string): Locator {
    return this.page.locator(`[data-testid="member-row"][data-stream-name="${name}"]`);
  }

  /** The small latest thumbnail of a row, when the stream has one. */
  thumbnail(row: Locator): Locator {
    return row.getByTestId('row-thumbnail');
  }

  badge(row: Locator): Locator {
    return row.getByTestId('state-badge');
  }

  /** A live row's health (`data-status`: healthy, warning, unhealthy), shown once read. */
  health(row: Locator): Locator {
    return row.getByTestId('row-health');
  }

  /** A live row's health dot, labelled with the status and the worst issue. */
  healthDot(row: Locator): Locator {
    return this.health(row).getByRole('img');
  }

  /** A live row's bitrate ("1,234 kbit/s"). */
  bitrate(row: Locator): Locator {
    return row.getByTestId('row-kbps');
  }

  /** The streamnames of the rows shown, in table order. */
  async rowNames(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stream-name') ?? ''));
  }

  /** Waits until the table shows exactly `names` (any order) and nothing is loading. */
  async expectRows(names: string[]): Promise<void> {
    await expect(this.results).toHaveAttribute('aria-busy', 'false');
    await expect.poll(async () => (await this.rowNames()).sort()).toEqual([...names].sort());
  }

  /** Waits until the table shows exactly `names` in this order. */
  async expectRowsInOrder(names: string[]): Promise<void> {
    await expect(this.results).toHaveAttribute('aria-busy', 'false');
    await expect.poll(() => this.rowNames()).toEqual(names);
  }

  /** The current query string, without `?`. */
  query(): string {
    return new URL(this.page.url()).search.replace(/^\?/, '');
  }

  async expectQuery(query: string): Promise<void> {
    await expect.poll(() => this.query()).toBe(query);
  }

  /**
   * Adds a tag filter the way a person does: the first three characters bring
   * suggestions, the rest narrows them to the tag, which is picked with the arrow key
   * and applied with Enter.
   */
  async filterByTag(tag: string): Promise<void> {
    await this.tagInput.click();
    await this.tagInput.pressSequentially(tag.slice(0, 3));
    await expect(this.tagSuggestions.first()).toBeVisible();
    await this.tagInput.pressSequentially(tag.slice(3));
    await expect(this.tagSuggestions.first()).toHaveText(new RegExp(`^${escapeRegExp(tag)}\\d+$`));
    await this.tagInput.press('ArrowDown');
    await this.tagInput.press('Enter');
    await expect(this.tagChips.filter({ hasText: tag }).first()).toBeVisible();
  }

  /** Types a tag and applies it with Enter, without waiting for suggestions. */
  async typeTag(tag: string): Promise<void> {
    await this.tagInput.fill(tag);
    await this.tagInput.press('Enter');
  }

  async removeTag(tag: string): Promise<void> {
    await this.page.getByRole('button', { name: `Remove tag ${tag}`, exact: true }).click();
  }

  /** The expand button of a group row. */
  expandButton(row: Locator): Locator {
    return row.getByTestId('expand-group');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
