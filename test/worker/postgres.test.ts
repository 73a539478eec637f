import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { checkStatement } from '../../src/tools/postgres/sql-guard';
import { workerSqlParser } from '../../src/tools/postgres/sql-parser.worker';
import { ORIGIN } from '../support/worker';

/**
 * The Postgres pack inside workerd: the real Postgres parser loaded the way the Worker loads it (the
 * `.wasm` module wrangler bundles, instantiated once per isolate), and the database settings
 * checked at start-up like every setting. Queries against a real database run end to end against
 * `wrangler dev` (test/e2e/supabase.test.ts).
 */

describe('the SQL guard in workerd', () => {
  it('loads the parser once per isolate and judges statements by their parse tree', async () => {
    const parser = await workerSqlParser();
    expect(await workerSqlParser()).toBe(parser);
    expect(checkStatement(parser, 'select id from deals', { write: false })).toEqual({ ok: true, kind: 'read' });
    expect(checkStatement(parser, "update deals set stage = 'won' where id = 1", { write: true })).toEqual({
      ok: true,
      kind: 'write',
    });
    expect(checkStatement(parser, 'select 1; set role postgres', { write: true })).toMatchObject({
      ok: false,
      code: 'several_statements',
    });
    expect(
      checkStatement(parser, "select * from deals where length(set_config('role', 'postgres', true)) > 0", {
        write: true,
      }),
    ).toMatchObject({ ok: false, code: 'function_not_allowed', position: 34 });
    expect(checkStatement(parser, 'selec 1', { write: false })).toEqual({
      ok: false,
      code: 'syntax_error',
      reason: 'syntax error at or near "selec"',
      position: 1,
    });
  });
});

const SUPABASE = {
  UPSTREAM: 'supabase',
  SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
  SUPABASE_CLIENT_ID: '9a8b7c6d-5e4f-4a2b-8c0d-9e8f7a6b5c4d',
  SUPABASE_CLIENT_SECRET: 'a-client-secret',
};

async function health(overrides: Record<string, unknown>) {
  const configured = { ...env, ...overrides } as Env;
  const request = new Request(`${ORIGIN}/health`) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, configured, createExecutionContext());
  const text = await response.text();
  return { status: response.status, text, checks: (JSON.parse(text) as { checks: Record<string, boolean> }).checks };
}

describe('database settings, checked at start-up', () => {
  it('Supabase without a database is not configured, and /health says DATABASE', async () => {
    const { status, checks } = await health(SUPABASE);
    expect(status).toBe(503);
    expect(checks).toMatchObject({ SUPABASE_URL: true, SUPABASE_CLIENT_ID: true, DATABASE: false });
  });

  it('Supabase with DATABASE_URL (development) or a Hyperdrive binding (production) is ready', async () => {
    const url = await health({
      ...SUPABASE,
      DATABASE_URL: 'postgresql://authenticator:secret@127.0.0.1:5432/postgres',
    });
    expect(url.status).toBe(200);
    expect(url.checks).toMatchObject({ DATABASE: true, DATABASE_URL: true, DATABASE_ROLE: true });
    expect(url.text).not.toContain('secret');
    const hyperdrive = await health({
      ...SUPABASE,
      HYPERDRIVE: { connectionString: 'postgresql://user:secret@hyperdrive.local:5432/postgres' },
    });
    expect(hyperdrive.status).toBe(200);
    expect(hyperdrive.checks).toMatchObject({ DATABASE: true, HYPERDRIVE: true });
  });

  it('reports each wrong database setting without crashing', async () => {
    const { status, checks } = await health({
      ...SUPABASE,
      DATABASE_URL: 'mysql://nope',
      DATABASE_ROLE: 'bad role; drop',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_ROW_CAP: 'many',
      HYPERDRIVE: 'not a binding',
    });
    expect(status).toBe(503);
    expect(checks).toMatchObject({
      DATABASE_URL: false,
      DATABASE_ROLE: false,
      DATABASE_STATEMENT_TIMEOUT_MS: false,
      DATABASE_ROW_CAP: false,
      HYPERDRIVE: false,
      DATABASE: false,
    });
  });

  it('a SUPABASE_URL with a path (the issuer instead of the project) is refused', async () => {
    const { checks } = await health({
      ...SUPABASE,
      SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co/auth/v1',
      DATABASE_URL: 'postgresql://a:b@127.0.0.1/postgres',
    });
    expect(checks.SUPABASE_URL).toBe(false);
  });

  it('the generic OpenID upstream needs an issuer and a client; its database is optional', async () => {
    const { status, checks } = await health({
      UPSTREAM: 'oidc',
      OIDC_ISSUER: 'https://login.example.com',
      OIDC_CLIENT_ID: 'client',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_SCOPES: 'email profile',
    });
    expect(status).toBe(503);
    expect(checks).toMatchObject({ OIDC_ISSUER: true, OIDC_SCOPES: false });
    expect(Object.keys(checks)).not.toContain('DATABASE');
  });
});
