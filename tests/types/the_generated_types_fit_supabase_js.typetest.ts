// Type tests for the generated types against the real @supabase/supabase-js client. This file is compiled by
// `tsc --noEmit` (npm test's type check) and never run: each `Expect<Equals<...>>` fails the build when a type
// drifts, and each `// @ts-expect-error` fails it when a mistake it guards against starts to compile.
import { createClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { Constants, type Database, type Enums, type Tables, type TablesInsert, type TablesUpdate } from '../../types/database.ts';
import { peerMentorsCoordinatorUpdateSchema, peerMentorsMentorUpdateSchema, peerMentorsUpdateSchema, Schemas } from '../../types/schemas.ts';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Expect<T extends true> = T;

type MentorStatus = 'active' | 'paused' | 'inactive';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'public-anon-key');

export async function historyRowsCarryTheStatusUnion(mentorId: string) {
  const { data, error } = await supabase
    .from('peer_mentor_status_history')
    .select('*')
    .eq('mentor_id', mentorId)
    .order('changed_at', { ascending: false });
  if (error) throw error;
  type Row = (typeof data)[number];
  type _new = Expect<Equals<Row['new_status'], MentorStatus>>;
  type _previous = Expect<Equals<Row['previous_status'], MentorStatus | null>>;
  type _id = Expect<Equals<Row['id'], number>>;
  type _changedBy = Expect<Equals<Row['changed_by'], string | null>>;
  type _whole = Expect<Equals<Row, Tables<'peer_mentor_status_history'>>>;
  return data;
}

export async function selectingColumnsKeepsTheirTypes(mentorId: string) {
  const { data } = await supabase
    .from('peer_mentor_status_history')
    .select('new_status, previous_status, reason, job_run_id')
    .eq('mentor_id', mentorId)
    .single();
  type _row = Expect<
    Equals<
      NonNullable<typeof data>,
      { new_status: MentorStatus; previous_status: MentorStatus | null; reason: string | null; job_run_id: string | null }
    >
  >;
  // @ts-expect-error -- not a column of the history
  await supabase.from('peer_mentor_status_history').select('new_status, nickname').single().throwOnError().then((r) => r.data.nickname);
}

export async function pausingAMentorCompiles(mentorId: string) {
  const { error } = await supabase
    .from('peer_mentors')
    .update({ status: 'paused', status_reason: 'On parental leave until March' })
    .eq('id', mentorId);
  const change: TablesUpdate<'peer_mentors'> = { status: 'inactive', status_reason: null };
  await supabase.from('peer_mentors').update(change).eq('id', mentorId);
  return error;
}

export async function mistakesDoNotCompile(mentorId: string) {
  // @ts-expect-error -- 'retired' is not a mentor_status
  await supabase.from('peer_mentors').update({ status: 'retired' }).eq('id', mentorId);
  // @ts-expect-error -- peer_mentors has no column nickname
  await supabase.from('peer_mentors').update({ nickname: 'Kim' }).eq('id', mentorId);
  // @ts-expect-error -- status_reason is text, not a number
  await supabase.from('peer_mentors').update({ status_reason: 42 }).eq('id', mentorId);
  // @ts-expect-error -- the history id is generated always: it cannot be written
  await supabase.from('peer_mentor_status_history').insert({ id: 1, mentor_id: mentorId, new_status: 'active' });
  // @ts-expect-error -- user_id is required on insert (no default)
  await supabase.from('peer_mentors').insert({ status: 'active' });
  // @ts-expect-error -- no such table
  await supabase.from('mentors').select('*');
}

export async function theExpiryJobIsTyped() {
  const { data, error } = await supabase.rpc('run_certification_expiry_job', { p_as_of: '2026-11-26T00:00:00Z' });
  if (error) throw error;
  type _returns = Expect<Equals<typeof data, string>>;
  type _args = Expect<Equals<Database['public']['Functions']['run_certification_expiry_job']['Args'], { p_as_of?: string }>>;
  await supabase.rpc('run_certification_expiry_job'); // p_as_of has a default
  await supabase.rpc('run_certification_expiry_job', {});
  // @ts-expect-error -- p_as_of is a timestamptz (a string), not a number
  await supabase.rpc('run_certification_expiry_job', { p_as_of: 42 });
  // @ts-expect-error -- no such function
  await supabase.rpc('run_the_job');
  return data;
}

export async function setReturningFunctionsReturnArrays(mentorId: string) {
  const { data: coordinators } = await supabase.rpc('coordinators_for_mentor', { p_mentor_id: mentorId });
  type _setof = Expect<Equals<NonNullable<typeof coordinators>, string[]>>;
  const { data: claimed } = await supabase.rpc('claim_coordinator_notifications', { p_limit: 10 });
  type Claimed = NonNullable<typeof claimed>[number];
  // A declared composite type (public.claimed_coordinator_notification): PostgreSQL records no NOT NULL on a
  // composite's attributes, so every field is nullable here until the generator learns each one's nullability.
  type _composite = Expect<Equals<Claimed['new_status'], MentorStatus | null>>;
  type _compositeId = Expect<Equals<Claimed['id'], number | null>>;
  type _compositeChangedBy = Expect<Equals<Claimed['changed_by'], string | null>>;
  // Issue 12: what the dispatcher really receives as null (a system change, a person's change, no reason).
  type _compositeJobRun = Expect<Equals<Claimed['job_run_id'], string | null>>;
  type _compositeReason = Expect<Equals<Claimed['reason'], string | null>>;
  const { data: completed } = await supabase.rpc('complete_coordinator_notifications', { p_ids: [1, 2], p_claim_token: mentorId });
  type _scalar = Expect<Equals<NonNullable<typeof completed>, number>>;
  // @ts-expect-error -- p_mentor_id is required
  await supabase.rpc('coordinators_for_mentor', {});
}

// The helper generics and constants.
type _tables = Expect<Equals<Tables<'peer_mentors'>['status'], Enums<'mentor_status'>>>;
type _insertOptional = Expect<Equals<TablesInsert<'peer_mentors'>['status'], MentorStatus | undefined>>;
type _insertRequired = Expect<Equals<TablesInsert<'peer_mentors'>['user_id'], string>>;
type _identityAlways = Expect<Equals<number extends TablesInsert<'peer_mentor_status_history'>['id'] ? true : false, false>>;
type _updateOptional = Expect<Equals<TablesUpdate<'peer_mentors'>['user_id'], string | undefined>>;
type _constants = Expect<Equals<(typeof Constants)['public']['Enums']['mentor_status'], readonly ['active', 'paused', 'inactive']>>;
type _chapterRole = Expect<Equals<Enums<'chapter_role'>, 'peer_mentor' | 'coordinator'>>;

// The zod schemas produce exactly the generated types, so a parsed payload goes straight into the client.
export async function parsedPayloadsFitTheClient(payload: unknown, mentorId: string) {
  const change = peerMentorsUpdateSchema.parse(payload);
  await supabase.from('peer_mentors').update(change).eq('id', mentorId);
  type _row = Expect<Equals<z.infer<typeof Schemas.public.Tables.peer_mentors.Row>, Tables<'peer_mentors'>>>;
  type _enum = Expect<Equals<z.infer<typeof Schemas.public.Enums.mentor_status>, MentorStatus>>;
}

// Per-caller update schemas: what a mentor or a coordinator may send, narrowed by the grants and rules.
export async function perCallerSchemasFitTheClient(payload: unknown, userId: string, mentorId: string) {
  const own = peerMentorsMentorUpdateSchema.parse(payload);
  await supabase.from('peer_mentors').update(own).eq('user_id', userId);
  type _mentorStatus = Expect<Equals<typeof own.status, 'active' | 'paused'>>;
  type _mentorKeys = Expect<Equals<keyof typeof own, 'status' | 'status_reason'>>;
  const coordinated = peerMentorsCoordinatorUpdateSchema.parse(payload);
  await supabase.from('peer_mentors').update(coordinated).eq('id', mentorId);
  type _coordinatorStatus = Expect<Equals<typeof coordinated.status, MentorStatus>>;
  // @ts-expect-error -- a mentor's update never sets inactive
  const inactive: z.infer<typeof peerMentorsMentorUpdateSchema> = { status: 'inactive' };
  // @ts-expect-error -- certification_expires_at is not a mentor's to change (no column grant)
  const expiry: z.infer<typeof peerMentorsMentorUpdateSchema> = { status: 'paused', certification_expires_at: null };
  // @ts-expect-error -- a reason goes with a status
  const reasonOnly: z.infer<typeof peerMentorsCoordinatorUpdateSchema> = { status_reason: 'Moved away' };
  return [inactive, expiry, reasonOnly];
}

// The read model: views and time-travel functions are in the generated types.
export async function theBoardIsTypedAndFilterable(chapterId: string) {
  const { data, error } = await supabase
    .from('coordinator_board')
    .select('mentor_id, full_name, chapter_names, status, status_changed_at, changed_by_name, job_name, certification_days_left')
    .contains('chapter_ids', [chapterId])
    .eq('status', 'paused')
    .order('certification_expires_at', { ascending: true });
  if (error) throw error;
  type Row = (typeof data)[number];
  type _status = Expect<Equals<Row['status'], MentorStatus | null>>;
  type _chapters = Expect<Equals<Row['chapter_names'], string[] | null>>;
  type _days = Expect<Equals<Row['certification_days_left'], number | null>>;
  // @ts-expect-error -- 'retired' is not a mentor_status
  await supabase.from('coordinator_board').select('mentor_id').eq('status', 'retired');
  // @ts-expect-error -- the board is read-only: a view with no Update
  await supabase.from('coordinator_board').update({ status: 'paused' }).eq('mentor_id', chapterId);
  // @ts-expect-error -- not a column of the board
  await supabase.from('coordinator_board').select('nickname').single().throwOnError().then((r) => r.data.nickname);
  return data;
}

export async function theCardAndTimelineAreTyped(mentorId: string) {
  const { data: card } = await supabase.from('my_mentor_card').select('*').maybeSingle();
  type _card = Expect<Equals<NonNullable<typeof card>['job_name'], string | null>>;
  const { data: timeline } = await supabase
    .from('mentor_status_timeline')
    .select('new_status, reason, changed_at, changed_by_name, job_name')
    .eq('mentor_id', mentorId)
    .order('changed_at', { ascending: false })
    .order('id', { ascending: false });
  type _timeline = Expect<Equals<NonNullable<typeof timeline>[number]['changed_by_name'], string | null>>;
  const { data: expiring } = await supabase.rpc('mentors_expiring_within', { p_days: 30 });
  type _expiring = Expect<Equals<NonNullable<typeof expiring>[number]['certification_expires_at'], string | null>>;
  // @ts-expect-error -- p_days is a number of days
  await supabase.rpc('mentors_expiring_within', { p_days: '30' });
  // @ts-expect-error -- p_days is required
  await supabase.rpc('mentors_expiring_within', {});
}

export async function timeTravelIsTyped(mentorId: string, chapterId: string) {
  const { data: then } = await supabase.rpc('mentor_status_at', { p_mentor_id: mentorId, p_at: '2026-03-01T12:00:00Z' });
  type Then = Database['public']['CompositeTypes']['mentor_status_at_instant'];
  type _fields = Expect<Equals<Then['status'], MentorStatus | null>>;
  const { data: chapter } = await supabase.rpc('chapter_status_at', { p_chapter_id: chapterId, p_at: '2026-03-01T12:00:00Z' });
  type _chapter = Expect<Equals<NonNullable<typeof chapter>, Then[]>>;
  // @ts-expect-error -- p_at is required
  await supabase.rpc('mentor_status_at', { p_mentor_id: mentorId });
  // @ts-expect-error -- p_at is a timestamptz (a string)
  await supabase.rpc('chapter_status_at', { p_chapter_id: chapterId, p_at: new Date() });
  return then;
}
