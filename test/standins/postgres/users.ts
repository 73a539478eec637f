// The reps of seed.sql: their auth.users ids are the `sub` of their verified identity. Apart from
// server.ts so that the Supabase-shaped OpenID Provider (test/standins/access) signs them in with
// the same ids without loading Postgres.

export const SEED_USERS = {
  alice: { id: '11111111-1111-4111-8111-111111111111', email: 'alice@example.com', salesId: 1 },
  bob: { id: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com', salesId: 2 },
  carol: { id: '33333333-3333-4333-8333-333333333333', email: 'carol@example.com', salesId: 3 },
} as const;
