/**
 * The token console (`/tokens`): the issue form, the token shown once with its decoded
 * claims, the verify form, and the issued tokens with their Revoke buttons.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** What the issue form is filled with (anything left out stays empty or unchecked). */
export interface IssueFields {
  /** Picked from the "Recent stream" select. */
  pickGroup?: string;
  /** Typed into the group id field. */
  groupId?: string;
  /** Switches to the streams scope and types these names. */
  streams?: string;
  /** Switches to the whole-organisation scope. */
  organisation?: boolean;
  /** `datetime-local` values, UTC (`2026-12-01T12:00`). */
  notBefore?: string;
  expiresAt?: string;
  ip?: string;
  domain?: string;
  userId?: string;
  tag?: string;
  revocable?: boolean;
  forceDisconnect?: boolean;
}

/** What the verify form is sent with, besides the token. */
export interface VerifyFields {
  stream?: string;
  ip?: string;
  domain?: string;
}

export class TokensPage {
  readonly heading: Locator;
  readonly upgradeNeeded: Locator;

  readonly issueForm: Locator;
  readonly issueNotAllowed: Locator;
  readonly groupPick: Locator;
  readonly groupId: Locator;
  readonly streams: Locator;
  readonly notBefore: Locator;
  readonly expiresAt: Locator;
  readonly ip: Locator;
  readonly domain: Locator;
  readonly userId: Locator;
  readonly tag: Locator;
  readonly revocable: Locator;
  readonly forceDisconnect: Locator;
  readonly issueWindow: Locator;
  readonly issueSubmit: Locator;

  readonly issued: Locator;
  readonly issuedOnce: Locator;
  readonly issuedValue: Locator;
  readonly issuedCopy: Locator;
  readonly issuedClaims: Locator;
  readonly issuedDismiss: Locator;

  readonly verifyCard: Locator;
  readonly verifyToken: Locator;
  readonly verifyStream: Locator;
  readonly verifyIp: Locator;
  readonly verifyDomain: Locator;
  readonly verifySubmit: Locator;
  readonly verifyResult: Locator;
  readonly verifyVerdict: Locator;
  readonly verifyReason: Locator;
  readonly verifyClaims: Locator;

  readonly list: Locator;
  readonly rows: Locator;
  readonly range: Locator;
  readonly revokeButtons: Locator;
  readonly revokeDialog: Locator;
  readonly revokeConfirm: Locator;
  readonly revokeCancel: Locator;
  readonly toasts: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Playback tokens' });
    this.upgradeNeeded = page.getByTestId('upgrade-needed');

    this.issueForm = page.getByTestId('issue-form');
    this.issueNotAllowed = page.getByTestId('issue-not-allowed');
    this.groupPick = page.getByTestId('issue-group-pick');
    this.groupId = page.getByTestId('issue-group');
    this.streams = page.getByTestId('issue-streams');
    this.notBefore = page.getByTestId('issue-not-before');
    this.expiresAt = page.getByTestId('issue-expires-at');
    this.ip = page.getByTestId('issue-ip');
    this.domain = page.getByTestId('issue-domain');
    this.userId = page.getByTestId('issue-user-id');
    this.tag = page.getByTestId('issue-tag');
    this.revocable = page.getByTestId('issue-revocable');
    this.forceDisconnect = page.getByTestId('issue-force-disconnect');
    this.issueWindow = page.getByTestId('issue-window');
    this.issueSubmit = page.getByTestId('issue-submit');

    this.issued = page.getByTestId('issued-token');
    this.issuedOnce = page.getByTestId('issued-once');
    this.issuedValue = page.getByTestId('issued-token-value');
    this.issuedCopy = page.getByTestId('issued-token-value-copy');
    this.issuedClaims = page.getByTestId('issued-claims');
    this.issuedDismiss = page.getByTestId('issued-dismiss');

    this.verifyCard = page.getByTestId('verify-card');
    this.verifyToken = page.getByTestId('verify-token');
    this.verifyStream = page.getByTestId('verify-stream');
    this.verifyIp = page.getByTestId('verify-ip');
    this.verifyDomain = page.getByTestId('verify-domain');
    this.verifySubmit = page.getByTestId('verify-submit');
    this.verifyResult = page.getByTestId('verify-result');
    this.verifyVerdict = page.getByTestId('verify-verdict');
    this.verifyReason = page.getByTestId('verify-reason');
    this.verifyClaims = page.getByTestId('verify-claims');

    this.list = page.getByTestId('tokens-list');
    this.rows = page.getByTestId('token-row');
    this.range = page.getByTestId('tokens-range');
    this.revokeButtons = page.getByTestId('revoke-token');
    this.revokeDialog = page.getByTestId('revoke-dialog');
    this.revokeConfirm = page.getByTestId('revoke-dialog-confirm');
    this.revokeCancel = page.getByTestId('revoke-dialog-cancel');
    this.toasts = page.getByTestId('toast');
  }

  async goto(): Promise<void> {
    await this.page.goto('/tokens');
    await expect(this.heading).toBeVisible();
  }

  /** The issued tokens have loaded (a table or the empty state). */
  async expectListLoaded(): Promise<void> {
    await expect(this.page.getByTestId('tokens-table').or(this.page.getByTestId('tokens-empty'))).toBeVisible();
  }

  /** Fills the issue form (does not submit). */
  async fillIssue(fields: IssueFields): Promise<void> {
    if (fields.streams !== undefined) {
      await this.page.getByTestId('issue-scope-streams').check();
      await this.streams.fill(fields.streams);
    } else if (fields.organisation) {
      await this.page.getByTestId('issue-scope-organisation').check();
    } else {
      await this.page.getByTestId('issue-scope-group').check();
      if (fields.pickGroup !== undefined) {
        await this.groupPick.selectOption(fields.pickGroup);
      }
      if (fields.groupId !== undefined) {
        await this.groupId.fill(fields.groupId);
      }
    }
    const texts: [Locator, string | undefined][] = [
      [this.notBefore, fields.notBefore],
      [this.expiresAt, fields.expiresAt],
      [this.ip, fields.ip],
      [this.domain, fields.domain],
      [this.userId, fields.userId],
      [this.tag, fields.tag],
    ];
    for (const [input, value] of texts) {
      if (value !== undefined) {
        await input.fill(value);
      }
    }
    await this.revocable.setChecked(fields.revocable ?? false);
    await this.forceDisconnect.setChecked(fields.forceDisconnect ?? false);
  }

  /** Fills and submits the issue form; returns the token shown and its id. */
  async issue(fields: IssueFields): Promise<{ id: string; token: string }> {
    await this.fillIssue(fields);
    await this.issueSubmit.click();
    await expect(this.issued).toBeVisible();
    const id = await this.issued.getAttribute('data-token-id');
    const token = (await this.issuedValue.textContent())?.trim() ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(token.split('.')).toHaveLength(3);
    return { id: id ?? '', token };
  }

  /** A claim (`grp`, `dom`, …) or header field (`header-kid`) of a decoded view. */
  claim(view: Locator, name: string): Locator {
    return view.getByTestId(name.startsWith('header-') ? name : `claim-${name}`);
  }

  /** Pastes `token` into Verify with the given checks and waits for the answer. */
  async verify(token: string, fields: VerifyFields = {}): Promise<void> {
    await this.verifyToken.fill(token);
    await this.verifyStream.fill(fields.stream ?? '');
    await this.verifyIp.fill(fields.ip ?? '');
    await this.verifyDomain.fill(fields.domain ?? '');
    const answered = this.page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/tokens/verify') && r.request().method() === 'POST',
    );
    await this.verifySubmit.click();
    await answered;
    await expect(this.verifyResult).toBeVisible();
    await expect(this.verifySubmit).toBeEnabled();
  }

  /** The list row of token `id`. */
  row(id: string): Locator {
    return this.page.locator(`[data-testid="token-row"][data-token-id="${id}"]`);
  }

  /** An issue-form field's inline error (`issue-group`, `issue-expires-at`, …). */
  fieldError(testid: string): Locator {
    return this.page.getByTestId(`${testid}-error`);
  }
}
