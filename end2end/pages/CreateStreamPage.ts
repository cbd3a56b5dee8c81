/**
 * The create-stream form (`/streams/new`): tags, transcodes picked from the presets,
 * live processing (synced or per quality), timecode and push URL.
 */
import { expect, type Locator, type Page, type Response } from '@playwright/test';

export class CreateStreamPage {
  readonly heading: Locator;
  readonly form: Locator;
  readonly readOnly: Locator;
  readonly upgradeNeeded: Locator;
  readonly tagsInput: Locator;
  readonly tagChips: Locator;
  /** The tag text of each chip (without its remove button). */
  readonly tagTexts: Locator;
  readonly addTranscode: Locator;
  readonly transcodeLimit: Locator;
  readonly transcodeRows: Locator;
  readonly ladderRule: Locator;
  readonly processingSynced: Locator;
  readonly processingPerQuality: Locator;
  /** The synced (or passthrough) processing settings. */
  readonly topProcessing: Locator;
  readonly timecode: Locator;
  readonly timecodeInterval: Locator;
  readonly timecodeIntervalError: Locator;
  readonly pushUrl: Locator;
  readonly pushUrlError: Locator;
  readonly submit: Locator;
  readonly invalidAlert: Locator;
  readonly serverError: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Create stream', exact: true });
    this.form = page.getByTestId('create-form');
    this.readOnly = page.getByTestId('create-read-only');
    this.upgradeNeeded = page.getByTestId('upgrade-needed');
    this.tagsInput = page.getByTestId('create-tags-input');
    this.tagChips = page.getByTestId('create-tags-chip');
    this.tagTexts = this.tagChips.locator('.chip-text');
    this.addTranscode = page.getByTestId('add-transcode');
    this.transcodeLimit = page.getByTestId('transcode-limit');
    this.transcodeRows = page.getByTestId('transcode-row');
    this.ladderRule = page.getByTestId('ladder-rule');
    this.processingSynced = page.getByTestId('processing-synced');
    this.processingPerQuality = page.getByTestId('processing-per-quality');
    this.topProcessing = page.getByTestId('processing-top');
    this.timecode = page.getByTestId('create-timecode');
    this.timecodeInterval = page.getByTestId('create-timecode-interval');
    this.timecodeIntervalError = page.getByTestId('create-timecode-interval-error');
    this.pushUrl = page.getByTestId('create-push-url');
    this.pushUrlError = page.getByTestId('create-push-url-error');
    this.submit = page.getByTestId('create-submit');
    this.invalidAlert = page.getByTestId('create-invalid');
    this.serverError = page.getByTestId('create-error');
  }

  async goto(): Promise<void> {
    await this.page.goto('/streams/new');
    await expect(this.heading).toBeVisible();
  }

  /** Types a tag and presses Enter, then sees its chip. */
  async addTag(tag: string): Promise<void> {
    await this.tagsInput.fill(tag);
    await this.tagsInput.press('Enter');
    await expect(this.tagChips.filter({ hasText: tag })).toHaveCount(1);
  }

  /** The preset picker of transcode row `index` (0-based). */
  preset(index: number): Locator {
    return this.transcodeRows.nth(index).getByTestId('transcode-preset');
  }

  /** The error line of transcode row `index` (hidden when the row is fine). */
  transcodeError(index: number): Locator {
    return this.transcodeRows.nth(index).getByTestId('transcode-error');
  }

  removeTranscode(index: number): Locator {
    return this.transcodeRows.nth(index).getByTestId('remove-transcode');
  }

  /** A process checkbox of the synced (or passthrough) settings. */
  topProcess(name: 'thumbnails' | 'clips' | 'recording' | 'replay'): Locator {
    return this.page.getByTestId(`processing-top-${name}`);
  }

  /** A settings field of the synced (or passthrough) settings, e.g. `thumbnails-interval`. */
  topSetting(name: string): Locator {
    return this.page.getByTestId(`processing-top-${name}`);
  }

  /** Submits and returns the answer to `POST /streams`. */
  async create(): Promise<Response> {
    const answer = this.page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/streams') && r.request().method() === 'POST',
    );
    await this.submit.click();
    return answer;
  }
}
