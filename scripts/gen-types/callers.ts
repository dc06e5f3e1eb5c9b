// Per-caller update schemas: what one kind of caller may send in an UPDATE, so that a payload the database would
// refuse is refused before it is sent. The columns come from the database's column-level UPDATE grants for the
// caller's role (read at generation time: a new grant widens the schema, a revoke narrows it); the value rules
// below mirror the BEFORE trigger's rules (private.enforce_mentor_status_rules), which no catalog query can read.
// A rule naming a column the role may not update fails the generation, so the two cannot drift apart silently.

export interface CallerUpdate {
  /** schema-less table name */
  table: string;
  /** the schema's name part: peerMentors + Mentor + UpdateSchema */
  caller: string;
  /** the API role whose column grants decide the columns */
  role: string;
  /** the JSDoc line above the schema */
  doc: string;
  /** columns that must be present, with the reason (the rule) */
  required: Record<string, string>;
  /** columns whose values are narrower than their type, with the reason (the rule) */
  values: Record<string, { allowed: string[]; rule: string }>;
}

export const CALLER_UPDATES: CallerUpdate[] = [
  {
    table: 'peer_mentors',
    caller: 'mentor',
    role: 'authenticated',
    doc: "A mentor's update of its own row: status active or paused, with an optional reason (use with .update(...).eq('user_id', uid)).",
    required: { status: 'a reason changes only together with the status (PM104)' },
    values: { status: { allowed: ['active', 'paused'], rule: 'a mentor moves itself only between active and paused (PM101)' } },
  },
  {
    table: 'peer_mentors',
    caller: 'coordinator',
    role: 'authenticated',
    doc: "A coordinator's update of a mentor it is responsible for: any status (inactive included), with an optional reason.",
    required: { status: 'a reason changes only together with the status (PM104)' },
    values: {},
  },
];
