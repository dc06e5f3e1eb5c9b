// The read model as apps call it (docs/read-model.md): the views with supabase-js filters, the functions with
// .rpc(), each as the caller it serves, against a real PostgREST. RLS decides what each returns.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CHAPTER, MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture('clients_reads');
  // One change to read back: Cora pauses Max (Oslo + Bergen).
  const { error } = await f.as(USER.cora).from('peer_mentors').update({ status: 'paused', status_reason: 'On leave' }).eq('id', MENTOR.max);
  assert.equal(error, null);
});
after(async () => f?.close());

test("coordinator_board: a coordinator's board filtered by chapter (.contains) and status (.eq)", async () => {
  const supabase = f.as(USER.colin);
  const chapterId = CHAPTER.bergen;
  // #region readme: the coordinator's board
  const { data: board } = await supabase
    .from('coordinator_board')
    .select('full_name, chapter_names, status, status_reason, changed_by_name')
    .contains('chapter_ids', [chapterId])
    .eq('status', 'paused')
  // #endregion
  assert.deepEqual(board, [{ full_name: 'Max Multi', chapter_names: ['Bergen', 'Oslo'], status: 'paused', status_reason: 'On leave', changed_by_name: 'Cora Coordinator' }]);
});

test("coordinator_board: a coordinator sees only the mentors it is responsible for", async () => {
  const { data } = await f.as(USER.cora).from('coordinator_board').select('full_name').order('full_name');
  assert.deepEqual(data?.map((r) => r.full_name), ['Max Multi', 'Mia Mentor', 'Sara Solo', 'Tor Tromsø']);
});

test('my_mentor_card: a mentor reads its own card, and only its own', async () => {
  const supabase = f.as(USER.max);
  // #region readme: a mentor's own card
  const { data: card } = await supabase
    .from('my_mentor_card')
    .select('full_name, status, status_reason, changed_by_name, certification_days_left')
    .maybeSingle()
  // #endregion
  assert.equal(card?.full_name, 'Max Multi');
  assert.equal(card?.status, 'paused');
  assert.equal(card?.changed_by_name, 'Cora Coordinator');
  assert.ok(card!.certification_days_left! >= 198 && card!.certification_days_left! <= 200, `days left ${card?.certification_days_left}`);
  const { data: coordinatorsCard } = await f.as(USER.carl).from('my_mentor_card').select('*');
  assert.deepEqual(coordinatorsCard, [], 'a coordinator who is not a mentor has no card');
});

test("mentor_status_timeline: a mentor's history, newest first, with who made each change", async () => {
  const supabase = f.as(USER.cora);
  const mentorId = MENTOR.max;
  // #region readme: a mentor's timeline
  const { data: timeline } = await supabase
    .from('mentor_status_timeline')
    .select('previous_status, new_status, reason, changed_by_name, job_name')
    .eq('mentor_id', mentorId)
    .order('changed_at', { ascending: false })
    .order('id', { ascending: false })
  // #endregion
  assert.deepEqual(timeline, [
    { previous_status: 'active', new_status: 'paused', reason: 'On leave', changed_by_name: 'Cora Coordinator', job_name: null },
    { previous_status: null, new_status: 'active', reason: null, changed_by_name: null, job_name: null },
  ]);
});

test(".rpc('mentors_expiring_within'): the board's mentors whose certification lapses soon, soonest first", async () => {
  const supabase = f.as(USER.carl);
  // #region readme: certifications expiring soon
  const { data: expiring } = await supabase.rpc('mentors_expiring_within', { p_days: 45 })
  // #endregion
  assert.deepEqual(expiring?.map((r) => r.full_name), ['Rita Riga'], "Carl's mentors: Rita (30 days); Tiia already lapsed, Colin in 400 days");
});

test(".rpc('mentor_status_at'): the status in force at an instant, an array of at most one row", async () => {
  const supabase = f.as(USER.cora);
  const mentorId = MENTOR.max;
  const [{ changed_at: pausedAt }] = await f.sql<{ changed_at: Date }>(
    `select changed_at from public.peer_mentor_status_history where mentor_id = $1 and new_status = 'paused'`, [mentorId]) as [{ changed_at: Date }];
  const before = new Date(pausedAt.getTime() - 1).toISOString();
  // #region readme: time travel
  // A set-returning function: PostgREST answers an array; .maybeSingle() makes it the one row (or null).
  const { data: then } = await supabase.rpc('mentor_status_at', { p_mentor_id: mentorId, p_at: before }).maybeSingle()
  const { data: now } = await supabase.rpc('mentor_status_at', { p_mentor_id: mentorId, p_at: new Date().toISOString() }).maybeSingle()
  // #endregion
  const raw = await supabase.rpc('mentor_status_at', { p_mentor_id: mentorId, p_at: before });
  assert.ok(Array.isArray(raw.data) && raw.data.length === 1, 'without .maybeSingle(): an array (the type says so too)');
  assert.equal(then?.status, 'active');
  assert.equal(now?.status, 'paused');
  assert.equal(now?.reason, 'On leave');
  assert.equal(now?.changed_by, USER.cora);
});

test(".rpc('chapter_status_at'): every mentor of a chapter at an instant", async () => {
  const supabase = f.as(USER.cora);
  const { data, error } = await supabase.rpc('chapter_status_at', { p_chapter_id: CHAPTER.oslo, p_at: new Date().toISOString() });
  assert.equal(error, null);
  assert.deepEqual(data?.map((r) => [r.mentor_id, r.status]).sort(), [[MENTOR.mia, 'active'], [MENTOR.max, 'paused']].sort());
});

test('a mentor reads nothing of other mentors through the views or functions', async () => {
  const mia = f.as(USER.mia);
  assert.deepEqual((await mia.from('coordinator_board').select('full_name')).data, []);
  assert.deepEqual((await mia.from('mentor_status_timeline').select('id').eq('mentor_id', MENTOR.max)).data, []);
  const at = await mia.rpc('mentor_status_at', { p_mentor_id: MENTOR.max, p_at: new Date().toISOString() });
  assert.equal(at.error, null);
  assert.deepEqual(at.data, [], 'no row for a mentor it may not see');
});
