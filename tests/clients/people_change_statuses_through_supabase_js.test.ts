// Status changes as apps make them: supabase-js against a real PostgREST (tests/support/data-api.ts), signed in
// as the seed's people. The database writes the history (changed_by from the JWT's sub) and queues notifications.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { peerMentorsCoordinatorUpdateSchema, peerMentorsMentorUpdateSchema } from '../../types/schemas.ts';
import { CHAPTER, MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
before(async () => (f = await startApiFixture('clients_status')));
after(async () => f?.close());

test('a mentor pauses itself, and its history names it', async () => {
  const supabase = f.as(USER.mia);
  const userId = USER.mia;
  // #region readme: a mentor pauses itself
  const { data: me, error } = await supabase
    .from('peer_mentors')
    .update(peerMentorsMentorUpdateSchema.parse({ status: 'paused', status_reason: 'Exams until June' }))
    .eq('user_id', userId)
    .select('id, status, status_reason')
    .single()
  // #endregion
  assert.equal(error, null);
  assert.deepEqual(me, { id: MENTOR.mia, status: 'paused', status_reason: 'Exams until June' });
  const { data: last } = await supabase.from('mentor_status_timeline')
    .select('previous_status, new_status, reason, changed_by, changed_by_name')
    .eq('mentor_id', MENTOR.mia).order('changed_at', { ascending: false }).order('id', { ascending: false }).limit(1).single();
  assert.deepEqual(last, { previous_status: 'active', new_status: 'paused', reason: 'Exams until June', changed_by: USER.mia, changed_by_name: 'Mia Mentor' });
});

test('a mentor resumes itself', async () => {
  const supabase = f.as(USER.max);
  await f.sql(`update public.peer_mentors set status = 'paused', status_reason = 'holiday' where id = $1`, [MENTOR.max]);
  const { data, error } = await supabase.from('peer_mentors')
    .update(peerMentorsMentorUpdateSchema.parse({ status: 'active', status_reason: null }))
    .eq('user_id', USER.max).select('status, status_reason').single();
  assert.equal(error, null);
  assert.deepEqual(data, { status: 'active', status_reason: null });
});

test("a mentor's pause shows on its coordinator's board", async () => {
  const mia = f.as(USER.nils);
  const miaUserId = USER.nils;
  const cora = f.as(USER.sara);
  const osloChapterId = CHAPTER.narvik;
  // #region readme: a mentor's pause shows on its coordinator's board
  // The mentor, signed in, pauses itself: the database writes the history and queues the coordinators' notifications.
  const { error } = await mia
    .from('peer_mentors')
    .update(peerMentorsMentorUpdateSchema.parse({ status: 'paused', status_reason: 'Exams until June' }))
    .eq('user_id', miaUserId)
  // Its coordinator, signed in, sees it on the board.
  const { data: board } = await cora
    .from('coordinator_board')
    .select('full_name, status, status_reason, changed_by_name')
    .contains('chapter_ids', [osloChapterId])
    .eq('status', 'paused')
  // #endregion
  assert.equal(error, null);
  assert.deepEqual(board, [{ full_name: 'Nils Narvik', status: 'paused', status_reason: 'Exams until June', changed_by_name: 'Nils Narvik' }]);
});

test('a coordinator sets a mentor inactive, and lifts it again', async () => {
  const supabase = f.as(USER.carl);
  const mentorId = MENTOR.rita;
  // #region readme: a coordinator sets a mentor inactive and lifts it
  const { data: set, error: setError } = await supabase
    .from('peer_mentors')
    .update(peerMentorsCoordinatorUpdateSchema.parse({ status: 'inactive', status_reason: 'Moved away' }))
    .eq('id', mentorId)
    .select('status, status_reason')
    .single()
  const { data: lifted, error: liftError } = await supabase
    .from('peer_mentors')
    .update(peerMentorsCoordinatorUpdateSchema.parse({ status: 'active', status_reason: null }))
    .eq('id', mentorId)
    .select('status, status_reason')
    .single()
  // #endregion
  assert.equal(setError, null);
  assert.deepEqual(set, { status: 'inactive', status_reason: 'Moved away' });
  assert.equal(liftError, null);
  assert.deepEqual(lifted, { status: 'active', status_reason: null });
  const history = await f.sql(`select previous_status, new_status, changed_by from public.peer_mentor_status_history
                                where mentor_id = $1 and previous_status is not null order by changed_at, id`, [mentorId]);
  assert.deepEqual(history, [
    { previous_status: 'active', new_status: 'inactive', changed_by: USER.carl },
    { previous_status: 'inactive', new_status: 'active', changed_by: USER.carl },
  ]);
});

test('a fallback coordinator (the mentor\'s chapter has none) pauses that mentor', async () => {
  // Tor's chapter Tromsø has no coordinator: Nordic's coordinators (Cora, Colin, Sara) are responsible.
  const { data, error } = await f.as(USER.colin).from('peer_mentors')
    .update(peerMentorsCoordinatorUpdateSchema.parse({ status: 'paused', status_reason: 'No sessions booked' }))
    .eq('id', MENTOR.tor).select('status, status_reason').single();
  assert.equal(error, null);
  assert.deepEqual(data, { status: 'paused', status_reason: 'No sessions booked' });
  const notified = await f.sql<{ coordinator_id: string }>(`
    select n.coordinator_id from public.coordinator_notifications n
      join public.peer_mentor_status_history h on h.id = n.history_id
     where h.mentor_id = $1 and h.new_status = 'paused' order by n.coordinator_id`, [MENTOR.tor]);
  assert.deepEqual(notified.map((r) => r.coordinator_id), [USER.cora, USER.sara], 'the other responsible coordinators are told, not the one who did it');
});

test('the service role changes any mentor, and the history records no person', async () => {
  const { data, error } = await f.service.from('peer_mentors')
    .update({ status: 'inactive', status_reason: 'Left the organisation' })
    .eq('id', MENTOR.tiia).select('status').single();
  assert.equal(error, null);
  assert.deepEqual(data, { status: 'inactive' });
  const [last] = await f.sql(`select changed_by from public.peer_mentor_status_history where mentor_id = $1 order by changed_at desc, id desc limit 1`, [MENTOR.tiia]);
  assert.deepEqual(last, { changed_by: null });
});
