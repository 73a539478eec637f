import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupabaseStack } from '../../scripts/lib/stack.ts';
import { SEED_USERS } from '../standins/postgres/users.ts';
import { StoppedAtPage } from '../support/oauth-client';
import { BrowserOAuthProvider, callTool, connect, signInAt, standardFlow } from './upstream-flow';

/**
 * UPSTREAM=supabase (issue 19): the real `wrangler dev` signing people in through an OpenID
 * Provider shaped like Supabase Auth's OAuth 2.1 server, and its Postgres pack querying a real
 * Postgres 18 (the CRM under Supabase-style row-level security) as the person who signed in.
 * Every call goes through the SDK client, the OAuth provider, the session and the pack, and the
 * database connection is the Worker's own (pg over workerd's sockets).
 */

const { alice, bob } = SEED_USERS;
const ALICE_DEALS = [1, 2, 3, 4, 5];
const BOB_DEALS = [6, 7, 8, 9];
const TIMEOUT_MS = 1000;
const BOB_CLAIMS = JSON.stringify({ sub: bob.id, role: 'authenticated' });

let stack: Awaited<ReturnType<typeof startSupabaseStack>>;
let asAlice: Client;
let asBob: Client;
/** Alice again, having unticked "change data" on the consent page. */
let asAliceReadOnly: Client;

beforeAll(async () => {
  stack = await startSupabaseStack({ vars: { DATABASE_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) } });
  [asAlice, asBob, asAliceReadOnly] = await Promise.all([
    connect(stack.origin, new BrowserOAuthProvider(stack.origin, alice.email), 'streamable-http'),
    connect(stack.origin, new BrowserOAuthProvider(stack.origin, bob.email), 'streamable-http'),
    connect(stack.origin, new BrowserOAuthProvider(stack.origin, alice.email, ['mcp:write']), 'streamable-http'),
  ]);
});
afterAll(async () => {
  await Promise.all([asAlice?.close(), asBob?.close(), asAliceReadOnly?.close()]);
  await stack?.stop();
});

async function sql(client: Client, text: string) {
  const { result, structured, isError } = await callTool(client, 'query', { sql: text });
  const content = result.content as { type: string; text: string }[];
  return { structured, isError, text: content.map((part) => part.text).join('\n') };
}

async function dealIds(client: Client): Promise<unknown[]> {
  const answer = await sql(client, 'select id from deals order by id');
  expect(answer.isError).toBe(false);
  return (answer.structured.rows as unknown[][]).map(([id]) => id);
}

describe('Supabase as the upstream', () => {
  it('passes the shared flow: sign-in, tools over both transports, refresh; sub is the auth.users id', async () => {
    await standardFlow(stack.origin, {
      identity: alice.email,
      tools: ['whoami', 'get_schema', 'query'],
      expectIdentity: (whoami) =>
        expect(whoami).toMatchObject({
          sub: alice.id,
          email: alice.email,
          // Supabase names a person by their email when their metadata has no name.
          name: alice.email,
          scopes: expect.arrayContaining(['mcp:read', 'mcp:write']),
        }),
    });
  });

  for (const mode of ['audience', 'signature', 'alg-none'] as const) {
    it(`refuses an ES256 ID token with a wrong ${mode}`, async () => {
      stack.supabase.tamperNextIdToken(mode);
      const stopped = await signInAt(stack.origin, { email: alice.email }).catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(StoppedAtPage);
      expect((stopped as StoppedAtPage).html).toContain(
        'Supabase answered with an identity this server could not verify',
      );
    });
  }

  it('refuses an email that has no Supabase account, at the provider', async () => {
    // The form comes back (400) with the refusal each time it is sent, so the browser never gets past it.
    const stopped = await signInAt(stack.origin, { email: 'mallory@example.com' }).catch((error: unknown) => error);
    expect(String(stopped)).toContain('the upstream sign-in did not finish');
  });

  it('auth.uid() and auth.jwt() name the person who signed in', async () => {
    const answer = await sql(asAlice, "select auth.uid() as uid, auth.jwt() ->> 'email' as email, current_user");
    expect(answer.structured.rows).toEqual([[alice.id, alice.email, 'authenticated']]);
  });
});

describe('the query tool under row-level security', () => {
  it('two people running the same query see different rows', async () => {
    expect(await dealIds(asAlice)).toEqual(ALICE_DEALS);
    expect(await dealIds(asBob)).toEqual(BOB_DEALS);
  });

  it("naming another person's row by its id finds nothing", async () => {
    const answer = await sql(asAlice, 'select id, name from deals where id = 6');
    expect(answer.structured).toMatchObject({ rows: [], row_count: 0, truncated: false });
  });

  it('answers a compact table: columns once, rows as arrays, values as a person reads them', async () => {
    const answer = await sql(
      asAlice,
      `select name, amount, expected_closing_date, 1.10::numeric as exact, 9007199254740993::bigint as big,
        timestamptz '2026-11-18 09:30:00.123456+02' as at, '{"a": [1, 2]}'::jsonb as doc, '\\x0102ff'::bytea as bytes,
        null::text as nothing from deals where id = 1`,
    );
    expect(answer.isError).toBe(false);
    expect(answer.structured).toEqual({
      command: 'SELECT',
      columns: ['name', 'amount', 'expected_closing_date', 'exact', 'big', 'at', 'doc', 'bytes', 'nothing'],
      rows: [
        [
          'Acme fleet tracking',
          48000,
          '2026-12-20',
          '1.10',
          '9007199254740993',
          '2026-11-18T07:30:00.123456Z',
          { a: [1, 2] },
          '\\x0102ff',
          null,
        ],
      ],
      row_count: 1,
      truncated: false,
    });
    expect(answer.text).toBe(
      '1 row.\nname | amount | expected_closing_date | exact | big | at | doc | bytes | nothing\n' +
        'Acme fleet tracking | 48000 | 2026-12-20 | 1.10 | 9007199254740993 | 2026-11-18T07:30:00.123456Z | {"a":[1,2]} | \\x0102ff | null',
    );
  });

  it('caps a huge result, with a note, without fetching it all', async () => {
    const started = Date.now();
    const answer = await sql(asAlice, 'select generate_series(1, 10000000) as n');
    expect(answer.isError).toBe(false);
    expect(answer.structured.rows).toHaveLength(100);
    expect(answer.structured).toMatchObject({ truncated: true, row_count: 100 });
    expect(answer.structured.note).toMatch(/first 100 rows/);
    expect(answer.text).toMatch(/100 rows shown\.[\s\S]*Narrow it/);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
  });

  it('cancels a statement that runs past the time limit and says so', async () => {
    const answer = await sql(asAlice, 'select pg_sleep(5)');
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain(`ran longer than ${TIMEOUT_MS} ms and was cancelled`);
    // The connection was not left busy: the next query runs.
    expect(await dealIds(asAlice)).toEqual(ALICE_DEALS);
  });

  it("answers a syntax error with Postgres's message and where it is", async () => {
    const answer = await sql(asAlice, 'select id\nfrom deals\nwhere stage = = 1');
    expect(answer.isError).toBe(true);
    expect(answer.text).toBe(
      'Not run: syntax error at or near "="\nLINE 3: where stage = = 1\n                      ^',
    );
  });

  it("answers an error only the server sees with Postgres's message and position", async () => {
    const answer = await sql(asAlice, 'select nonexistent from deals');
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('Postgres: column "nonexistent" does not exist (SQLSTATE 42703)');
    expect(answer.text).toContain('LINE 1: select nonexistent from deals\n               ^');
  });
});

describe('writes', () => {
  it('a read-only grant cannot write, also inside a WITH', async () => {
    for (const text of [
      "insert into deal_notes (deal_id, type, text, sales_id) values (1, 'Call', 'read-only?', 1)",
      'update deals set amount = 1 where id = 1',
      'with gone as (delete from deal_notes returning id) select count(*) from gone',
    ]) {
      const answer = await sql(asAliceReadOnly, text);
      expect(answer.isError, text).toBe(true);
      expect(answer.text, text).toMatch(
        /^Not run: (INSERT|UPDATE|DELETE) is not allowed: this connection is read-only/,
      );
    }
    // And it still reads.
    expect(await dealIds(asAliceReadOnly)).toEqual(ALICE_DEALS);
  });

  it('a write grant writes within row-level security, and cannot touch the other person’s rows', async () => {
    const inserted = await sql(
      asAlice,
      "insert into deal_notes (deal_id, type, text, sales_id) values (1, 'Call', 'Pilot agreed.', 1) returning id, text",
    );
    expect(inserted.isError).toBe(false);
    expect(inserted.structured).toMatchObject({ command: 'INSERT', columns: ['id', 'text'], row_count: 1 });
    expect(inserted.text).toMatch(/^INSERT: 1 row changed\.\nid \| text\n\d+ \| Pilot agreed\.$/);

    // Bob's deal is invisible to Alice's UPDATE and DELETE: nothing changes.
    for (const text of ['update deals set amount = 1 where id = 6', 'delete from deals where id = 6']) {
      const answer = await sql(asAlice, text);
      expect(answer.isError, text).toBe(false);
      expect(answer.structured.row_count, text).toBe(0);
    }
    // A row handed to Bob is refused by the policy's WITH CHECK.
    const handed = await sql(asAlice, "insert into deals (name, stage, sales_id) values ('Gift', 'opportunity', 2)");
    expect(handed.isError).toBe(true);
    expect(handed.text).toContain('new row violates row-level security policy for table "deals" (SQLSTATE 42501)');
    const bobs = await sql(asBob, 'select amount from deals where id = 6');
    expect(bobs.structured.rows).toEqual([[120000]]);

    const id = (inserted.structured.rows as unknown[][])[0]?.[0];
    const removed = await sql(asAlice, `delete from deal_notes where id = ${Number(id)}`);
    expect(removed.structured).toMatchObject({ command: 'DELETE', row_count: 1 });
  });
});

/**
 * Each escape attempt of issue 19, as Alice with write access (the stronger grant): refused before
 * it reaches the database, or harmless. After each, Alice still sees only her own deals.
 */
const ESCAPES: { name: string; sql: string; answer: RegExp | 'harmless' }[] = [
  { name: 'SET ROLE to the superuser', sql: 'set role postgres', answer: /^Not run: SET ROLE is not allowed/ },
  { name: 'SET ROLE to the login role', sql: 'set role authenticator', answer: /^Not run: SET ROLE is not allowed/ },
  { name: 'SET LOCAL ROLE', sql: 'set local role postgres', answer: /^Not run: SET LOCAL ROLE is not allowed/ },
  { name: 'RESET ROLE', sql: 'reset role', answer: /^Not run: RESET ROLE is not allowed/ },
  {
    name: 'SET SESSION AUTHORIZATION',
    sql: 'set session authorization postgres',
    answer: /^Not run: SET SESSION AUTHORIZATION is not allowed/,
  },
  {
    name: 'the claims set with SET',
    sql: `set request.jwt.claims = '${BOB_CLAIMS}'`,
    answer: /^Not run: SET request\.jwt\.claims is not allowed/,
  },
  {
    name: 'set_config of the claims at the top level',
    sql: `select set_config('request.jwt.claims', '${BOB_CLAIMS}', true), (select array_agg(id) from deals)`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'set_config in a CTE',
    sql: `with who as (select set_config('request.jwt.claims', '${BOB_CLAIMS}', true)) select d.id from who, deals d`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'set_config in a subquery',
    sql: `select id from deals where (select set_config('request.jwt.claims', '${BOB_CLAIMS}', true)) is not null`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'set_config as a function argument',
    sql: `select id from deals where length(set_config('request.jwt.claims', '${BOB_CLAIMS}', true)) > 0`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'set_config schema-qualified and quoted',
    sql: `select "pg_catalog"."set_config"('role', 'postgres', true)`,
    answer: /^Not run: pg_catalog\.set_config\(\) is not allowed/,
  },
  {
    name: 'set_config in FROM',
    sql: `select * from set_config('request.jwt.claims', '${BOB_CLAIMS}', true)`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'the claims rewritten through pg_settings',
    sql: `update pg_settings set setting = '${BOB_CLAIMS}' where name = 'request.jwt.claims'`,
    answer: /^Not run: UPDATE on pg_settings is not allowed/,
  },
  {
    name: 'a second statement after ;',
    sql: `select 1; select set_config('request.jwt.claims', '${BOB_CLAIMS}', false)`,
    answer: /^Not run: Only one statement can run per query/,
  },
  {
    name: 'a second statement after ; that switches role',
    sql: 'select id from deals; set role postgres',
    answer: /^Not run: Only one statement can run per query/,
  },
  {
    name: 'a statement hidden behind a comment and a line break',
    sql: 'select id from deals -- harmless?\n; reset role',
    answer: /^Not run: Only one statement can run per query/,
  },
  {
    name: 'a block comment around the ;',
    sql: 'select id from deals /* ; */ ; /* */ set role postgres',
    answer: /^Not run: Only one statement can run per query/,
  },
  {
    name: 'a comment that only looks like a statement',
    sql: 'select id from deals /* ; set role postgres */',
    answer: 'harmless',
  },
  {
    name: 'a comment inside the function name position',
    sql: `select/**/set_config/**/('request.jwt.claims', '${BOB_CLAIMS}', true)`,
    answer: /^Not run: set_config\(\) is not allowed/,
  },
  {
    name: 'a DO block',
    sql: `do $$ begin perform set_config('request.jwt.claims', '${BOB_CLAIMS}', false); end $$`,
    answer: /^Not run: DO is not allowed/,
  },
  { name: 'COPY … TO PROGRAM', sql: "copy (select 1) to program 'id'", answer: /^Not run: COPY is not allowed/ },
  { name: 'COPY … FROM PROGRAM', sql: "copy deals from program 'id'", answer: /^Not run: COPY is not allowed/ },
  { name: 'a transaction of its own', sql: 'begin', answer: /^Not run: BEGIN is not allowed/ },
  { name: 'EXECUTE of a prepared statement', sql: 'execute mine', answer: /^Not run: EXECUTE is not allowed/ },
  {
    name: 'reading auth.users, which the role is not granted',
    sql: 'select id, email from auth.users',
    answer: /^Postgres: permission denied for table users \(SQLSTATE 42501\)/,
  },
  {
    name: 'SQL run from a string (query_to_xml)',
    sql: "select query_to_xml('select * from deals', true, true, '')",
    answer: /^Not run: query_to_xml\(\) is not allowed/,
  },
  {
    name: 'a server file read (pg_read_file)',
    sql: "select pg_read_file('/etc/passwd')",
    answer: /^Not run: pg_read_file\(\) is not allowed/,
  },
  {
    name: 'reading the claims setting (only ever your own)',
    sql: "select current_setting('request.jwt.claims', true)::jsonb ->> 'sub' as sub",
    answer: 'harmless',
  },
];

describe('escape attempts (each refused or harmless; the person still sees only their rows)', () => {
  const seen: { name: string; outcome: string }[] = [];
  afterAll(() => {
    if (process.env.PRINT_ESCAPES) console.log(seen.map(({ name, outcome }) => `${name}\t${outcome}`).join('\n'));
  });

  for (const attempt of ESCAPES) {
    it(attempt.name, async () => {
      const answer = await sql(asAlice, attempt.sql);
      seen.push({
        name: attempt.name,
        outcome: answer.isError
          ? (answer.text.split('\n')[0] ?? '')
          : `ran: ${answer.text.split('\n').slice(0, 3).join(' / ')}`,
      });
      if (attempt.answer === 'harmless') {
        expect(answer.isError).toBe(false);
        expect(JSON.stringify(answer.structured.rows)).not.toContain(bob.id);
        for (const id of BOB_DEALS) expect(answer.structured.rows).not.toContainEqual([id]);
      } else {
        expect(answer.isError).toBe(true);
        expect(answer.text).toMatch(attempt.answer);
      }
      expect(await dealIds(asAlice)).toEqual(ALICE_DEALS);
    });
  }
});

describe('get_schema', () => {
  it('lists only what the role can read, with keys, foreign keys, comments and row-level security', async () => {
    const { structured, text, isError } = await (async () => {
      const { result, structured, isError } = await callTool(asAlice, 'get_schema');
      return { structured, isError, text: (result.content as { text: string }[]).map((part) => part.text).join('\n') };
    })();
    expect(isError).toBe(false);
    const relations = structured.relations as { schema: string; name: string; rls: boolean }[];
    expect(relations.map((relation) => `${relation.schema}.${relation.name}`).sort()).toEqual(
      [
        'public.companies',
        'public.contact_notes',
        'public.contacts',
        'public.deal_notes',
        'public.deals',
        'public.sales',
        'public.tags',
        'public.tasks',
      ].sort(),
    );
    expect(relations.every((relation) => relation.rls)).toBe(true);
    expect(text).not.toMatch(/^auth\.users/m);
    expect(text).toContain(
      'deals: table; RLS on; you may insert, update, delete; key (id) — Opportunities. A rep sees only the deals they own.',
    );
    expect(text).toContain('  company_id bigint → companies.id');
    expect(text).toContain('  stage text not null — opportunity, proposal-sent, in-negociation, won, lost or delayed.');
    // sales.user_id references auth.users, which the role cannot read: the key is not shown.
    expect(text).toMatch(/\n {2}user_id uuid not null\n/);
  });

  it('narrows to the tables asked for, and says which it cannot see', async () => {
    const { result, structured } = await callTool(asAlice, 'get_schema', { tables: ['deals', 'auth.users'] });
    expect((structured.relations as { name: string }[]).map((relation) => relation.name)).toEqual(['deals']);
    expect((result.content as { text: string }[])[0]?.text).toContain('Not found, or not readable by you: auth.users.');
  });
});
