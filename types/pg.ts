// Rows read with the `pg` driver in the shape the generated types describe (the Data API's JSON shape), so they
// match types/database.ts and pass the zod schemas in types/schemas.ts. Not generated: a small fixed module,
// tested by tests/types/rows_read_with_pg_equal_what_the_data_api_returns.test.ts. Use it per client or pool (nothing global changes):
//
//   import pg from 'pg'
//   import { postgrestTypes } from './types/pg.js'
//   const pool = new pg.Pool({ connectionString, types: postgrestTypes })
//
// What changes, against pg's defaults (PostgREST's rendering is PostgreSQL's own JSON rendering, to_jsonb):
//   int8 (bigint, e.g. history ids)     string  -> number; a value beyond Number.MAX_SAFE_INTEGER is an error,
//                                                  never a silently rounded id (the generated type says number)
//   numeric                             string  -> number (as JSON carries it)
//   timestamptz                         Date    -> ISO 8601 text, microseconds and offset kept:
//                                                  '2026-12-01T10:19:40.123456+00:00' (Date would drop the µs)
//   timestamp                           Date    -> '2026-12-01T10:19:40.123456'
//   date                                Date    -> '2026-12-01' (no time zone shift through a local Date)
//   interval                            object  -> PostgreSQL's text, e.g. '00:05:00'
//   and the arrays of each of these.
// Unchanged: int2/int4/float (numbers), bool, text, uuid, enums, json/jsonb (parsed), text[].
// Not covered: arrays of enums or composites (pg returns their text form; none in this schema).
import pg from 'pg';

const { builtins } = pg.types;

/** int8 text -> number, refusing what a JSON number cannot carry exactly. */
export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER: read it as text (::text) instead`);
  }
  return n;
}

/** timestamptz / timestamp text output -> the JSON rendering: 'T' between date and time, offset as ±hh:mm. */
export function parseTimestamp(value: string): string {
  return value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

const identity = (value: string): string => value;

const scalars = new Map<number, (value: string) => unknown>([
  [builtins.INT8, parseInt8],
  [builtins.NUMERIC, Number],
  [builtins.TIMESTAMPTZ, parseTimestamp],
  [builtins.TIMESTAMP, parseTimestamp],
  [builtins.DATE, identity],
  [builtins.INTERVAL, identity],
  [builtins.BYTEA, identity], // '\x…' hex text, as the Data API returns it
]);

// Array type OIDs of the scalars above (pg_type.typarray).
const arrays = new Map<number, (value: string) => unknown>([
  [1016, parseInt8], // _int8
  [1231, Number], // _numeric
  [1185, parseTimestamp], // _timestamptz
  [1115, parseTimestamp], // _timestamp
  [1182, identity], // _date
  [1187, identity], // _interval
]);

// text[]'s parser (OID 1009) splits any array literal into its elements' text, nulls as null.
const parseTextArray = (pg.types.getTypeParser as (oid: number, format: 'text') => (value: string) => (string | null)[])(1009, 'text');

/** A `types` option for pg.Client / pg.Pool: rows come back in the generated types' shape. */
export const postgrestTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const scalar = scalars.get(oid);
      if (scalar) return scalar;
      const element = arrays.get(oid);
      if (element) return (value: string) => parseTextArray(value).map((v) => (v === null ? null : element(v)));
    }
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};
