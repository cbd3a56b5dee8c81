/**
 * A stream's instructions (`/streams/:id/instructions`): quick actions, 1. ingest (RTMP
 * URL, streamname, OBS, ffmpeg), 2. web playout, 3. code snippets, 4. overview.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class InstructionsPage {
  readonly heading: Locator;
  readonly streamname: Locator;
  readonly ingestUrl: Locator;
  readonly ingestStreamname: Locator;
  readonly ingestStreamnameCopy: Locator;
  readonly obsServer: Locator;
  readonly ffmpeg: Locator;
  readonly liveUrl: Locator;
  readonly embedUrl: Locator;
  readonly secureNote: Locator;
  readonly secureSnippetsLink: Locator;
  readonly snippetsLink: Locator;
  readonly overview: Locator;
  readonly overviewLink: Locator;
  readonly webcaster: Locator;
  readonly watch: Locator;
  readonly qualities: Locator;
  readonly notFound: Locator;
  readonly toList: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Start streaming' });
    this.streamname = page.getByTestId('instructions-streamname');
    this.ingestUrl = page.getByTestId('ingest-url');
    this.ingestStreamname = page.getByTestId('ingest-streamname');
    this.ingestStreamnameCopy = page.getByTestId('ingest-streamname-copy');
    this.obsServer = page.getByTestId('obs-server');
    this.ffmpeg = page.getByTestId('ffmpeg-command');
    this.liveUrl = page.getByTestId('playout-live-url');
    this.embedUrl = page.getByTestId('playout-embed-url');
    this.secureNote = page.getByTestId('instructions-secure');
    this.secureSnippetsLink = page.getByTestId('instructions-secure-snippets');
    this.snippetsLink = page.getByTestId('instructions-snippets');
    this.overview = page.getByTestId('instructions-overview');
    this.overviewLink = page.getByTestId('instructions-overview-link');
    this.webcaster = page.getByTestId('instructions-webcaster');
    this.watch = page.getByTestId('instructions-watch');
    this.qualities = page.getByTestId('instructions-quality');
    this.notFound = page.getByTestId('instructions-not-found');
    this.toList = page.getByTestId('instructions-to-list');
  }

  async goto(id: string): Promise<void> {
    await this.page.goto(`/streams/${id}/instructions`);
  }

  /** The browser is on the instructions of stream `id`, loaded. */
  async expectShown(id: string): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === `/streams/${id}/instructions`);
    await expect(this.heading).toBeVisible();
  }
}
