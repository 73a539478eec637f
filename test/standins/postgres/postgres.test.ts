// The Postgres stand-in and the `query` tool's execution, against a real Postgres 18:
// 1. the database alone (Supabase's roles, claims and row-level security): what it stops, and
//    what it does not stop, which is why the guard exists;
// 2. runAsUser (src/tools/postgres/run-as-user.ts): guard + database, each escape attempt of
//    issue 19 end to end;
// 3. userDatabase (database.ts): a cancelled call.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCache } from '../../../src/mcp/session-cache';
import { userDatabase } from '../../../src/tools/postgres/database';
import { type QueryOutcome, runAsUser, type UserQuery } from '../../../src/tools/postgres/run-as-user';
import type { SqlParser } from '../../../src/tools/postgres/sql-parser';
import { loadSqlParserInNode } from '../../../src/tools/postgres/sql-parser.node';
import { type RunningPostgres, SEED_USERS, startPostgres } from './server.ts';

type Rep = (typeof SEED_USERS)[keyof typeof SEED_USERS];
const { alice, bob, carol } = SEED_USERS;
const ALICE_DEALS = [1, 2, 3, 4, 5];
const BOB_DEALS = [6, 7, 8, 9];
const bobClaims = JSON.stringify({ sub: bob.id, role: 'authenticated' });

let postgres: RunningPostgres;
let parser: SqlParser;
let admin: pg.Client;
/** One connection, as a Worker's pooled Hyperdrive connection is reused request after request. */
let app: pg.Pool;

beforeAll(async () => {
  [postgres, parser] = await Promise.all([startPostgres(), loadSqlParserInNode()]);
  admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  app = new pg.Pool({ connectionString: postgres.appUrl, max: 1 });
}, 60_000);

afterAll(async () => {
  await app?.end();
  await admin?.end();
  await postgres?.stop();
});

function claimsOf(rep: Rep) {
  return { sub: rep.id, role: 'authenticated', email: rep.email };
}

/**
 * What the product does per query, without the guard: a transaction as `authenticated` with the
 * rep's claims. Returns the rows, or the Postgres error.
 */
async function asRep(
  rep: Rep,
  statements: string[],
  { readOnly = true, timeoutMs = 2000, role = 'authenticated' } = {},
): Promise<{ rows: Record<string, unknown>[] } | { code: string; message: string; position?: string }> {
  const client = await app.connect();
  try {
    await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(role)}`);
    await client.query("SELECT set_config('request.jwt.claims', $1, true)", [JSON.stringify(claimsOf(rep))]);
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    let rows: Record<string, unknown>[] = [];
    for (const text of statements) rows = (await client.query(text)).rows;
    await client.query('ROLLBACK');
    return { rows };
  } catch (error) {
    await client.query('ROLLBACK');
    if (!(error instanceof pg.DatabaseError) || error.code === undefined) throw error;
    return { code: error.code, message: error.message, position: error.position };
  } finally {
    client.release();
  }
}

async function run(rep: Rep, sql: string, options: Partial<UserQuery> = {}): Promise<QueryOutcome> {
  const client = await app.connect();
  try {
    return await runAsUser(client, parser, {
      sql,
      claims: claimsOf(rep),
      role: 'authenticated',
      write: false,
      timeoutMs: 2000,
      rowCap: 100,
      ...options,
    });
  } finally {
    client.release();
  }
}

function rowsOf(outcome: QueryOutcome): unknown[][] {
  if (!outcome.ok) throw new Error(`expected rows, got ${JSON.stringify(outcome.failure)}`);
  return outcome.rows;
}

const idsOf = (outcome: QueryOutcome) => rowsOf(outcome).map((row) => Number(row[0]));

describe('the database under row-level security, as Supabase sets it up', () => {
  it('two reps running the same query see different deals', async () => {
    const query = ['SELECT id FROM deals ORDER BY id'];
    expect(await asRep(alice, query)).toEqual({ rows: ALICE_DEALS.map((id) => ({ id: String(id) })) });
    expect(await asRep(bob, query)).toEqual({ rows: BOB_DEALS.map((id) => ({ id: String(id) })) });
  });

  it('every rep sees every company and contact', async () => {
    for (const rep of [alice, bob, carol]) {
      expect(
        await asRep(rep, ['SELECT (SELECT count(*) FROM companies) AS companies, count(*) AS contacts FROM contacts']),
      ).toEqual({
        rows: [{ companies: '10', contacts: '20' }],
      });
    }
  });

  it("a rep's notes and tasks are their own", async () => {
    const counts = [
      'SELECT (SELECT count(*) FROM deal_notes) AS deal_notes, (SELECT count(*) FROM contact_notes) AS contact_notes, count(*) AS tasks FROM tasks',
    ];
    expect(await asRep(alice, counts)).toEqual({ rows: [{ deal_notes: '5', contact_notes: '4', tasks: '4' }] });
    expect(await asRep(carol, counts)).toEqual({ rows: [{ deal_notes: '3', contact_notes: '3', tasks: '3' }] });
  });

  it('auth.uid() and auth.jwt() name the signed-in rep', async () => {
    expect(
      await asRep(bob, ["SELECT auth.uid() AS uid, auth.jwt() ->> 'email' AS email, current_user AS role"]),
    ).toEqual({
      rows: [{ uid: bob.id, email: bob.email, role: 'authenticated' }],
    });
  });

  it('authenticated cannot read auth.users', async () => {
    expect(await asRep(alice, ['SELECT * FROM auth.users'])).toMatchObject({ code: '42501' });
  });

  it('authenticator alone can read no table: it holds only the right to switch roles', async () => {
    const client = await app.connect();
    try {
      await expect(client.query('SELECT * FROM deals')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('SELECT * FROM companies')).rejects.toMatchObject({ code: '42501' });
    } finally {
      client.release();
    }
  });

  it('anon, the role for no sign-in, can read nothing', async () => {
    expect(await asRep(alice, ['SELECT * FROM companies'], { role: 'anon' })).toMatchObject({ code: '42501' });
  });

  it('SET ROLE postgres is refused by the database itself', async () => {
    expect(await asRep(alice, ['SET ROLE postgres'])).toMatchObject({
      code: '42501',
      message: 'permission denied to set role "postgres"',
    });
  });

  it('RESET ROLE leads back to authenticator, which can read nothing', async () => {
    expect(await asRep(alice, ['RESET ROLE', 'SELECT id FROM deals'])).toMatchObject({ code: '42501' });
  });

  it('the role cannot turn row-level security off', async () => {
    const outcome = await asRep(alice, ['ALTER TABLE deals DISABLE ROW LEVEL SECURITY'], { readOnly: false });
    expect(outcome).toMatchObject({ code: '42501', message: 'must be owner of table deals' });
  });

  it('a READ ONLY transaction refuses an INSERT', async () => {
    const outcome = await asRep(alice, ["INSERT INTO deal_notes (deal_id, text, sales_id) VALUES (1, 'x', 1)"]);
    expect(outcome).toMatchObject({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' });
  });

  it('statement_timeout cancels a statement that runs too long, with SQLSTATE 57014', async () => {
    const started = Date.now();
    const outcome = await asRep(alice, ['SELECT pg_sleep(5)'], { timeoutMs: 200 });
    expect(outcome).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a syntax error comes back with Postgres's message and position", async () => {
    expect(await asRep(alice, ['SELECT id FROM deals WHERE'])).toEqual({
      code: '42601',
      message: 'syntax error at end of input',
      position: '27',
    });
  });

  it('the server refuses a second statement sent over the extended protocol', async () => {
    const client = await app.connect();
    try {
      const twoStatements = { text: 'SELECT 1; SELECT 2', queryMode: 'extended' };
      await expect(client.query(twoStatements)).rejects.toMatchObject({
        code: '42601',
        message: 'cannot insert multiple commands into a prepared statement',
      });
    } finally {
      client.release();
    }
  });

  // The database is not the last line for these: only the guard stops them.
  it("without the guard, set_config in the statement itself reads another rep's deals", async () => {
    const outcome = await asRep(alice, [
      `SELECT set_config('request.jwt.claims', '${bobClaims}', true), array(SELECT id::int FROM deals ORDER BY id) AS ids`,
    ]);
    expect(outcome).toMatchObject({ rows: [{ ids: BOB_DEALS }] });
  });

  it('without the guard, a write grant can lift its own statement timeout through pg_settings', async () => {
    const outcome = await asRep(
      alice,
      [
        "UPDATE pg_settings SET setting = '0' WHERE name = 'statement_timeout'",
        "SELECT current_setting('statement_timeout') AS timeout",
      ],
      { readOnly: false, timeoutMs: 200 },
    );
    expect(outcome).toEqual({ rows: [{ timeout: '0' }] });
  });
});

describe('runAsUser: one statement as the signed-in rep', () => {
  it('two reps running the same query see different deals', async () => {
    expect(idsOf(await run(alice, 'SELECT id FROM deals ORDER BY id'))).toEqual(ALICE_DEALS);
    expect(idsOf(await run(bob, 'SELECT id FROM deals ORDER BY id'))).toEqual(BOB_DEALS);
  });

  it('every rep sees every company', async () => {
    for (const rep of [alice, bob, carol])
      expect(rowsOf(await run(rep, 'SELECT count(*) FROM companies'))).toEqual([['10']]);
  });

  it('returns columns, rows and the command', async () => {
    const outcome = await run(carol, "SELECT id, name, auth.uid() AS me FROM deals WHERE stage = 'won' ORDER BY id");
    expect(outcome).toEqual({
      ok: true,
      kind: 'read',
      command: 'SELECT',
      columns: [
        { name: 'id', dataTypeID: 20 },
        { name: 'name', dataTypeID: 25 },
        { name: 'me', dataTypeID: 2950 },
      ],
      rows: [['10', 'Dune point of sale', carol.id]],
      rowCount: 1,
      truncated: false,
    });
  });

  const inject = (claims: string) => `set_config('request.jwt.claims', '${claims}', true)`;
  it.each([
    ['SET ROLE', 'SET ROLE postgres'],
    ['RESET ROLE', 'RESET ROLE'],
    ['set_config', `SELECT ${inject(bobClaims)}, id FROM deals`],
    ['set_config in a CTE', `WITH x AS (SELECT ${inject(bobClaims)}) SELECT id FROM deals, x`],
    ['set_config in a subquery', `SELECT id FROM deals WHERE (SELECT ${inject(bobClaims)}) IS NOT NULL`],
    ['set_config in a function argument', `SELECT id FROM deals, generate_series(1, length(${inject(bobClaims)}))`],
    ['a second statement', `SELECT id FROM deals; SELECT ${inject(bobClaims)}`],
    ['a comment trick', 'SELECT id FROM deals; -- just a comment\nSET ROLE postgres'],
    ['a block-comment trick', 'SELECT id FROM deals /* ; */ ; RESET ROLE'],
    ['a DO block', `DO $$ BEGIN PERFORM ${inject(bobClaims)}; END $$`],
    ['COPY … TO PROGRAM', "COPY (SELECT * FROM deals) TO PROGRAM 'cat > /tmp/deals.csv'"],
    ['query_to_xml', `SELECT query_to_xml('SELECT ${inject(bobClaims).replaceAll("'", "''")}', true, false, '')`],
  ])("%s cannot read another rep's rows", async (_attempt, sql) => {
    for (const write of [false, true]) {
      const outcome = await run(alice, sql, { write });
      expect(outcome, sql).toMatchObject({ ok: false, failure: { kind: 'refused' } });
      if (outcome.ok) throw new Error('unreachable');
      expect(outcome.failure.message).toMatch(/ is not allowed: |^Only one statement can run per query/);
    }
  });

  it('a write grant cannot lift its timeout or identity through pg_settings', async () => {
    const outcome = await run(alice, "UPDATE pg_settings SET setting = '0' WHERE name = 'statement_timeout'", {
      write: true,
    });
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'refused', code: 'system_write' } });
  });

  it('nothing stays on the pooled connection: the next query is back to authenticator, with no claims', async () => {
    await run(alice, 'SELECT id FROM deals');
    await run(alice, 'SET ROLE postgres');
    const client = await app.connect();
    try {
      const { rows } = await client.query(
        "SELECT current_user AS role, coalesce(current_setting('request.jwt.claims', true), '') AS claims, current_setting('statement_timeout') AS timeout",
      );
      expect(rows).toEqual([{ role: 'authenticator', claims: '', timeout: '0' }]);
    } finally {
      client.release();
    }
  });

  it('a read-only grant cannot write', async () => {
    for (const sql of ['DELETE FROM deals', 'WITH d AS (DELETE FROM deals RETURNING id) SELECT * FROM d']) {
      expect(await run(alice, sql)).toMatchObject({ ok: false, failure: { kind: 'refused', code: 'read_only' } });
    }
    const { rows } = await admin.query('SELECT count(*)::int AS deals FROM deals');
    expect(rows).toEqual([{ deals: 12 }]);
  });

  it('a read runs in a READ ONLY transaction even with write access; a write does not', async () => {
    const read = await run(alice, "SELECT current_setting('transaction_read_only')", { write: true });
    expect(rowsOf(read)).toEqual([['on']]);
    const write = await run(
      alice,
      "UPDATE deals SET amount = amount WHERE id = 1 RETURNING current_setting('transaction_read_only')",
      {
        write: true,
      },
    );
    expect(rowsOf(write)).toEqual([['off']]);
  });

  it('a write grant writes, within row-level security', async () => {
    const added = await run(
      alice,
      "INSERT INTO deal_notes (deal_id, text, sales_id) VALUES (1, 'Pilot agreed', 1) RETURNING id, text",
      {
        write: true,
      },
    );
    expect(added).toMatchObject({ ok: true, kind: 'write', command: 'INSERT', rowCount: 1, truncated: false });
    const [id] = rowsOf(added)[0] ?? [];
    expect(rowsOf(await run(bob, `SELECT count(*) FROM deal_notes WHERE id = ${Number(id)}`))).toEqual([['0']]);
    expect(await run(alice, `DELETE FROM deal_notes WHERE id = ${Number(id)}`, { write: true })).toMatchObject({
      ok: true,
      command: 'DELETE',
      rowCount: 1,
    });

    const asBob = await run(alice, "INSERT INTO deal_notes (deal_id, text, sales_id) VALUES (6, 'x', 2)", {
      write: true,
    });
    expect(asBob).toMatchObject({
      ok: false,
      failure: {
        kind: 'database',
        code: '42501',
        message: 'new row violates row-level security policy for table "deal_notes"',
      },
    });
    expect(await run(alice, 'UPDATE deals SET amount = amount', { write: true })).toMatchObject({
      ok: true,
      rowCount: 5,
    });
    expect(await run(alice, 'DELETE FROM companies WHERE id = 2', { write: true })).toMatchObject({
      ok: true,
      rowCount: 0,
    });
  });

  it('a statement that runs past the timeout is cancelled and reported', async () => {
    const started = Date.now();
    const outcome = await run(alice, 'SELECT pg_sleep(5)', { timeoutMs: 300 });
    expect(outcome).toEqual({
      ok: false,
      failure: { kind: 'timeout', message: 'The query ran longer than 300 ms and was cancelled.' },
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a huge result is capped with a note, without fetching it all', async () => {
    const started = Date.now();
    const outcome = await run(alice, 'SELECT generate_series(1, 50000000) AS g', { rowCap: 100 });
    expect(outcome).toMatchObject({ ok: true, rowCount: 100, truncated: true });
    expect(rowsOf(outcome)).toHaveLength(100);
    expect(outcome.ok && outcome.note).toBe(
      'Showing the first 100 rows: the query returned more. Narrow it with WHERE or LIMIT, or aggregate, to see the rest.',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a result of exactly the cap is not marked as cut', async () => {
    const outcome = await run(alice, 'SELECT * FROM generate_series(1, 100)', { rowCap: 100 });
    expect(outcome).toMatchObject({ ok: true, rowCount: 100, truncated: false });
    expect(outcome.ok && outcome.note).toBeUndefined();
  });

  it('the rows a write returns are capped too, with the number changed', async () => {
    const outcome = await run(bob, 'UPDATE deals SET amount = amount RETURNING id', { write: true, rowCap: 2 });
    expect(outcome).toMatchObject({
      ok: true,
      rowCount: 4,
      truncated: true,
      note: '4 rows were changed; showing the first 2 that RETURNING gave back.',
    });
    expect(rowsOf(outcome)).toHaveLength(2);
  });

  it('refuses to run without a time limit or a row cap', async () => {
    await expect(run(alice, 'SELECT 1', { timeoutMs: 0 })).rejects.toThrow('timeoutMs must be a positive integer');
    await expect(run(alice, 'SELECT 1', { rowCap: 0.5 })).rejects.toThrow('rowCap must be a positive integer');
  });

  it("a syntax error comes back as Postgres's message with the position", async () => {
    expect(await run(alice, 'SELECT id FROM deals WHERE')).toEqual({
      ok: false,
      failure: { kind: 'refused', code: 'syntax_error', message: 'syntax error at end of input', position: 27 },
    });
  });

  it('an error only the server sees is reported at its position in the statement as written', async () => {
    expect(await run(alice, 'SELECT id, nope FROM deals')).toEqual({
      ok: false,
      failure: {
        kind: 'database',
        code: '42703',
        message: 'column "nope" does not exist',
        position: 12,
        hint: 'Perhaps you meant to reference the column "deals.name".',
      },
    });
  });

  it("strings are read as the guard read them, whatever the role's default", async () => {
    await admin.query('ALTER ROLE authenticator SET standard_conforming_strings = off');
    const fresh = new pg.Client({ connectionString: postgres.appUrl });
    await fresh.connect();
    try {
      const outcome = await runAsUser(fresh, parser, {
        sql: "SELECT 'a\\' AS s",
        claims: claimsOf(alice),
        role: 'authenticated',
        write: false,
        timeoutMs: 2000,
        rowCap: 10,
      });
      expect(rowsOf(outcome)).toEqual([['a\\']]);
    } finally {
      await fresh.end();
      await admin.query('ALTER ROLE authenticator RESET standard_conforming_strings');
    }
  });
});

describe('a query the client gives up (userDatabase, src/tools/postgres/database.ts)', () => {
  it('a write still running when the call is cancelled is not committed, and the call fails as cancelled', async () => {
    const before = await admin.query('SELECT amount FROM deals WHERE id = 1');
    const giveUp = new AbortController();
    const database = userDatabase({
      config: {
        connectionString: postgres.appUrl,
        via: 'url',
        role: 'authenticated',
        statementTimeoutMs: 5_000,
        rowCap: 10,
        connectTimeoutMs: 5_000,
      },
      claims: claimsOf(alice),
      write: true,
      cache: new SessionCache(),
      parser: async () => parser,
      signal: giveUp.signal,
    });
    // Alice's own deal: RLS lets her change it; the statement holds the transaction open for 1 s.
    const running = database.query('UPDATE deals SET amount = amount + 1 WHERE id = 1 RETURNING pg_sleep(1)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    giveUp.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    // The server finishes the sleep, finds the connection gone, and rolls back.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await admin.query('SELECT amount FROM deals WHERE id = 1')).rows).toEqual(before.rows);
  });
});
