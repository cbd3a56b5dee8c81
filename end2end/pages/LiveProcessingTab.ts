/** The Live Processing tab of a stream (`/streams/<id>?tab=live-processing`). */
import { expect, type Locator, type Page } from '@playwright/test';

export type ProcessKey = 'thumbnails' | 'motion-clips' | 'replay' | 'recording';

export class LiveProcessingTab {
  readonly root: Locator;
  readonly upgradeNeeded: Locator;
  readonly qualityTabs: Locator;
  readonly panel: Locator;
  readonly status: Locator;
  readonly streamname: Locator;
  readonly quality: Locator;
  readonly interval: Locator;
  readonly refresh: Locator;
  readonly edit: Locator;
  readonly form: Locator;
  readonly enabled: Locator;
  readonly intervalInput: Locator;
  readonly intervalError: Locator;
  readonly sync: Locator;
  readonly save: Locator;
  readonly noAsset: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('live-processing');
    this.upgradeNeeded = page.getByTestId('upgrade-needed');
    this.qualityTabs = page.getByTestId('lp-quality-tab');
    this.panel = page.getByTestId('lp-panel');
    this.status = page.getByTestId('lp-status');
    this.streamname = page.getByTestId('lp-streamname');
    this.quality = page.getByTestId('lp-quality');
    this.interval = page.getByTestId('lp-setting-interval');
    this.refresh = page.getByTestId('lp-refresh');
    this.edit = page.getByTestId('lp-edit');
    this.form = page.getByTestId('lp-form');
    this.enabled = page.getByTestId('lp-enabled');
    this.intervalInput = page.getByTestId('lp-interval');
    this.intervalError = page.getByTestId('lp-interval-error');
    this.sync = page.getByTestId('lp-sync');
    this.save = page.getByTestId('lp-save');
    this.noAsset = page.getByTestId('lp-no-asset');
  }

  async goto(id: string): Promise<void> {
    await this.page.goto(`/streams/${id}?tab=live-processing`);
    await expect(this.root).toBeVisible();
  }

  /** The sub-menu entry of a process. */
  process(key: ProcessKey): Locator {
    return this.page.getByTestId(`lp-process-${key}`);
  }

  async chooseProcess(key: ProcessKey): Promise<void> {
    await this.process(key).click();
    await expect(this.panel).toHaveAttribute('data-process', key);
  }
}
