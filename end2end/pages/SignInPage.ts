/** The sign-in page (`/sign-in`). */
import { expect, type Locator, type Page, type Response } from '@playwright/test';

export class SignInPage {
  readonly heading: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  /** The alert that shows the server's refusal. */
  readonly error: Locator;
  readonly emailError: Locator;
  readonly passwordError: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Sign in' });
    this.email = page.getByTestId('sign-in-email');
    this.password = page.getByTestId('sign-in-password');
    this.submit = page.getByTestId('sign-in-submit');
    this.error = page.getByTestId('sign-in-error');
    this.emailError = page.getByTestId('sign-in-email-error');
    this.passwordError = page.getByTestId('sign-in-password-error');
  }

  async goto(next?: string): Promise<void> {
    await this.page.goto(next === undefined ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`);
    await this.expectShown();
  }

  /** The browser is on the sign-in page and the form is ready. */
  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL((url) => url.pathname === '/sign-in');
    await expect(this.heading).toBeVisible();
    await expect(this.submit).toBeEnabled();
  }

  async fill(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
  }

  /** Fills the form, submits it and returns the server's answer to the login call. */
  async signIn(email: string, password: string): Promise<Response> {
    await this.fill(email, password);
    const answer = this.page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST',
    );
    await this.submit.click();
    return answer;
  }
}
