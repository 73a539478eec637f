// Per-endpoint OAuth scopes (Attio's OpenAPI `security` blocks) and the second seeded
// workspace ("Fresh Start"), driven through the stand-in's own OAuth pages over HTTP.
import { beforeEach, describe, expect, it } from 'vitest';
import { type AttioStandin, createAttioStandin } from './app.ts';
import { DEFAULT_CLIENT } from './auth.ts';
import { DEFAULT_SCOPES, ROUTE_SCOPES, requiredScopes } from './scopes.ts';
import { DEMO_MEMBER_EMAIL } from './seed.ts';
import { FRESH_OWNER_EMAIL, FRESH_WORKSPACE } from './seed-fresh.ts';

const ORIGIN = 'https://standin.test';
const REDIRECT_URI = DEFAULT_CLIENT.redirectUris[0] ?? '';

type Json = Record<string, unknown>;

let attio: AttioStandin;

beforeEach(() => {
  attio = createAttioStandin();
});

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  return attio.app.fetch(new Request(`${ORIGIN}${path}`, init));
}

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} in the page`);
  return match[1];
}

/** The whole authorization-code flow, as a browser and the app's backend would do it. */
async function signIn(email: string): Promise<string> {
  const base = { client_id: DEFAULT_CLIENT.clientId, redirect_uri: REDIRECT_URI, state: 's1' };
  const authorize = await send(`/authorize?${new URLSearchParams({ ...base, response_type: 'code' })}`);
  expect(authorize.status).toBe(200);
  const consent = await send('/authorize/sign-in', form({ ...base, response_type: 'code', email }));
  expect(consent.status).toBe(200);
  const ticket = hidden(await consent.text(), 'ticket');
  const decision = await send('/authorize/decision', form({ ...base, ticket, decision: 'allow' }));
  expect(decision.status).toBe(302);
  const code = new URL(decision.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await send(
    '/oauth/token',
    form({
      client_id: DEFAULT_CLIENT.clientId,
      client_secret: DEFAULT_CLIENT.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    }),
  );
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string };
  return body.access_token;
}

async function api(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const response = await send(path, init);
  return { status: response.status, json: (await response.json()) as Json };
}

async function setScopes(body: unknown): Promise<Response> {
  return send('/_standin/scopes', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function data(json: Json): Json[] {
  return json.data as Json[];
}

async function firstRecordId(token: string, object: string): Promise<string> {
  const { json } = await api(token, 'POST', `/v2/objects/${object}/records/query`, { limit: 1 });
  const first = data(json)[0] as { id: { record_id: string } } | undefined;
  if (!first) throw new Error(`no ${object}`);
  return first.id.record_id;
}

describe('OAuth scopes per endpoint', () => {
  it('covers every /v2 route the stand-in serves with a row from the OpenAPI table', () => {
    const served = attio.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v2/'));
    expect(served.length).toBeGreaterThan(30);
    for (const route of served) {
      const concrete = route.path.replace(/:([a-z_]+)/g, (_, name: string) =>
        name === 'identifier' ? 'companies' : `some-${name}`,
      );
      expect(requiredScopes(route.method, concrete), `${route.method} ${route.path}`).toBeDefined();
    }
    // Attio's document: members and tasks need user_management:read; records query needs two scopes.
    expect(requiredScopes('GET', '/v2/workspace_members')).toEqual(['user_management:read']);
    expect(requiredScopes('GET', '/v2/tasks')).toContain('user_management:read');
    expect(requiredScopes('POST', '/v2/objects/records/search')).toEqual([
      'record_permission:read',
      'object_configuration:read',
    ]);
    expect(requiredScopes('GET', '/v2/self')).toEqual([]);
    expect(ROUTE_SCOPES.every(([, , scopes]) => scopes.every((s) => /^[a-z_]+:read(-write)?$/.test(s)))).toBe(true);
  });

  it('issues tokens with every scope by default, and /v2/self reports them', async () => {
    const token = await signIn(DEMO_MEMBER_EMAIL);
    const self = await api(token, 'GET', '/v2/self');
    expect(self.json.scope).toBe(DEFAULT_SCOPES.join(' '));
    expect((await api(token, 'GET', '/v2/tasks')).status).toBe(200);
    expect((await api(token, 'GET', '/v2/workspace_members')).status).toBe(200);
  });

  it('refuses each kind of endpoint with 403 naming the missing scopes for an app with fewer scopes', async () => {
    const full = await signIn(DEMO_MEMBER_EMAIL);
    const companyId = await firstRecordId(full, 'companies');
    const set = await setScopes({ scopes: ['object_configuration:read', 'record_permission:read'] });
    expect(set.status).toBe(200);
    const token = await signIn(DEMO_MEMBER_EMAIL);

    expect((await api(token, 'GET', '/v2/self')).json.scope).toBe('object_configuration:read record_permission:read');
    // Allowed by these scopes.
    expect((await api(token, 'GET', '/v2/objects')).status).toBe(200);
    expect((await api(token, 'GET', '/v2/objects/companies/attributes')).status).toBe(200);
    expect((await api(token, 'POST', '/v2/objects/companies/records/query', { limit: 1 })).status).toBe(200);
    expect((await api(token, 'GET', `/v2/objects/companies/records/${companyId}`)).status).toBe(200);

    const refused: [string, string, unknown, string[]][] = [
      [
        'POST',
        '/v2/objects/companies/records',
        { data: { values: { name: [{ value: 'X' }] } } },
        ['record_permission:read-write'],
      ],
      [
        'PATCH',
        `/v2/objects/companies/records/${companyId}`,
        { data: { values: {} } },
        ['record_permission:read-write'],
      ],
      ['DELETE', `/v2/objects/companies/records/${companyId}`, undefined, ['record_permission:read-write']],
      ['GET', `/v2/objects/companies/records/${companyId}/entries`, undefined, ['list_entry:read']],
      ['GET', '/v2/workspace_members', undefined, ['user_management:read']],
      ['GET', '/v2/lists', undefined, ['list_configuration:read']],
      ['POST', '/v2/lists/sales_pipeline/entries/query', {}, ['list_entry:read', 'list_configuration:read']],
      ['GET', '/v2/notes', undefined, ['note:read']],
      ['DELETE', '/v2/notes/00000000-0000-4000-8000-000000000000', undefined, ['note:read-write']],
      ['GET', '/v2/tasks', undefined, ['task:read', 'user_management:read']],
      ['DELETE', '/v2/tasks/00000000-0000-4000-8000-000000000000', undefined, ['task:read-write']],
    ];
    for (const [method, path, body, missing] of refused) {
      const { status, json } = await api(token, method, path, body);
      expect(status, `${method} ${path}`).toBe(403);
      expect(json).toMatchObject({ status_code: 403, type: 'auth_error', code: 'missing_scopes' });
      for (const scope of missing) expect(json.message, `${method} ${path}`).toContain(scope);
      expect(json.message).toContain(missing.join(', '));
    }

    // The token issued before the change keeps its scopes; an unknown scope name is refused.
    expect((await api(full, 'GET', '/v2/tasks')).status).toBe(200);
    expect((await setScopes({ scopes: ['records:read'] })).status).toBe(400);
  });

  it("asks list_configuration:read, not object_configuration:read, for a list's attributes", async () => {
    // Docs page "Get an attribute" (and attio-ts-sdk's descriptions): "When `target` is `lists`,
    // the required scopes are `list_configuration:read`."
    await setScopes({ scopes: ['list_configuration:read'] });
    const lists = await signIn(DEMO_MEMBER_EMAIL);
    expect((await api(lists, 'GET', '/v2/lists/sales_pipeline/attributes')).status).toBe(200);
    expect((await api(lists, 'GET', '/v2/lists/sales_pipeline/attributes/stage/statuses')).status).toBe(200);
    expect((await api(lists, 'GET', '/v2/objects/companies/attributes')).status).toBe(403);
    await setScopes({ scopes: ['object_configuration:read'] });
    const objects = await signIn(DEMO_MEMBER_EMAIL);
    expect((await api(objects, 'GET', '/v2/objects/companies/attributes')).status).toBe(200);
    const refused = await api(objects, 'GET', '/v2/lists/sales_pipeline/attributes');
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain('list_configuration:read');
    await setScopes({ all: true });
  });

  it('lists, without a filter, only the threads whose record or entry scopes the token holds', async () => {
    // GET /v2/threads: "To view threads on records, you will need `object_configuration:read` and
    // `record_permission:read`. To view threads on list entries, … `list_configuration:read` and
    // `list_entry:read`."
    // A thread's comments say what it is on (`entry` null: a record's thread).
    const onEntry = (thread: Json) => (thread.comments as Json[])[0]?.entry !== null;
    const all = data((await api(await signIn(DEMO_MEMBER_EMAIL), 'GET', '/v2/threads?limit=50')).json);
    expect(all.some(onEntry)).toBe(true);
    await setScopes({ scopes: ['comment:read', 'object_configuration:read', 'record_permission:read'] });
    const recordsOnly = await signIn(DEMO_MEMBER_EMAIL);
    const seen = data((await api(recordsOnly, 'GET', '/v2/threads?limit=50')).json);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some(onEntry)).toBe(false);
    expect(seen.length).toBe(all.filter((thread) => !onEntry(thread)).length);
    await setScopes({ all: true });
  });

  it('counts a read-write scope as its read scope, and { all: true } or reset restores every scope', async () => {
    await setScopes({ scopes: ['object_configuration:read', 'record_permission:read-write'] });
    const writer = await signIn(DEMO_MEMBER_EMAIL);
    expect((await api(writer, 'POST', '/v2/objects/people/records/query', { limit: 1 })).status).toBe(200);
    expect((await api(writer, 'GET', '/v2/notes')).status).toBe(403);

    await setScopes({ all: true });
    expect((await api(await signIn(DEMO_MEMBER_EMAIL), 'GET', '/v2/notes')).status).toBe(200);

    attio.state.auth.setScopes(['user_management:read']);
    const members = await signIn(DEMO_MEMBER_EMAIL);
    expect((await api(members, 'GET', '/v2/workspace_members')).status).toBe(200);
    expect((await api(members, 'GET', '/v2/objects')).status).toBe(403);
    attio.state.reset();
    expect(attio.state.auth.nextScopes).toEqual([...DEFAULT_SCOPES]);
    const self = await api(await signIn(DEMO_MEMBER_EMAIL), 'GET', '/v2/self');
    expect(self.json.scope).toBe(DEFAULT_SCOPES.join(' '));
  });
});

describe('the second workspace, Fresh Start', () => {
  it('signs @fresh.example members in to it, with its own members', async () => {
    const token = await signIn(FRESH_OWNER_EMAIL);
    const self = await api(token, 'GET', '/v2/self');
    expect(self.json).toMatchObject({
      active: true,
      workspace_name: FRESH_WORKSPACE.name,
      workspace_slug: FRESH_WORKSPACE.slug,
      workspace_id: attio.state.workspaces.fresh.workspace.id,
    });
    expect(self.json.workspace_logo_url).toEqual(expect.any(String));
    const members = data((await api(token, 'GET', '/v2/workspace_members')).json);
    expect(members.map((m) => m.email_address)).toEqual([
      'owner@fresh.example',
      'invited@fresh.example',
      'theo@fresh.example',
    ]);
    expect(members[0]?.avatar_url).toEqual(expect.stringMatching(/^https:\/\//));
    expect(members[1]).toMatchObject({ first_name: '', last_name: '', avatar_url: null });
    const me = await api(token, 'GET', `/v2/workspace_members/${String(self.json.authorized_by_workspace_member_id)}`);
    expect(me.json.data).toMatchObject({ first_name: 'Olive', email_address: FRESH_OWNER_EMAIL });

    // An unknown email at the domain joins Fresh Start; any other unknown email joins Demo.
    const newcomer = await api(await signIn('newcomer@fresh.example'), 'GET', '/v2/self');
    expect(newcomer.json.workspace_slug).toBe(FRESH_WORKSPACE.slug);
    const stranger = await api(await signIn('stranger@elsewhere.test'), 'GET', '/v2/self');
    expect(stranger.json.workspace_slug).toBe('demo-workspace');
  });

  it('has no deals, lists, notes or tasks, and a custom projects object', async () => {
    const token = await signIn(FRESH_OWNER_EMAIL);
    const objects = data((await api(token, 'GET', '/v2/objects')).json);
    expect(objects.map((o) => o.api_slug)).toEqual(['companies', 'people', 'projects']);

    for (const [method, path, body] of [
      ['GET', '/v2/objects/deals', undefined],
      ['GET', '/v2/objects/deals/attributes', undefined],
      ['POST', '/v2/objects/deals/records/query', {}],
    ] as const) {
      const { status, json } = await api(token, method, path, body);
      expect(status, path).toBe(404);
      expect(json).toMatchObject({ status_code: 404, type: 'invalid_request_error', code: 'not_found' });
    }
    expect(data((await api(token, 'GET', '/v2/lists')).json)).toEqual([]);
    expect(data((await api(token, 'GET', '/v2/notes')).json)).toEqual([]);
    expect(data((await api(token, 'GET', '/v2/tasks')).json)).toEqual([]);

    const attributes = data((await api(token, 'GET', '/v2/objects/projects/attributes')).json);
    const bySlug = new Map(attributes.map((a) => [a.api_slug, a]));
    expect(bySlug.get('phase')).toMatchObject({ type: 'select' });
    expect(bySlug.get('budget')).toMatchObject({ type: 'number', description: null });
    expect(bySlug.get('client')).toMatchObject({ type: 'record-reference' });
    expect(bySlug.get('kickoff_at')).toMatchObject({ type: 'timestamp' });
    const options = data((await api(token, 'GET', '/v2/objects/projects/attributes/phase/options')).json);
    expect(options.map((o) => o.title)).toEqual(['Discovery', 'Build', 'Launched', 'Paused']);
  });

  it('serves its own records, with empty values, no domains and web_urls under its slug', async () => {
    const token = await signIn(FRESH_OWNER_EMAIL);
    const companies = data((await api(token, 'POST', '/v2/objects/companies/records/query', {})).json);
    const name = (r: Json) => ((r.values as Record<string, { value?: string }[]>).name?.[0]?.value ?? '') as string;
    expect(companies.map(name)).toEqual(['Northwind Studio', 'Bluebird Labs', 'Quarry & Co', 'Lumen Ops', 'Kestrel']);
    const quarry = companies.find((c) => name(c) === 'Quarry & Co') as { values: Record<string, unknown[]> };
    expect(quarry.values.domains).toEqual([]);
    expect(quarry.values.description).toEqual([]);
    for (const company of companies) expect(company.web_url).toMatch(/^https:\/\/app\.attio\.com\/fresh-start\//);

    const projects = data((await api(token, 'POST', '/v2/objects/projects/records/query', {})).json);
    expect(projects).toHaveLength(4);
    const relaunch = projects.find((p) => name(p) === 'Website relaunch') as { values: Record<string, Json[]> };
    expect(relaunch.values.phase?.[0]).toMatchObject({ attribute_type: 'select', option: { title: 'Build' } });
    expect(relaunch.values.budget?.[0]).toMatchObject({ attribute_type: 'number', value: 48000 });
    expect(relaunch.values.client?.[0]).toMatchObject({
      attribute_type: 'record-reference',
      target_object: 'companies',
    });
    expect(relaunch.values.kickoff_at?.[0]).toMatchObject({ attribute_type: 'timestamp' });
    const untitled = projects.find((p) => name(p) === 'Untitled project') as { values: Record<string, unknown[]> };
    expect(untitled.values.phase).toEqual([]);
    expect(untitled.values.budget).toEqual([]);
    expect(untitled.values.client).toEqual([]);
    expect(untitled.values.kickoff_at).toEqual([]);

    const people = data((await api(token, 'POST', '/v2/objects/people/records/query', {})).json);
    expect(people).toHaveLength(5);
    // The record page lives under the workspace's slug.
    const webUrl = String((relaunch as unknown as Json).web_url);
    const page = await send(new URL(webUrl).pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Website relaunch');
  });

  it('keeps the two workspaces apart', async () => {
    const demo = await signIn(DEMO_MEMBER_EMAIL);
    const fresh = await signIn(FRESH_OWNER_EMAIL);
    const demoCompany = await firstRecordId(demo, 'companies');
    const freshCompany = await firstRecordId(fresh, 'companies');

    expect((await api(fresh, 'GET', `/v2/objects/companies/records/${demoCompany}`)).status).toBe(404);
    expect((await api(demo, 'GET', `/v2/objects/companies/records/${freshCompany}`)).status).toBe(404);
    expect((await api(demo, 'GET', '/v2/objects/projects')).status).toBe(404);
    expect((await api(demo, 'GET', '/v2/objects/deals')).status).toBe(200);

    const freshNames = data((await api(fresh, 'POST', '/v2/objects/companies/records/query', {})).json);
    expect(JSON.stringify(freshNames)).not.toContain('Acme Corp');
    const demoMembers = data((await api(demo, 'GET', '/v2/workspace_members')).json);
    expect(demoMembers.some((m) => String(m.email_address).endsWith('@fresh.example'))).toBe(false);
    expect(demoMembers.some((m) => m.email_address === DEMO_MEMBER_EMAIL)).toBe(true);
  });

  it('is restored by reset, like the first', async () => {
    const token = await signIn(FRESH_OWNER_EMAIL);
    const created = await api(token, 'POST', '/v2/objects/projects/records', {
      data: { values: { name: [{ value: 'Temporary' }], phase: [{ option: 'Paused' }], budget: [{ value: 1 }] } },
    });
    expect(created.status).toBe(200);
    expect(data((await api(token, 'POST', '/v2/objects/projects/records/query', {})).json)).toHaveLength(5);
    const reset = await send('/_standin/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(data((await api(token, 'POST', '/v2/objects/projects/records/query', {})).json)).toHaveLength(4);
    expect((await api(token, 'GET', '/v2/self')).json.workspace_slug).toBe(FRESH_WORKSPACE.slug);
  });
});
