/** Shortcuts through the API for specs whose subject is not the sign-in form itself. */
import { expect, type APIRequestContext } from '@playwright/test';

/**
 * Signs in with the page's own request context (`page.request`), so the session cookie
 * lands in the browser context the page uses.
 */
export async function signInThroughApi(
  request: APIRequestContext,
  email: string,
  password: string,
): Promise<void> {
  const answer = await request.post('/api/v1/auth/login', {
    data: { email, password },
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(answer.status(), await answer.text()).toBe(200);
}
