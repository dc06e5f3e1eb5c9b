// The generated zod schemas (types/schemas.ts) against the real database: rows read through `pg` in the JSON
// shape the Data API returns parse with the Row schemas, unchanged; payloads the database refuses are refused
// by the schemas too, with errors that name the field and the rule.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import {
  jobRunsInsertSchema,
  peerMentorsRowSchema,
  peerMentorStatusHistoryInsertSchema,
  peerMentorsCoordinatorUpdateSchema,
  peerMentorsMentorUpdateSchema,
  peerMentorsUpdateSchema,
  Schemas,
} from '../../types/schemas.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let client: pg.Client;

const id = (name: string) => `md5('types:${name}')::uuid`;

before(async () => {
  db = await createTestDatabase('types_schemas');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // A coordinator and two mentors in one chapter; one mentor paused by hand (with a 500-character reason made of
  // emoji: 1000 UTF-16 units), the other by the certification-expiry job, which also queues a notification.
  await client.query(`
    insert into auth.users (id, email, aud, role) values
      (${id('coordinator')}, 'coordinator@test.invalid', 'authenticated', 'authenticated'),
      (${id('mentor:1')}, 'mentor1@test.invalid', 'authenticated', 'authenticated'),
      (${id('mentor:2')}, 'mentor2@test.invalid', 'authenticated', 'authenticated');
    insert into public.users (id, full_name, email) values
      (${id('coordinator')}, 'Cora Coordinator', 'coordinator@test.invalid'),
      (${id('mentor:1')}, 'Mona Mentor', 'mentor1@test.invalid'),
      (${id('mentor:2')}, null, null);
    insert into public.organizations (id, name) values (${id('org')}, 'Types');
    insert into public.chapters (id, organization_id, name) values (${id('chapter')}, ${id('org')}, 'Bergen');
    insert into public.chapter_memberships (chapter_id, user_id, role) values
      (${id('chapter')}, ${id('coordinator')}, 'coordinator'),
      (${id('chapter')}, ${id('mentor:1')}, 'peer_mentor'),
      (${id('chapter')}, ${id('mentor:2')}, 'peer_mentor');
    insert into public.peer_mentors (id, user_id, certification_expires_at) values
      (${id('pm:1')}, ${id('mentor:1')}, now() - interval '1 day'),
      (${id('pm:2')}, ${id('mentor:2')}, null);
    update public.peer_mentors set status = 'paused', status_reason = repeat('🙂', 500) where id = ${id('pm:2')};
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
  await client?.end();
  await db?.drop();
});

/** Rows as the Data API returns them: PostgreSQL's own JSON rendering of the row. */
async function rowsOf(table: string): Promise<unknown[]> {
  const { rows } = await client.query<{ row: unknown }>(`select to_jsonb(t) as row from public.${pg.escapeIdentifier(table)} t`);
  return rows.map((r) => r.row);
}

/** The SQLSTATE the database raises for a statement (inside a rolled-back savepoint), or null if it succeeds. */
async function sqlstate(sql: string, params: unknown[] = []): Promise<string | null> {
  await client.query('begin');
  try {
    await client.query(sql, params);
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? 'unknown';
  } finally {
    await client.query('rollback');
  }
}

function failure(result: z.ZodSafeParseResult<unknown>): string {
  assert.equal(result.success, false, 'expected the payload to be rejected');
  return z.prettifyError((result as z.ZodSafeParseError<unknown>).error);
}

test('every public table has Row, Insert and Update schemas', async () => {
  const { rows } = await client.query<{ table_name: string }>(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  assert.deepEqual(Object.keys(Schemas.public.Tables).sort(), rows.map((r) => r.table_name).sort());
  assert.deepEqual(Object.keys(Schemas.public.Enums).sort(), ['chapter_role', 'mentor_status']);
});

test('rows read from every table parse with its Row schema, unchanged', async () => {
  for (const [table, schemas] of Object.entries(Schemas.public.Tables)) {
    const rows = await rowsOf(table);
    assert.ok(rows.length > 0, `the fixtures put rows in ${table}`);
    for (const row of rows) {
      const result = schemas.Row.safeParse(row);
      assert.ok(result.success, `${table} row ${JSON.stringify(row)}: ${result.success ? '' : z.prettifyError(result.error)}`);
      // Nothing stripped, nothing added: the schema has exactly the table's columns.
      assert.deepEqual(result.data, row, `${table}: the parsed row equals the row`);
    }
  }
});

test('ids that are uuids to PostgreSQL but not RFC 4122 (md5-derived) are accepted', async () => {
  const [mentor] = (await rowsOf('peer_mentors')) as { id: string }[];
  assert.ok(mentor);
  assert.equal(z.uuid().safeParse(mentor.id).success, false, 'the fixture id is not an RFC 4122 uuid, so this test means something');
  assert.equal(peerMentorsRowSchema.shape.id.safeParse(mentor.id).success, true);
});

test('an unknown status is rejected, naming the field and the allowed values, as the database does', async () => {
  const error = failure(peerMentorsUpdateSchema.safeParse({ status: 'retired' }));
  assert.match(error, /→ at status/);
  assert.match(error, /"active"\|"paused"\|"inactive"/);
  assert.equal(await sqlstate(`update public.peer_mentors set status = 'retired' where id = ${id('pm:1')}`), '22P02');
});

test('a reason over 500 characters is rejected, counting characters as char_length does', async () => {
  // The reason travels with a status change (pm:1 is paused by the expiry job): a reason-only update is PM104
  // before the length is checked.
  const long = 'x'.repeat(501);
  const error = failure(peerMentorsUpdateSchema.safeParse({ status: 'inactive', status_reason: long }));
  assert.match(error, /must be at most 500 characters \(status_reason_is_short\)/);
  assert.match(error, /→ at status_reason/);
  assert.equal(await sqlstate(`update public.peer_mentors set status = 'inactive', status_reason = $1 where id = ${id('pm:1')}`, [long]), '23514');
  assert.equal(
    await sqlstate(`update public.peer_mentors set status_reason = $1 where id = ${id('pm:1')}`, [long]),
    'PM104',
    'a reason-only update is refused for the reason alone, whatever its length',
  );

  // 500 emoji are 500 characters to PostgreSQL (and 1000 UTF-16 units to String#length): both accept them.
  const emoji = '🙂'.repeat(500);
  assert.equal(emoji.length, 1000);
  assert.ok(peerMentorsUpdateSchema.safeParse({ status: 'inactive', status_reason: emoji }).success);
  assert.equal(await sqlstate(`update public.peer_mentors set status = 'inactive', status_reason = $1 where id = ${id('pm:1')}`, [emoji]), null);
  assert.ok(peerMentorsUpdateSchema.safeParse({ status_reason: null }).success, 'a null reason is fine');

  const history = failure(peerMentorStatusHistoryInsertSchema.safeParse({ mentor_id: randomUUID(), new_status: 'paused', reason: long }));
  assert.match(history, /must be at most 500 characters \(reason_is_short\)/);
});

test('a malformed uuid is rejected, as the database does', async () => {
  const [row] = await rowsOf('peer_mentors');
  const error = failure(peerMentorsRowSchema.safeParse({ ...(row as object), id: 'not-a-uuid' }));
  assert.match(error, /→ at id/);
  assert.match(error, /GUID/i);
  assert.equal(failure(peerMentorsUpdateSchema.safeParse({ user_id: '1234' })).includes('→ at user_id'), true);
  assert.equal(await sqlstate(`select 'not-a-uuid'::uuid`), '22P02');
});

test('inserts and updates refuse unknown columns and columns the database writes itself', async () => {
  assert.match(failure(peerMentorsUpdateSchema.safeParse({ nickname: 'Kim' })), /Unrecognized key: "nickname"/);
  const history = failure(peerMentorStatusHistoryInsertSchema.safeParse({ id: 7, mentor_id: randomUUID(), new_status: 'active' }));
  assert.match(history, /→ at id/);
  assert.equal(
    await sqlstate(`insert into public.peer_mentor_status_history (id, mentor_id, new_status) values (7, ${id('pm:1')}, 'active')`),
    '428C9',
    'identity ALWAYS: the database refuses an explicit id',
  );
});

test('check constraints become validation: job status, non-negative counts, named jobs', async () => {
  const status = failure(jobRunsInsertSchema.safeParse({ job_name: 'nightly', status: 'paused' }));
  assert.match(status, /must be one of running, succeeded, failed \(status_is_known\)/);
  assert.equal(await sqlstate(`insert into public.job_runs (job_name, status) values ('nightly', 'paused')`), '23514');

  assert.match(failure(jobRunsInsertSchema.safeParse({ job_name: 'nightly', affected_count: -1 })), /affected_count_is_not_negative/);
  assert.equal(await sqlstate(`insert into public.job_runs (job_name, affected_count) values ('nightly', -1)`), '23514');

  assert.match(failure(jobRunsInsertSchema.safeParse({ job_name: '' })), /must not be empty \(job_name_is_named\)/);
  assert.equal(await sqlstate(`insert into public.job_runs (job_name) values ('')`), '23514');

  assert.ok(jobRunsInsertSchema.safeParse({ job_name: 'nightly', status: 'running', affected_count: 0 }).success);
  assert.equal(await sqlstate(`insert into public.job_runs (job_name, status, affected_count) values ('nightly', 'running', 0)`), null);
});

/** As PostgREST runs a request carrying this user's JWT. */
const asUser = (user: string, sql: string) => `
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', json_build_object('sub', ${id(user)}, 'role', 'authenticated')::text, true);
  ${sql}`;

test("per-caller update schemas refuse what the database refuses for the caller's column grants", async () => {
  // The table's Update schema (the service role's) accepts certification_expires_at; for a mentor the database says 42501.
  const payload = { status: 'paused', certification_expires_at: '2027-01-01T00:00:00Z' };
  assert.equal(peerMentorsUpdateSchema.safeParse(payload).success, true);
  assert.match(
    failure(peerMentorsMentorUpdateSchema.safeParse(payload)),
    /certification_expires_at: not updatable by a mentor \(the column grants of authenticated on peer_mentors: status, status_reason\)/,
  );
  assert.match(failure(peerMentorsCoordinatorUpdateSchema.safeParse(payload)), /certification_expires_at: not updatable by a coordinator/);
  assert.equal(
    await sqlstate(asUser('mentor:1', `update public.peer_mentors set status = 'paused', certification_expires_at = now() where user_id = ${id('mentor:1')}`)),
    '42501',
  );
  assert.equal(
    await sqlstate(asUser('coordinator', `update public.peer_mentors set status = 'paused', certification_expires_at = now() where id = ${id('pm:2')}`)),
    '42501',
  );
});

test("a mentor's update schema allows active and paused only, a coordinator's inactive too, as the rules do", async () => {
  assert.match(failure(peerMentorsMentorUpdateSchema.safeParse({ status: 'inactive' })), /must be active or paused: .*\(PM101\)/);
  assert.equal(
    await sqlstate(asUser('mentor:1', `update public.peer_mentors set status = 'inactive' where user_id = ${id('mentor:1')}`)),
    'PM101',
  );
  const coordinator = peerMentorsCoordinatorUpdateSchema.parse({ status: 'inactive', status_reason: 'Moved away' });
  assert.deepEqual(coordinator, { status: 'inactive', status_reason: 'Moved away' });
  assert.equal(
    await sqlstate(asUser('coordinator', `update public.peer_mentors set status = ${pg.escapeLiteral(coordinator.status)}, status_reason = ${pg.escapeLiteral(coordinator.status_reason ?? '')} where id = ${id('pm:2')}`)),
    null,
  );
  assert.deepEqual(peerMentorsMentorUpdateSchema.parse({ status: 'paused', status_reason: 'Exams' }), { status: 'paused', status_reason: 'Exams' });
  assert.match(failure(peerMentorsMentorUpdateSchema.safeParse({ status: 'paused', status_reason: 'x'.repeat(501) })), /status_reason_is_short/);
});

test('a reason without a status is refused before it is sent, naming the rule', () => {
  assert.match(failure(peerMentorsMentorUpdateSchema.safeParse({ status_reason: 'Exams' })), /status is required: .*\(PM104\)/);
  assert.match(failure(peerMentorsCoordinatorUpdateSchema.safeParse({ status_reason: 'Exams' })), /status is required/);
});
