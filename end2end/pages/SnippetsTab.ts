/**
 * The snippet generator: the Code Snippets tab of a stream (`/streams/<id>?tab=snippets`)
 * and the standalone generator page (`/generator/<id>`), which show the same component.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The answer of `GET /api/v1/streams/{id}/snippets`. */
export interface Snippets {
  iframe: string;
  html: string;
  live_url: string;
  embed_url: string;
}

export type LatencyMode = 'classic' | 'balancedadaptive' | 'fastadaptive';

export class SnippetsTab {
  readonly root: Locator;
  readonly startQuality: Locator;
  readonly iframe: Locator;
  readonly html: Locator;
  readonly liveUrl: Locator;
  readonly embedUrl: Locator;
  readonly htmlCopy: Locator;
  readonly tokenSettings: Locator;
  readonly tokenMissing: Locator;
  readonly tokenReadOnly: Locator;
  /** The fold with the optional restrictions and labels (IP, domain, user id, tag). */
  readonly tokenMore: Locator;
  readonly tokenDomain: Locator;
  readonly tokenDomainError: Locator;
  readonly tokenRevocable: Locator;
  readonly generate: Locator;
  readonly tokenValue: Locator;
  readonly tokenScope: Locator;
  readonly tokenRevocableClaim: Locator;
  readonly removeToken: Locator;
  readonly withTokenBadge: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('snippet-generator');
    this.startQuality = page.getByTestId('snippet-start-quality');
    this.iframe = page.getByTestId('snippet-iframe');
    this.html = page.getByTestId('snippet-html');
    this.liveUrl = page.getByTestId('snippet-live-url');
    this.embedUrl = page.getByTestId('snippet-embed-url');
    this.htmlCopy = page.getByTestId('snippet-html-copy');
    this.tokenSettings = page.getByTestId('token-settings');
    this.tokenMissing = page.getByTestId('snippet-token-missing');
    this.tokenReadOnly = page.getByTestId('token-read-only');
    this.tokenMore = page.getByTestId('token-more');
    this.tokenDomain = page.getByTestId('token-domain');
    this.tokenDomainError = page.getByTestId('token-domain-error');
    this.tokenRevocable = page.getByTestId('token-revocable');
    this.generate = page.getByTestId('token-generate');
    this.tokenValue = page.getByTestId('token-value');
    this.tokenScope = page.getByTestId('token-scope');
    this.tokenRevocableClaim = page.getByTestId('token-claim-revocable');
    this.removeToken = page.getByTestId('token-remove');
    this.withTokenBadge = page.getByTestId('snippet-has-token');
  }

  /** Opens the Code Snippets tab of stream `id`. */
  async gotoTab(id: string): Promise<void> {
    await this.page.goto(`/streams/${id}?tab=snippets`);
    await this.expectReady();
  }

  /** Opens the standalone generator of stream `id`. */
  async gotoGenerator(id: string): Promise<void> {
    await this.page.goto(`/generator/${id}`);
    await this.expectReady();
  }

  /** The generator and its snippets are on screen. */
  async expectReady(): Promise<void> {
    await expect(this.root).toBeVisible();
    await expect(this.iframe).toContainText('<iframe');
  }

  /** Picks the start quality by its value: `auto` or an index. */
  async chooseStartQuality(value: string): Promise<void> {
    await this.startQuality.selectOption(value);
  }

  async chooseLatency(mode: LatencyMode): Promise<void> {
    await this.page.getByTestId(`snippet-latency-${mode}`).check();
  }

  /** The four shown texts, exactly as the page has them. */
  async shown(): Promise<Snippets> {
    return {
      iframe: (await this.iframe.textContent()) ?? '',
      html: (await this.html.textContent()) ?? '',
      live_url: (await this.liveUrl.textContent()) ?? '',
      embed_url: (await this.embedUrl.textContent()) ?? '',
    };
  }

  /** Waits until the page shows exactly `expected` (character for character). */
  async expectShown(expected: Snippets): Promise<void> {
    await expect.poll(() => this.shown()).toEqual(expected);
  }

  /** Unfolds the optional restrictions and labels of the token form. */
  async openTokenOptions(): Promise<void> {
    await this.tokenMore.locator('summary').click();
    await expect(this.tokenDomain).toBeVisible();
  }

  /** Generates a token with the form as filled; returns the token text. */
  async generateToken(): Promise<string> {
    await expect(this.generate).toBeEnabled();
    await this.generate.click();
    await expect(this.tokenValue).toBeVisible();
    return ((await this.tokenValue.textContent()) ?? '').trim();
  }
}
