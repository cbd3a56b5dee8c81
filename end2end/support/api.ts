/**
 * Shortcuts through the real API for specs whose subject is not the step itself:
 * signing in, creating users of a role, streams and tokens, and playing the media server
 * (the ingest hooks). Every call asserts its status, so a broken shortcut fails loudly.
 */
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { e2e } from './env';

const CSRF = { 'X-Requested-With': 'castboard' };

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
    headers: CSRF,
  });
  expect(answer.status(), await answer.text()).toBe(200);
}

/** The parts of a stream object the specs read. */
export interface StreamJson {
  id: string;
  name: string;
  state: string;
  streamgroup_id: string;
  index: number;
  tags: string[];
  members: { id: string; name: string; index: number; profile: { id: string } | null }[];
  updated_at: string;
}

export type Role = 'admin' | 'user' | 'read_only';

/** An API client with its own cookie jar (not the page's), signed in as someone. */
export class Api {
  private constructor(readonly request: APIRequestContext) {}

  /** Signed in as `email` (default: the main organisation's admin). */
  static async as(email: string = e2e.adminEmail, password: string = e2e.adminPassword): Promise<Api> {
    const request = await playwrightRequest.newContext({ baseURL: e2e.baseUrl });
    await signInThroughApi(request, email, password);
    return new Api(request);
  }

  async dispose(): Promise<void> {
    await this.request.dispose();
  }

  async post<T>(path: string, data: unknown, status = 201): Promise<T> {
    const answer = await this.request.post(`/api/v1${path}`, { data, headers: CSRF });
    const text = await answer.text();
    expect(answer.status(), `POST ${path}: ${text}`).toBe(status);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async get<T>(path: string): Promise<T> {
    const answer = await this.request.get(`/api/v1${path}`);
    const text = await answer.text();
    expect(answer.status(), `GET ${path}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  }

  /** `POST /streams` → the group's passthrough. */
  async createStream(body: Record<string, unknown> = {}): Promise<StreamJson> {
    return this.post<StreamJson>('/streams', body);
  }

  async stream(id: string): Promise<StreamJson> {
    return this.get<StreamJson>(`/streams/${id}`);
  }

  /** A new user of the organisation with `role`; the password is the admin's. */
  async createUser(role: Role, email = uniqueEmail(role)): Promise<{ id: string; email: string; role: Role }> {
    return this.post('/users', { email, password: e2e.adminPassword, role });
  }
}

/** An email no other test used. */
export function uniqueEmail(prefix: string): string {
  return `${prefix.replace(/_/g, '-')}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
}

/**
 * Signs the page in as a new user with `role` in the main organisation (an admin creates
 * it through the API first); returns the user's email.
 */
export async function signInAs(page: Page, role: Role): Promise<string> {
  if (role === 'admin') {
    await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
    return e2e.adminEmail;
  }
  const admin = await Api.as();
  const user = await admin.createUser(role);
  await admin.dispose();
  await signInThroughApi(page.request, user.email, e2e.adminPassword);
  return user.email;
}

/**
 * What the media server does: calls an ingest hook (`publish`, `publish_done`, …) for
 * streamname `name`, like nginx-rtmp's callback form (`extra` adds fields, e.g.
 * record_done's `path`). Returns the status.
 */
export async function ingest(
  event: 'publish' | 'publish_done' | 'update_publish' | 'record_done',
  name: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const request = await playwrightRequest.newContext({ baseURL: e2e.baseUrl });
  const answer = await request.post(`/api/v1/ingest/${event}?secret=${encodeURIComponent(e2e.ingestSecret)}`, {
    form: { call: event, name, app: 'live', addr: '127.0.0.1', clientid: '1', ...extra },
  });
  const status = answer.status();
  await request.dispose();
  return status;
}
