/**
 * The stream overview (`/streams/<id>`): header, quick actions, the three tabs, and the
 * Overview tab's cards (ingest health, details with the inline editors, ingest, adaptive
 * bitrate with the profile form, secure playback, playout, VOD).
 */
import { expect, type FrameLocator, type Locator, type Page } from '@playwright/test';

export type TabKey = 'overview' | 'live-processing' | 'snippets';

/** The "Ingest health" card: status, issues, sparkline and figures while live. */
export class HealthCard {
  readonly status: Locator;
  readonly notLive: Locator;
  readonly waiting: Locator;
  readonly noIssues: Locator;
  readonly issues: Locator;
  readonly sparkline: Locator;
  readonly sparklineLine: Locator;
  readonly bitrate: Locator;
  readonly video: Locator;
  readonly fps: Locator;
  readonly audio: Locator;
  readonly keyframes: Locator;
  readonly dropped: Locator;
  readonly lastData: Locator;

  constructor(readonly card: Locator) {
    this.status = card.getByTestId('health-status');
    this.notLive = card.getByTestId('health-not-live');
    this.waiting = card.getByTestId('health-waiting');
    this.noIssues = card.getByTestId('health-no-issues');
    this.issues = card.getByTestId('health-issue');
    this.sparkline = card.getByTestId('health-sparkline');
    this.sparklineLine = card.getByTestId('health-sparkline-line');
    this.bitrate = card.getByTestId('health-bitrate');
    this.video = card.getByTestId('health-video');
    this.fps = card.getByTestId('health-fps');
    this.audio = card.getByTestId('health-audio');
    this.keyframes = card.getByTestId('health-keyframes');
    this.dropped = card.getByTestId('health-dropped');
    this.lastData = card.getByTestId('health-last-data');
  }

  /** The bitrate the card shows (the last five seconds), in kbit/s. */
  async kbps(): Promise<number> {
    const text = (await this.bitrate.textContent()) ?? '';
    const figure = /^([\d,]+) kbit\/s/.exec(text);
    return figure ? Number(figure[1].replace(/,/g, '')) : NaN;
  }

  /** How many points the sparkline draws. */
  async sparklinePoints(): Promise<number> {
    const points = (await this.sparklineLine.getAttribute('points')) ?? '';
    return points.trim() === '' ? 0 : points.trim().split(/\s+/).length;
  }
}

/** The inline tags / push URL editors inside `scope` (the details card or a member card). */
export class InlineEditors {
  readonly tagChips: Locator;
  readonly tagsNone: Locator;
  readonly tagsEdit: Locator;
  readonly tagsInput: Locator;
  readonly tagsEditorChips: Locator;
  readonly tagsSave: Locator;
  readonly tagsCancel: Locator;
  readonly pushUrlValue: Locator;
  readonly pushUrlEdit: Locator;
  readonly pushUrlInput: Locator;
  readonly pushUrlError: Locator;
  readonly pushUrlSave: Locator;
  readonly pushUrlCancel: Locator;

  constructor(readonly scope: Locator) {
    this.tagChips = scope.getByTestId('tag-chip');
    this.tagsNone = scope.getByTestId('tags-none');
    this.tagsEdit = scope.getByTestId('tags-edit');
    this.tagsInput = scope.getByTestId('tags-input');
    this.tagsEditorChips = scope.getByTestId('tags-chip').locator('.chip-text');
    this.tagsSave = scope.getByTestId('tags-save');
    this.tagsCancel = scope.getByTestId('tags-cancel');
    this.pushUrlValue = scope.getByTestId('push-url-value');
    this.pushUrlEdit = scope.getByTestId('push-url-edit');
    this.pushUrlInput = scope.getByTestId('push-url-input');
    this.pushUrlError = scope.getByTestId('push-url-input-error');
    this.pushUrlSave = scope.getByTestId('push-url-save');
    this.pushUrlCancel = scope.getByTestId('push-url-cancel');
  }

  /** Types `tag` into the open tag editor and adds it with Enter. */
  async addTag(tag: string): Promise<void> {
    await this.tagsInput.fill(tag);
    await this.tagsInput.press('Enter');
  }

  /** Removes `tag` with its chip's remove button in the open tag editor. */
  async removeTag(tag: string): Promise<void> {
    await this.scope.getByRole('button', { name: `Remove tag ${tag}` }).click();
  }
}

export class StreamOverviewPage {
  readonly header: Locator;
  readonly name: Locator;
  readonly stateBadge: Locator;
  readonly groupBadge: Locator;
  readonly secureBadge: Locator;
  readonly streamId: Locator;
  /** The overflow menu's button; Delete is inside it. */
  readonly more: Locator;
  readonly loading: Locator;
  readonly notFound: Locator;
  readonly watch: Locator;
  readonly instructions: Locator;
  readonly webcaster: Locator;
  readonly lock: Locator;
  readonly unlock: Locator;
  readonly delete: Locator;
  readonly lockDialog: Locator;
  readonly deleteDialog: Locator;
  readonly deleteConfirm: Locator;
  readonly deleteCancel: Locator;
  readonly health: HealthCard;
  readonly details: Locator;
  readonly detailEditors: InlineEditors;
  readonly ingest: Locator;
  readonly abr: Locator;
  readonly members: Locator;
  readonly addProfile: Locator;
  readonly addProfileLimit: Locator;
  readonly profileForm: Locator;
  readonly profileModeCustom: Locator;
  readonly profilePreset: Locator;
  readonly profileWidth: Locator;
  readonly profileHeight: Locator;
  readonly profileBitrate: Locator;
  readonly profileFramerate: Locator;
  readonly profileLadderError: Locator;
  readonly profileSubmit: Locator;
  readonly profileCancel: Locator;
  readonly removeDialog: Locator;
  readonly removeConfirm: Locator;
  readonly secure: Locator;
  readonly playout: Locator;
  readonly vod: Locator;
  /** The VOD card's recordings, and the dialog that plays one. */
  readonly recordings: Locator;
  readonly recordingPlayer: Locator;
  readonly recordingVideo: Locator;
  readonly ingestLog: Locator;
  /** The Latest thumbnail card, its picture and the time it was taken. */
  readonly thumbnail: Locator;
  readonly thumbnailImage: Locator;
  readonly thumbnailTime: Locator;
  /** The Latest motion clip card, its video and the time it was recorded. */
  readonly motionClip: Locator;
  readonly motionClipVideo: Locator;
  readonly motionClipTime: Locator;
  /** The Replay card (the newest live-replay session) and its player's frame. */
  readonly replay: Locator;
  readonly replayFrame: FrameLocator;
  readonly ingestAttempts: Locator;
  readonly ingestLogRefresh: Locator;
  readonly ingestLogEmpty: Locator;
  readonly toasts: Locator;

  constructor(readonly page: Page) {
    this.header = page.getByTestId('stream-header');
    this.name = page.getByTestId('stream-name');
    this.stateBadge = this.header.getByTestId('state-badge');
    this.groupBadge = this.header.getByTestId('group-badge');
    this.secureBadge = this.header.getByTestId('secure-badge');
    this.streamId = page.getByTestId('stream-id');
    this.loading = page.getByTestId('stream-loading');
    this.notFound = page.getByTestId('stream-not-found');
    this.watch = page.getByTestId('action-watch');
    this.instructions = page.getByTestId('action-instructions');
    this.webcaster = page.getByTestId('action-webcaster');
    this.lock = page.getByTestId('action-lock');
    this.unlock = page.getByTestId('action-unlock');
    this.more = page.getByTestId('action-more');
    this.delete = page.getByTestId('action-delete');
    this.lockDialog = page.getByTestId('lock-dialog');
    this.deleteDialog = page.getByTestId('delete-dialog');
    this.deleteConfirm = page.getByTestId('delete-dialog-confirm');
    this.deleteCancel = page.getByTestId('delete-dialog-cancel');
    this.health = new HealthCard(page.getByTestId('ingest-health'));
    this.details = page.getByTestId('stream-details');
    this.detailEditors = new InlineEditors(this.details);
    this.ingest = page.getByTestId('stream-ingest');
    this.abr = page.getByTestId('stream-abr');
    this.members = page.getByTestId('abr-member');
    this.addProfile = page.getByTestId('add-profile');
    this.addProfileLimit = page.getByTestId('add-profile-limit');
    this.profileForm = page.getByTestId('profile-form');
    this.profileModeCustom = page.getByTestId('profile-mode-custom');
    this.profilePreset = page.getByTestId('profile-preset');
    this.profileWidth = page.getByTestId('profile-width');
    this.profileHeight = page.getByTestId('profile-height');
    this.profileBitrate = page.getByTestId('profile-bitrate');
    this.profileFramerate = page.getByTestId('profile-framerate');
    this.profileLadderError = page.getByTestId('profile-ladder-error');
    this.profileSubmit = page.getByTestId('profile-submit');
    this.profileCancel = page.getByTestId('profile-cancel');
    this.removeDialog = page.getByTestId('remove-profile-dialog');
    this.removeConfirm = page.getByTestId('remove-profile-dialog-confirm');
    this.secure = page.getByTestId('stream-secure');
    this.playout = page.getByTestId('stream-playout');
    this.vod = page.getByTestId('stream-vod');
    this.recordings = this.vod.getByTestId('vod-recording');
    this.recordingPlayer = page.getByTestId('recording-player');
    this.recordingVideo = page.getByTestId('recording-video');
    this.ingestLog = page.getByTestId('stream-ingest-log');
    this.thumbnail = page.getByTestId('stream-thumbnail');
    this.thumbnailImage = page.getByTestId('stream-thumbnail-img');
    this.thumbnailTime = page.getByTestId('stream-thumbnail-time');
    this.motionClip = page.getByTestId('stream-motion-clip');
    this.motionClipVideo = page.getByTestId('stream-motion-clip-video');
    this.motionClipTime = page.getByTestId('stream-motion-clip-time');
    this.replay = page.getByTestId('replay-player');
    this.replayFrame = page.frameLocator('[data-testid="replay-player-frame"]');
    this.ingestAttempts = this.ingestLog.getByTestId('ingest-attempt');
    this.ingestLogRefresh = page.getByTestId('ingest-log-refresh');
    this.ingestLogEmpty = page.getByTestId('ingest-log-empty');
    this.toasts = page.getByTestId('toast');
  }

  /**
   * Opens the overview and waits for the app to start: the first start in a fresh
   * browser context compiles the wasm, which takes a while for a debug build on a busy
   * machine, hence the longer wait here (and only here).
   */
  async goto(id: string, tab?: TabKey): Promise<void> {
    await this.gotoPath(tab === undefined || tab === 'overview' ? `/streams/${id}` : `/streams/${id}?tab=${tab}`);
  }

  /** Opens `path` (e.g. a malformed stream address) like {@link goto}. */
  async gotoPath(path: string): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByTestId('topbar-email')).toBeVisible({ timeout: 45_000 });
  }

  /** The overview of the stream named `name` has loaded. */
  async expectShown(name: string): Promise<void> {
    await expect(this.name).toHaveText(name);
  }

  tab(key: TabKey): Locator {
    return this.page.getByTestId(`tab-${key}`);
  }

  panel(key: TabKey): Locator {
    return this.page.getByTestId(`panel-${key}`);
  }

  /** The member card of the group at `index` (0 = passthrough). */
  member(index: number): Locator {
    return this.page.locator(`[data-testid="abr-member"][data-index="${index}"]`);
  }

  /** The editors of the member card at `index`. */
  memberEditors(index: number): InlineEditors {
    return new InlineEditors(this.member(index));
  }

  /** The newest toast with `text`. */
  toast(text: string): Locator {
    return this.toasts.filter({ hasText: text });
  }
}

/**
 * The Overview tab's "Secure playback" card of a secure stream: the group's newest token
 * decoded in words with its status (or why there is none), every claim on request, the
 * token text once it was issued here, and the in-place issue form.
 */
export class SecurePlaybackCard {
  readonly loading: Locator;
  readonly empty: Locator;
  readonly error: Locator;
  readonly retry: Locator;
  readonly token: Locator;
  readonly status: Locator;
  readonly scope: Locator;
  readonly expires: Locator;
  readonly expiresAgo: Locator;
  readonly notBefore: Locator;
  readonly issuedAt: Locator;
  readonly issuedBy: Locator;
  readonly restrictions: Locator;
  readonly revocable: Locator;
  readonly labels: Locator;
  readonly kid: Locator;
  readonly id: Locator;
  readonly once: Locator;
  readonly value: Locator;
  readonly copy: Locator;
  readonly allClaims: Locator;
  readonly allClaimsToggle: Locator;
  readonly issueForm: Locator;
  readonly issueRevocable: Locator;
  readonly issue: Locator;
  readonly snippetsLink: Locator;
  readonly tokensLink: Locator;

  constructor(readonly card: Locator) {
    this.loading = card.getByTestId('secure-token-loading');
    this.empty = card.getByTestId('secure-token-empty');
    this.error = card.getByTestId('error-state');
    this.retry = card.getByTestId('retry');
    this.token = card.getByTestId('secure-token');
    this.status = card.getByTestId('secure-token-status');
    this.scope = card.getByTestId('secure-token-scope');
    this.expires = card.getByTestId('secure-token-expires');
    this.expiresAgo = this.expires.locator('xpath=..').getByTestId('ago');
    this.notBefore = card.getByTestId('secure-token-not-before');
    this.issuedAt = card.getByTestId('secure-token-issued');
    this.issuedBy = card.getByTestId('secure-token-issued-by');
    this.restrictions = card.getByTestId('secure-token-restrictions');
    this.revocable = card.getByTestId('secure-token-revocable');
    this.labels = card.getByTestId('secure-token-labels');
    this.kid = card.getByTestId('secure-token-kid');
    this.id = card.getByTestId('secure-token-id');
    this.once = card.getByTestId('secure-token-once');
    this.value = card.getByTestId('secure-token-value');
    this.copy = card.getByTestId('secure-token-value-copy');
    this.allClaims = card.getByTestId('secure-token-claims');
    this.allClaimsToggle = card.getByTestId('secure-token-all').locator('summary');
    this.issueForm = card.getByTestId('secure-issue-form');
    this.issueRevocable = card.getByTestId('secure-issue-revocable');
    this.issue = card.getByTestId('secure-issue');
    this.snippetsLink = card.getByTestId('secure-snippets-link');
    this.tokensLink = card.getByTestId('secure-tokens-link');
  }

  /** The value of decoded claim (or header part, `header-kid`) `name` in "every claim". */
  claim(name: string): Locator {
    return this.allClaims.getByTestId(name.startsWith('header-') ? name : `claim-${name}`);
  }
}
