// types/pg.ts: rows read with the `pg` driver configured by postgrestTypes equal, value for value, the rows the
// Data API returns (PostgreSQL's JSON rendering), so they match the generated types and pass the zod Row
// schemas; with pg's defaults (int8 as text, timestamptz as Date) they do not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import type { Tables } from '../../types/database.ts';
import { parseInt8, parseTimestamp, postgrestTypes } from '../../types/pg.ts';
import { peerMentorStatusHistoryRowSchema, Schemas } from '../../types/schemas.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let client: pg.Client;
let plain: pg.Client;

const id = (name: string) => `md5('pg:${name}')::uuid`;

before(async () => {
  db = await createTestDatabase('types_pg');
  client = new pg.Client({ connectionString: db.url, types: postgrestTypes });
  plain = new pg.Client({ connectionString: db.url });
  await Promise.all([client.connect(), plain.connect()]);
  // Every table gets rows: a coordinator and two mentors, one paused by hand, one by the expiry job (which
  // also queues a notification and a job run).
  await client.query(`
    insert into auth.users (id, email, aud, role) values
      (${id('coordinator')}, 'coordinator@test.invalid', 'authenticated', 'authenticated'),
      (${id('mentor:1')}, 'mentor1@test.invalid', 'authenticated', 'authenticated'),
      (${id('mentor:2')}, 'mentor2@test.invalid', 'authenticated', 'authenticated');
    insert into public.users (id, full_name, email) values
      (${id('coordinator')}, 'Cora Coordinator', 'coordinator@test.invalid'),
      (${id('mentor:1')}, 'Mona Mentor', 'mentor1@test.invalid'),
      (${id('mentor:2')}, null, null);
    insert into public.organizations (id, name) values (${id('org')}, 'Pg');
    insert into public.chapters (id, organization_id, name) values (${id('chapter')}, ${id('org')}, 'Tromsø');
    insert into public.chapter_memberships (chapter_id, user_id, role) values
      (${id('chapter')}, ${id('coordinator')}, 'coordinator'),
      (${id('chapter')}, ${id('mentor:1')}, 'peer_mentor'),
      (${id('chapter')}, ${id('mentor:2')}, 'peer_mentor');
    insert into public.peer_mentors (id, user_id, certification_expires_at) values
      (${id('pm:1')}, ${id('mentor:1')}, now() - interval '1 day'),
      (${id('pm:2')}, ${id('mentor:2')}, '2027-03-01 12:34:56.789012+00');
    update public.peer_mentors set status = 'paused', status_reason = 'Exams' where id = ${id('pm:2')};
    select public.run_certification_expiry_job(now());
    -- A mentor created and erased (an erasure record), then a digest of the history (status_history_digests).
    insert into auth.users (id, email, aud, role) values (${id('mentor:3')}, 'mentor3@test.invalid', 'authenticated', 'authenticated');
    insert into public.users (id, full_name, email) values (${id('mentor:3')}, 'Erased', null);
    insert into public.peer_mentors (id, user_id) values (${id('pm:3')}, ${id('mentor:3')});
    delete from public.peer_mentors where id = ${id('pm:3')};
    select public.status_history_digest();
  `);
});

after(async () => {
  await Promise.all([client?.end(), plain?.end()]);
  await db?.drop();
});

/** The same rows twice: as pg reads them (with postgrestTypes), and as the Data API renders them (to_jsonb). */
async function bothWays(relation: string): Promise<{ read: Record<string, unknown>[]; api: unknown[] }> {
  const from = `public.${pg.escapeIdentifier(relation)} t`;
  const read = await client.query<Record<string, unknown>>(`select t.* from ${from} order by to_jsonb(t)::text`);
  const api = await client.query<{ row: unknown }>(`select to_jsonb(t) as row from ${from} order by to_jsonb(t)::text`);
  return { read: read.rows, api: api.rows.map((r) => r.row) };
}

test('rows of every table read with postgrestTypes equal the Data API rows and parse with their Row schemas', async () => {
  for (const [table, schemas] of Object.entries(Schemas.public.Tables)) {
    const { read, api } = await bothWays(table);
    assert.ok(read.length > 0, `the fixture put rows in ${table}`);
    assert.deepEqual(read, api, `${table}: pg rows are the Data API rows`);
    for (const row of read) {
      const parsed = schemas.Row.safeParse(row);
      assert.ok(parsed.success, `${table} ${JSON.stringify(row)}: ${parsed.success ? '' : z.prettifyError(parsed.error)}`);
    }
  }
});

test('in any session time zone, timestamps keep their microseconds and offset as the Data API renders them', async () => {
  await client.query(`set timezone = 'Asia/Kolkata'`);
  try {
    const { read, api } = await bothWays('peer_mentors');
    assert.deepEqual(read, api);
    const row = read.find((r) => r.certification_expires_at === '2027-03-01T18:04:56.789012+05:30');
    assert.ok(row, 'the certification instant in +05:30, with its microseconds');
  } finally {
    await client.query('reset timezone');
  }
});

test('history rows read with pg defaults fail the schema (int8 as text, timestamptz as Date); with postgrestTypes they pass, typed', async () => {
  const { rows: defaults } = await plain.query('select * from public.peer_mentor_status_history');
  assert.ok(defaults.length > 0);
  assert.equal(typeof defaults[0].id, 'string', 'pg reads bigint as text by default');
  assert.ok(defaults[0].changed_at instanceof Date, 'and timestamptz as a Date');
  assert.equal(peerMentorStatusHistoryRowSchema.safeParse(defaults[0]).success, false);

  const { rows } = await client.query<Tables<'peer_mentor_status_history'>>('select * from public.peer_mentor_status_history');
  for (const row of rows) assert.deepEqual(peerMentorStatusHistoryRowSchema.parse(row), row);
  assert.equal(typeof rows[0]!.id, 'number');
});

test('arrays of the converted types are converted element by element, nulls kept', async () => {
  const { rows } = await client.query(
    `select array[1, null, 9007199254740991]::bigint[] as ids,
            array['2026-12-01 10:00:00+00', null]::timestamptz[] as ats,
            array[1.5]::numeric[] as amounts, interval '5 minutes' as lease, date '2026-12-01' as day`,
  );
  assert.deepEqual(rows[0], {
    ids: [1, null, 9007199254740991],
    ats: ['2026-12-01T10:00:00+00:00', null],
    amounts: [1.5],
    lease: '00:05:00',
    day: '2026-12-01',
  });
});

test('an int8 beyond what a JSON number carries is an error, never a rounded id', async () => {
  assert.throws(() => parseInt8('9007199254740993'), /beyond Number\.MAX_SAFE_INTEGER/);
  await assert.rejects(client.query(`select 9007199254740993::bigint as n`), /beyond Number\.MAX_SAFE_INTEGER/);
  assert.equal(parseTimestamp('2026-12-01 10:00:00.5-03'), '2026-12-01T10:00:00.5-03:00');
  assert.equal(parseTimestamp('2026-12-01 10:00:00+05:30'), '2026-12-01T10:00:00+05:30');
});
