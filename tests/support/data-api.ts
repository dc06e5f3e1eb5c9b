// For the client tests: a database of the test file's own with the demo seed (supabase/seed.sql: Mia, Cora, …),
// and a throwaway Data API in front of it (PostgREST 12 behind the /rest/v1 gateway, scripts/lib/data-api.ts,
// the code `npm start` runs) on free ports. Never `npm start`'s: the tests do not depend on it.
//
// Callers are typed supabase-js clients, `createClient<Database>(url, anonKey)` as an app makes them. There is no
// Auth server here, so a signed-in user's access token is minted locally (HS256, the local secret) for a seeded
// user id and handed to supabase-js through its `accessToken` option: the requests are what an app signed in as
// that user sends (apikey = anon key, Authorization = the user's JWT).
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { psqlFile, SEED_SQL } from '../../scripts/lib/database.ts';
import { startDataApi, type DataApi } from '../../scripts/lib/data-api.ts';
import { userAccessToken } from '../../scripts/lib/jwt.ts';
import { postgrestLogin } from '../../scripts/lib/local-api.ts';
import type { Database } from '../../types/database.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** The seed's people (auth.users / public.users ids). */
export const USER = {
  cora: 'c0000000-0000-4000-8000-000000000001', // coordinator: Oslo, Bergen
  colin: 'c0000000-0000-4000-8000-000000000002', // coordinator: Bergen; mentor in Riga
  carl: 'c0000000-0000-4000-8000-000000000003', // coordinator: Riga (and Tallinn's fallback)
  ida: 'c0000000-0000-4000-8000-000000000004', // inactive coordinator membership: coordinates nobody
  sara: 'c0000000-0000-4000-8000-000000000005', // coordinator and mentor in Narvik; Tromsø's fallback
  mia: 'd0000000-0000-4000-8000-000000000001', // mentor: Oslo
  max: 'd0000000-0000-4000-8000-000000000002', // mentor: Oslo + Bergen
  tor: 'd0000000-0000-4000-8000-000000000003', // mentor: Tromsø (no coordinator: the organisation's)
  rita: 'd0000000-0000-4000-8000-000000000004', // mentor: Riga
  tiia: 'd0000000-0000-4000-8000-000000000005', // mentor: Tallinn, certification lapsed
  nils: 'd0000000-0000-4000-8000-000000000006', // mentor: Narvik
} as const;

/** The seed's peer_mentors ids. */
export const MENTOR = {
  mia: 'e0000000-0000-4000-8000-000000000001',
  max: 'e0000000-0000-4000-8000-000000000002',
  tor: 'e0000000-0000-4000-8000-000000000003',
  rita: 'e0000000-0000-4000-8000-000000000004',
  tiia: 'e0000000-0000-4000-8000-000000000005',
  colin: 'e0000000-0000-4000-8000-000000000006',
  sara: 'e0000000-0000-4000-8000-000000000007',
  nils: 'e0000000-0000-4000-8000-000000000008',
} as const;

export const CHAPTER = {
  oslo: 'b0000000-0000-4000-8000-000000000001',
  bergen: 'b0000000-0000-4000-8000-000000000002',
  tromso: 'b0000000-0000-4000-8000-000000000003',
  riga: 'b0000000-0000-4000-8000-000000000004',
  tallinn: 'b0000000-0000-4000-8000-000000000005',
  narvik: 'b0000000-0000-4000-8000-000000000006',
} as const;

export type Client = SupabaseClient<Database>;

export interface ApiFixture {
  db: TestDatabase;
  api: DataApi;
  /** An app with the anon key and nobody signed in. */
  anon: Client;
  /** A server-side app with the service_role key. */
  service: Client;
  /** An app with the anon key, signed in as this user. */
  as(userId: string): Client;
  /** SQL as postgres (the owner), for arranging and checking what the API cannot show. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } } as const;

export function clientFor(api: Pick<DataApi, 'url' | 'anonKey'>, userId?: string): Client {
  if (!userId) return createClient<Database>(api.url, api.anonKey, clientOptions);
  return createClient<Database>(api.url, api.anonKey, { ...clientOptions, accessToken: async () => userAccessToken(userId) });
}

/** A seeded database of the file's own and a Data API in front of it; `close()` stops and drops both. */
export async function startApiFixture(label: string): Promise<ApiFixture> {
  const db = await createTestDatabase(label);
  let api: DataApi | undefined;
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await psqlFile(db.url, SEED_SQL);
    const login = await postgrestLogin(db.url);
    api = await startDataApi({ dbUri: login.uri, port: 0 });
  } catch (err) {
    await pool.end();
    await api?.stop();
    await db.drop();
    throw err;
  }
  const started = api;
  const users = new Map<string, Client>();
  return {
    db,
    api: started,
    anon: clientFor(started),
    service: createClient<Database>(started.url, started.serviceRoleKey, clientOptions),
    as(userId) {
      let client = users.get(userId);
      if (!client) users.set(userId, (client = clientFor(started, userId)));
      return client;
    },
    async sql(text, values) {
      return (await pool.query(text, values)).rows;
    },
    async close() {
      await started.stop();
      await pool.end();
      await db.drop();
    },
  };
}
