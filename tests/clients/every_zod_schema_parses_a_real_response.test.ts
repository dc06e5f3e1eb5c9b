// Every zod schema in types/schemas.ts against the Data API's real JSON (PostgREST 12 through supabase-js): Row
// schemas parse rows as each caller reads them, composite schemas parse .rpc() results, Insert / Update and the
// per-caller update schemas produce payloads the database accepts (and refuse what it refuses). The last test
// fails when a schema is added to types/ that no test here exercised.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { z } from 'zod';
import * as schemas from '../../types/schemas.ts';
import { CHAPTER, MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
const exercised = new Set<string>();

/** Parses with the schema and records that it met a real value. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const name = Object.entries(schemas).find(([, s]) => (s as unknown) === schema)?.[0];
  assert.ok(name, 'a schema exported by types/schemas.ts');
  const result = schema.safeParse(value);
  assert.ok(result.success, `${name} parses ${JSON.stringify(value)}: ${result.success ? '' : result.error.message}`);
  exercised.add(name);
  return result.data as z.output<S>;
}

function rows<T>(response: { data: T[] | null; error: unknown }, what: string): T[] {
  assert.equal(response.error, null, `${what}: no error`);
  assert.ok(response.data && response.data.length > 0, `${what}: at least one row to parse`);
  return response.data;
}

before(async () => {
  f = await startApiFixture('clients_zod');
  // Something in every table: a pause (history + notifications) and a job run.
  assert.equal((await f.as(USER.mia).from('peer_mentors').update({ status: 'paused', status_reason: 'Exams' }).eq('user_id', USER.mia)).error, null);
  assert.equal((await f.service.rpc('run_certification_expiry_job', {})).error, null);
});
after(async () => f?.close());

test("every table's Row schema parses the service role's rows", async () => {
  const s = f.service;
  for (const row of rows(await s.from('organizations').select('*'), 'organizations')) parse(schemas.organizationsRowSchema, row);
  for (const row of rows(await s.from('chapters').select('*'), 'chapters')) parse(schemas.chaptersRowSchema, row);
  for (const row of rows(await s.from('users').select('*'), 'users')) parse(schemas.usersRowSchema, row);
  for (const row of rows(await s.from('chapter_memberships').select('*'), 'chapter_memberships')) {
    parse(schemas.chapterMembershipsRowSchema, row);
    parse(schemas.chapterRoleSchema, row.role);
  }
  for (const row of rows(await s.from('peer_mentors').select('*'), 'peer_mentors')) {
    parse(schemas.peerMentorsRowSchema, row);
    parse(schemas.mentorStatusSchema, row.status);
  }
  for (const row of rows(await s.from('peer_mentor_status_history').select('*'), 'history')) parse(schemas.peerMentorStatusHistoryRowSchema, row);
  for (const row of rows(await s.from('job_runs').select('*'), 'job_runs')) parse(schemas.jobRunsRowSchema, row);
  for (const row of rows(await s.from('coordinator_notifications').select('*'), 'notifications')) parse(schemas.coordinatorNotificationsRowSchema, row);
});

test("every view's Row schema parses what its caller reads", async () => {
  const cora = f.as(USER.cora);
  for (const row of rows(await cora.from('coordinator_board').select('*'), 'coordinator_board')) parse(schemas.coordinatorBoardRowSchema, row);
  for (const row of rows(await cora.from('mentor_cards').select('*'), 'mentor_cards')) parse(schemas.mentorCardsRowSchema, row);
  for (const row of rows(await cora.from('mentor_status_timeline').select('*'), 'timeline')) parse(schemas.mentorStatusTimelineRowSchema, row);
  for (const row of rows(await f.as(USER.mia).from('my_mentor_card').select('*'), 'my_mentor_card')) parse(schemas.myMentorCardRowSchema, row);
  // mentors_expiring_within returns coordinator_board rows.
  for (const row of rows(await f.as(USER.carl).rpc('mentors_expiring_within', { p_days: 60 }), 'mentors_expiring_within')) {
    parse(schemas.coordinatorBoardRowSchema, row);
  }
});

test('the composite-type schemas parse the .rpc() results', async () => {
  const cora = f.as(USER.cora);
  const now = new Date().toISOString();
  for (const row of rows(await cora.rpc('mentor_status_at', { p_mentor_id: MENTOR.mia, p_at: now }), 'mentor_status_at')) {
    parse(schemas.mentorStatusAtInstantSchema, row);
  }
  for (const row of rows(await cora.rpc('chapter_status_at', { p_chapter_id: CHAPTER.oslo, p_at: now }), 'chapter_status_at')) {
    parse(schemas.mentorStatusAtInstantSchema, row);
  }
  const claimed = rows(await f.service.rpc('claim_coordinator_notifications', { p_limit: 100 }), 'claim');
  for (const row of claimed) parse(schemas.claimedCoordinatorNotificationSchema, row);
  const failed = rows(await f.service.rpc('fail_coordinator_notifications', {
    p_claim_token: claimed[0]!.claim_token!, p_ids: claimed.map((n) => n.id!), p_error: 'webhook answered 500',
  }), 'fail');
  for (const row of failed) parse(schemas.failedCoordinatorNotificationSchema, row);
  const health = await f.service.rpc('coordinator_notifications_health');
  assert.equal(health.error, null);
  parse(schemas.coordinatorNotificationsHealthSchema, health.data);
});

test("the per-caller update schemas' payloads are accepted, and the changed rows parse", async () => {
  const mine = parse(schemas.peerMentorsMentorUpdateSchema, { status: 'active', status_reason: null });
  const asMentor = await f.as(USER.mia).from('peer_mentors').update(mine).eq('user_id', USER.mia).select().single();
  assert.equal(asMentor.error, null);
  parse(schemas.peerMentorsRowSchema, asMentor.data);
  const theirs = parse(schemas.peerMentorsCoordinatorUpdateSchema, { status: 'inactive', status_reason: 'Moved away' });
  const asCoordinator = await f.as(USER.carl).from('peer_mentors').update(theirs).eq('id', MENTOR.rita).select().single();
  assert.equal(asCoordinator.error, null);
  parse(schemas.peerMentorsRowSchema, asCoordinator.data);
});

test('what the mentor schema refuses, the database refuses too (PM101, column grants)', async () => {
  assert.equal(schemas.peerMentorsMentorUpdateSchema.safeParse({ status: 'inactive' }).success, false);
  assert.equal((await f.as(USER.max).from('peer_mentors').update({ status: 'inactive' }).eq('user_id', USER.max)).error?.code, 'PM101');
  assert.equal(schemas.peerMentorsMentorUpdateSchema.safeParse({ status: 'paused', certification_expires_at: '2030-01-01' }).success, false);
  const grant = await f.as(USER.max).from('peer_mentors').update({ status: 'paused', certification_expires_at: '2030-01-01' } as never).eq('user_id', USER.max);
  assert.equal(grant.error?.code, '42501');
});

test("the Insert and Update schemas' payloads are what the service role's writes accept", async () => {
  const s = f.service;
  const org = await s.from('organizations').insert(parse(schemas.organizationsInsertSchema, { name: 'Zod Org' })).select().single();
  assert.equal(org.error, null);
  const orgId = parse(schemas.organizationsRowSchema, org.data).id;
  assert.equal((await s.from('organizations').update(parse(schemas.organizationsUpdateSchema, { name: 'Zod Org 2' })).eq('id', orgId)).error, null);

  const chapter = await s.from('chapters').insert(parse(schemas.chaptersInsertSchema, { organization_id: orgId, name: 'Zod Town' })).select().single();
  assert.equal(chapter.error, null);
  const chapterId = parse(schemas.chaptersRowSchema, chapter.data).id;
  assert.equal((await s.from('chapters').update(parse(schemas.chaptersUpdateSchema, { name: 'Zod City' })).eq('id', chapterId)).error, null);

  // A profile row needs its auth user (Supabase Auth creates it; the service role cannot write auth.users).
  const userId = 'f0000000-0000-4000-8000-000000000001';
  await f.sql(`insert into auth.users (id, email, aud, role) values ($1, 'zed@example.org', 'authenticated', 'authenticated')`, [userId]);
  const user = await s.from('users').insert(parse(schemas.usersInsertSchema, { id: userId, full_name: 'Zed Zod', email: 'zed@example.org' })).select().single();
  assert.equal(user.error, null);
  parse(schemas.usersRowSchema, user.data);
  assert.equal((await s.from('users').update(parse(schemas.usersUpdateSchema, { full_name: 'Zed Zodson' })).eq('id', userId)).error, null);

  const membership = await s.from('chapter_memberships')
    .insert(parse(schemas.chapterMembershipsInsertSchema, { chapter_id: chapterId, user_id: userId, role: 'peer_mentor' })).select().single();
  assert.equal(membership.error, null);
  parse(schemas.chapterMembershipsRowSchema, membership.data);
  assert.equal((await s.from('chapter_memberships').update(parse(schemas.chapterMembershipsUpdateSchema, { is_active: false }))
    .eq('chapter_id', chapterId).eq('user_id', userId)).error, null);

  const mentor = await s.from('peer_mentors')
    .insert(parse(schemas.peerMentorsInsertSchema, { user_id: userId, certification_expires_at: '2030-01-01T00:00:00Z' })).select().single();
  assert.equal(mentor.error, null);
  const mentorId = parse(schemas.peerMentorsRowSchema, mentor.data).id;
  const updated = await s.from('peer_mentors').update(parse(schemas.peerMentorsUpdateSchema, { status: 'paused', status_reason: 'Zod' })).eq('id', mentorId).select().single();
  assert.equal(updated.error, null);
  parse(schemas.peerMentorsRowSchema, updated.data);

  const job = await s.from('job_runs').insert(parse(schemas.jobRunsInsertSchema, { job_name: 'zod_job' })).select().single();
  assert.equal(job.error, null, `job_runs insert: ${JSON.stringify(job.error)}`);
  const jobId = parse(schemas.jobRunsRowSchema, job.data).id;
  const finished = await s.from('job_runs').update(parse(schemas.jobRunsUpdateSchema, { status: 'succeeded', finished_at: new Date().toISOString(), affected_count: 0 }))
    .eq('id', jobId).select().single();
  assert.equal(finished.error, null, `job_runs update: ${JSON.stringify(finished.error)}`);
  parse(schemas.jobRunsRowSchema, finished.data);
});

test('the history and outbox Insert schemas describe rows only the database writes (refused), the outbox Update schema a service-role write', async () => {
  const s = f.service;
  const [last] = await f.sql<{ id: string }>('select id from public.peer_mentor_status_history order by id desc limit 1');
  const historyInsert = parse(schemas.peerMentorStatusHistoryInsertSchema, { mentor_id: MENTOR.max, previous_status: 'active', new_status: 'paused' });
  const inserted = await s.from('peer_mentor_status_history').insert(historyInsert);
  assert.ok(['PM202', '42501'].includes(inserted.error?.code ?? ''), `history insert refused (${inserted.error?.code})`);
  const historyUpdate = parse(schemas.peerMentorStatusHistoryUpdateSchema, { reason: 'rewritten' });
  const rewritten = await s.from('peer_mentor_status_history').update(historyUpdate).eq('id', Number(last!.id));
  assert.ok(['PM201', '42501'].includes(rewritten.error?.code ?? ''), `history update refused (${rewritten.error?.code})`);

  const notificationInsert = parse(schemas.coordinatorNotificationsInsertSchema, { history_id: Number(last!.id), coordinator_id: USER.ida });
  const queued = await s.from('coordinator_notifications').insert(notificationInsert);
  assert.equal(queued.error?.code, '42501', `only the trigger queues notifications (${queued.error?.message})`);
  // The service role may update the outbox directly (contract: everything, but the append-only history).
  const notificationUpdate = parse(schemas.coordinatorNotificationsUpdateSchema, { read_at: new Date().toISOString() });
  const read = await s.from('coordinator_notifications').update(notificationUpdate).not('id', 'is', null).select();
  for (const row of rows(read, 'notifications update')) parse(schemas.coordinatorNotificationsRowSchema, row);
});

test('the tamper-evidence schemas parse a digest, its publication and an erasure record; their tables are the database\'s to write', async () => {
  const s = f.service;
  const digest = await s.rpc('status_history_digest');
  assert.equal(digest.error, null, `status_history_digest: ${JSON.stringify(digest.error)}`);
  parse(schemas.nonNullJsonSchema, digest.data);
  parse(schemas.jsonSchema, digest.data);
  for (const row of rows(await s.from('status_history_digests').select('*'), 'digests')) parse(schemas.statusHistoryDigestsRowSchema, row);
  const claimed = rows(await s.rpc('claim_status_history_digests', { p_limit: 10 }), 'claim digests');
  for (const row of claimed) parse(schemas.claimedStatusHistoryDigestSchema, row);
  const failed = rows(await s.rpc('fail_status_history_digests', {
    p_ids: claimed.map((d) => d.id!), p_claim_token: claimed[0]!.claim_token!, p_error: 'bucket answered 503',
  }), 'fail digests');
  for (const row of failed) parse(schemas.failedStatusHistoryDigestSchema, row);
  // An erasure: a mentor created and deleted by the service role.
  const userId = 'f0000000-0000-4000-8000-0000000000e1';
  await f.sql(`insert into auth.users (id, email, aud, role) values ($1, 'erased@example.org', 'authenticated', 'authenticated')`, [userId]);
  assert.equal((await s.from('users').insert({ id: userId, full_name: 'Erased' })).error, null);
  const mentor = await s.from('peer_mentors').insert({ user_id: userId }).select().single();
  assert.equal(mentor.error, null);
  assert.equal((await s.from('peer_mentors').delete().eq('id', parse(schemas.peerMentorsRowSchema, mentor.data).id)).error, null);
  for (const row of rows(await s.from('status_history_erasures').select('*'), 'erasures')) parse(schemas.statusHistoryErasuresRowSchema, row);
  // Written only by the database: the service role's inserts and updates are refused.
  const digestInsert = parse(schemas.statusHistoryDigestsInsertSchema, { taken_at: new Date().toISOString(), digest: {}, history_rows: 0, erasures: 0, last_history_id: 0, last_erasure_id: 0 });
  assert.equal((await s.from('status_history_digests').insert(digestInsert)).error?.code, '42501');
  const digestUpdate = parse(schemas.statusHistoryDigestsUpdateSchema, { digest: {} });
  assert.equal((await s.from('status_history_digests').update(digestUpdate).not('id', 'is', null)).error?.code, '42501');
  const erasureInsert = parse(schemas.statusHistoryErasuresInsertSchema, { mentor_id: MENTOR.max, erased_at: new Date().toISOString(), erased_by_role: 'service_role', history_rows: 0 });
  assert.equal((await s.from('status_history_erasures').insert(erasureInsert)).error?.code, '42501');
  const erasureUpdate = parse(schemas.statusHistoryErasuresUpdateSchema, { history_rows: 1 });
  assert.equal((await s.from('status_history_erasures').update(erasureUpdate).not('id', 'is', null)).error?.code, '42501');
});

test('every schema exported by types/schemas.ts was exercised above', () => {
  const all = Object.keys(schemas).filter((name) => name.endsWith('Schema')).sort();
  assert.deepEqual(all.filter((name) => !exercised.has(name)), [], 'schemas no test here parsed a real value with');
});
