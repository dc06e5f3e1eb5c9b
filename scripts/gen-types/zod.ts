// types/schemas.ts: what upstream does not generate. zod (v4) schemas for each table's Row / Insert / Update,
// each view's Row, each enum and composite type, and per-caller update schemas (callers.ts), all read from the
// generator's own metadata (metadata.ts) and proven equal to types/database.ts: the file ends with compile-time
// assertions that `z.infer` of every schema is exactly the generated type, so `tsc` fails the moment they drift.
//
// Validation is the database's own, no more:
//   * uuid: `z.guid()`, any 8-4-4-4-12 hex string. PostgreSQL's uuid type accepts any 128-bit value, and
//     ids in the wild (md5-derived test ids, v7 generators, nil) need not carry RFC 4122 version/variant
//     bits, which `z.uuid()` insists on.
//   * enums: exactly their labels. int2/int4: their ranges; int8: a safe integer (JSON numbers).
//   * varchar(n), char(n) and check constraints of the simple single-column kinds (see checks.ts), counting
//     characters as char_length() does (code points, not UTF-16 units). Row schemas skip NOT VALID checks,
//     which existing rows may break. Other checks are listed in the file header as not enforced.
//   * Insert / Update are strict (an unknown column is an error, as it is for PostgREST); Row is not, so a
//     column added by a later migration does not break readers.
import { parseChecks, type ColumnRule } from './checks.ts';
import { CALLER_UPDATES, type CallerUpdate } from './callers.ts';
import type { Column, Metadata, PgType } from './metadata.ts';

const str = (s: string): string => JSON.stringify(s);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const camel = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))
    .replace(/^[A-Z]/, (c) => c.toLowerCase())
    .replace(/^(?=\d)/, '_');
const pascal = (name: string): string => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

/** The scalar types exactly as postgrest-typegen's pgTypeToTsType maps them. */
export const STRING_TYPES = [
  'bytea', 'bpchar', 'varchar', 'date', 'text', 'citext', 'time', 'timetz', 'timestamp', 'timestamptz', 'uuid', 'vector', 'interval',
];
export const NUMBER_TYPES = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'];

const dbPath = (...path: string[]): string => `Database${path.map((p) => `[${str(p)}]`).join('')}`;

interface Relation {
  id: number;
  schema: string;
  name: string;
}

export function renderZodSchemas(meta: Metadata, options: { databaseModule?: string; callers?: CallerUpdate[] } = {}): string {
  const { databaseModule = './database.js', callers = CALLER_UPDATES } = options;
  const schemas = meta.schemas.map((s) => s.name).sort(compare);
  const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => compare(a.name, b.name));
  const tables: Relation[] = [...meta.tables, ...meta.foreignTables];
  const views: Relation[] = [...meta.views, ...meta.materializedViews];
  const relations = [...tables, ...views];
  const typesById = new Map(meta.types.map((t) => [t.id, t]));
  const columnsOf = (id: number): Column[] => byName(meta.columns.filter((c) => c.table_id === id));

  /** PostgREST computed fields (a function taking the relation's row), which upstream adds to Row; rows read
   *  with `select *` do not carry them, so the Row schemas leave them out. Upstream's isComputedFieldOf. */
  const computedFields = (r: Relation): string[] =>
    meta.functions
      .filter((f) => f.schema === r.schema)
      .filter((f) => {
        const inArgs = f.args.filter((a) => a.mode === 'in' || a.mode === 'inout' || a.mode === 'variadic');
        if (inArgs.length !== 1) return false;
        const argType = typesById.get(inArgs[0]!.type_id);
        return argType?.type_relation_id ? argType.type_relation_id === r.id : f.argument_types === r.name;
      })
      .map((f) => f.name)
      .sort(compare);
  const rowType = (r: Relation, path: string): string => {
    const computed = computedFields(r);
    return computed.length === 0 ? path : `Omit<${path}, ${computed.map(str).join(' | ')}>`;
  };
  const declarations: string[] = [];
  const assertions: string[] = [];
  const registry: string[] = [];
  const unenforced: string[] = [];
  const used = new Map<string, string>();
  let needsCharLength = false;
  let needsJson = false;
  let needsNonNullJson = false;

  const declare = (name: string, owner: string, code: string, doc?: string): string => {
    const previous = used.get(name);
    if (previous) throw new Error(`zod schema name ${name} is used by both ${previous} and ${owner}; rename one of them`);
    used.set(name, owner);
    declarations.push(`${doc ? `/** ${doc} */\n` : ''}export const ${name} = ${code}\n`);
    return name;
  };
  const schemaName = (schema: string, name: string, suffix: string): string =>
    `${schema === 'public' ? '' : `${camel(schema)}_`}${camel(name)}${suffix}Schema`;
  const typeRef = (t: PgType) => schemaName(t.schema, t.name, '');
  const relationRef = (r: Relation) => schemaName(r.schema, r.name, 'Row');

  /** The zod expression for a PostgreSQL type by name, resolved as pgTypeToTsType resolves it. */
  const zodType = (schema: string, pgType: string, typeSchema: string | undefined, typmod = -1): string => {
    if (pgType === 'bool') return 'z.boolean()';
    if (pgType === 'int2') return 'z.int().min(-32768).max(32767)';
    if (pgType === 'int4') return 'z.int32()';
    if (pgType === 'int8') return 'z.int()';
    if (NUMBER_TYPES.includes(pgType)) return 'z.number()';
    if (pgType === 'uuid') return 'z.guid()';
    if ((pgType === 'varchar' || pgType === 'bpchar') && typmod > 4) {
      needsCharLength = true;
      const n = typmod - 4;
      return `z.string().refine((v) => charLength(v) <= ${n}, ${str(`must be at most ${n} characters (${pgType === 'varchar' ? 'varchar' : 'char'}(${n}))`)})`;
    }
    if (STRING_TYPES.includes(pgType)) return 'z.string()';
    if (pgType === 'json' || pgType === 'jsonb') {
      needsJson = true;
      return 'jsonSchema';
    }
    if (pgType === 'void') return 'z.undefined()';
    if (pgType === 'record') return 'z.record(z.string(), z.unknown())';
    if (pgType.startsWith('_')) return `z.array(${zodType(schema, pgType.slice(1), typeSchema)})`;
    const preferred = typeSchema ?? schema;
    const pick = (candidates: PgType[]) => candidates.find((t) => t.schema === preferred) ?? candidates[0];
    const enumType = pick(meta.types.filter((t) => t.name === pgType && t.enums.length > 0));
    if (enumType) return schemas.includes(enumType.schema) ? typeRef(enumType) : `z.enum([${enumType.enums.map(str).join(', ')}])`;
    const composite = pick(meta.types.filter((t) => t.name === pgType && t.attributes.length > 0));
    if (composite) return schemas.includes(composite.schema) ? `z.lazy(() => ${typeRef(composite)})` : 'z.unknown()';
    const candidates = relations.filter((r) => r.name === pgType);
    const relation = candidates.find((r) => r.schema === preferred) ?? candidates[0];
    return relation ? `z.lazy(() => ${relationRef(relation)})` : 'z.unknown()';
  };

  /** `T | null` and `NonNullable<Json>` exactly as database.ts spells them. */
  const nullableZod = (expr: string, isNullable: boolean): string => {
    if (expr === 'jsonSchema') {
      if (isNullable) return expr;
      needsNonNullJson = true;
      return 'nonNullJsonSchema';
    }
    if (expr === 'z.unknown()' || !isNullable) return expr;
    return `${expr}.nullable()`;
  };

  const ruleCode = (r: ColumnRule): string => {
    const why = ` (${r.constraint})`;
    switch (r.rule.kind) {
      case 'chars': {
        needsCharLength = true;
        const { op, n } = r.rule;
        const words = { '<=': `at most ${n}`, '<': `fewer than ${n}`, '>=': `at least ${n}`, '>': `more than ${n}` }[op];
        return `.refine((v) => charLength(v) ${op} ${n}, ${str(`must be ${words} characters${why}`)})`;
      }
      case 'number': {
        const method = { '<=': 'lte', '<': 'lt', '>=': 'gte', '>': 'gt' }[r.rule.op];
        return `.${method}(${r.rule.n}, ${str(`must be ${r.rule.op} ${r.rule.n}${why}`)})`;
      }
      case 'oneOf':
        return `.refine((v) => [${r.rule.values.map(str).join(', ')}].includes(v), ${str(`must be one of ${r.rule.values.join(', ')}${why}`)})`;
      case 'notEmpty':
        return `.min(1, ${str(`must not be empty${why}`)})`;
    }
  };

  const ruleFits = (c: Column, r: ColumnRule): boolean =>
    r.rule.kind === 'number' ? NUMBER_TYPES.includes(c.format) : STRING_TYPES.includes(c.format) && c.format !== 'bytea';

  const columnExpr = (schema: string, c: Column, rules: ColumnRule[]): string => {
    let base = zodType(schema, c.format, c.type_schema, meta.extras.typmods.get(`${c.table_id}.${c.name}`) ?? -1);
    for (const r of rules) base += ruleCode(r);
    return nullableZod(base, c.is_nullable);
  };

  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k));
  const objectCode = (ctor: 'z.object' | 'z.strictObject', props: [string, string][], params = ''): string =>
    props.length === 0
      ? `${ctor}({}${params})`
      : `${ctor}({\n${props.map(([k, v]) => `  ${key(k)}: ${v},`).join('\n')}\n}${params})`;

  for (const schema of schemas) {
    const registryTables: string[] = [];
    const registryViews: string[] = [];
    const registryEnums: string[] = [];
    const registryComposites: string[] = [];
    const registryCallers: string[] = [];

    for (const e of byName(meta.types.filter((t) => t.schema === schema && t.enums.length > 0))) {
      const name = declare(typeRef(e), `enum ${schema}.${e.name}`, `z.enum([${e.enums.map(str).join(', ')}])`);
      registryEnums.push(`      ${e.name}: ${name},`);
      assertions.push(`Expect<Equals<z.infer<typeof ${name}>, ${dbPath(schema, 'Enums', e.name)}>>`);
    }

    for (const t of byName(meta.types.filter((t) => t.schema === schema && t.attributes.length > 0))) {
      const props = t.attributes.map((a): [string, string] => {
        const type = typesById.get(a.type_id);
        return [a.name, type ? nullableZod(zodType(schema, type.name, type.schema), true) : 'z.unknown()'];
      });
      const name = declare(typeRef(t), `composite type ${schema}.${t.name}`, objectCode('z.object', props));
      registryComposites.push(`      ${t.name}: ${name},`);
      assertions.push(`Expect<Equals<z.infer<typeof ${name}>, ${dbPath(schema, 'CompositeTypes', t.name)}>>`);
    }

    for (const table of byName(tables.filter((t) => t.schema === schema))) {
      const cols = columnsOf(table.id);
      const tableChecks = meta.extras.checks.filter((c) => c.tableId === table.id).sort((a, b) => compare(a.name, b.name));
      const parsed = parseChecks(tableChecks);
      const rulesFor = (c: Column, rowOnly: boolean) =>
        parsed.rules.filter((r) => r.column === c.name && ruleFits(c, r) && (!rowOnly || r.validated));
      for (const r of parsed.rules) {
        const col = cols.find((c) => c.name === r.column);
        const definition = tableChecks.find((c) => c.name === r.constraint)?.definition ?? '';
        if ((!col || !ruleFits(col, r)) && !parsed.unenforced.some((u) => u.constraint === r.constraint)) {
          parsed.unenforced.push({ constraint: r.constraint, definition });
        }
      }
      for (const u of parsed.unenforced) unenforced.push(`//   ${schema}.${table.name}.${u.constraint}: ${u.definition}`);

      const writesItself = (c: Column) => c.identity_generation === 'ALWAYS' || c.is_generated;
      const row = cols.map((c): [string, string] => [c.name, columnExpr(schema, c, rulesFor(c, true))]);
      const insert = cols.map((c): [string, string] => {
        if (writesItself(c)) return [c.name, 'z.never().optional()'];
        const expr = columnExpr(schema, c, rulesFor(c, false));
        return [c.name, c.is_nullable || c.is_identity || c.default_value !== null ? `${expr}.optional()` : expr];
      });
      const update = cols.map((c): [string, string] =>
        writesItself(c) ? [c.name, 'z.never().optional()'] : [c.name, `${columnExpr(schema, c, rulesFor(c, false))}.optional()`],
      );
      const rowName = declare(relationRef(table), `table ${schema}.${table.name}`, objectCode('z.object', row));
      const insertName = declare(schemaName(schema, table.name, 'Insert'), `table ${schema}.${table.name}`, objectCode('z.strictObject', insert));
      const updateName = declare(schemaName(schema, table.name, 'Update'), `table ${schema}.${table.name}`, objectCode('z.strictObject', update));
      registryTables.push(`      ${table.name}: { Row: ${rowName}, Insert: ${insertName}, Update: ${updateName} },`);
      const t = (part: string) => dbPath(schema, 'Tables', table.name, part);
      assertions.push(`Expect<Equals<z.infer<typeof ${rowName}>, ${rowType(table, t('Row'))}>>`);
      assertions.push(`Expect<Equals<z.infer<typeof ${insertName}>, ${t('Insert')}>>`);
      assertions.push(`Expect<Equals<z.infer<typeof ${updateName}>, ${t('Update')}>>`);

      // Per-caller updates: the columns the role may UPDATE, narrowed by the rules in callers.ts.
      for (const caller of callers.filter((c) => c.table === table.name && schema === 'public')) {
        const granted = meta.extras.updatable.get(String(table.id))?.get(caller.role) ?? [];
        for (const col of [...Object.keys(caller.required), ...Object.keys(caller.values)]) {
          if (!granted.includes(col)) {
            throw new Error(`callers.ts: ${caller.caller} rule names ${table.name}.${col}, which ${caller.role} may not UPDATE (grants: ${granted.join(', ') || 'none'})`);
          }
        }
        const props = cols
          .filter((c) => granted.includes(c.name))
          .map((c): [string, string] => {
            const narrowed = caller.values[c.name];
            const required = caller.required[c.name];
            if (!narrowed && !required) return [c.name, `${columnExpr(schema, c, rulesFor(c, false))}.optional()`];
            // A narrowed or required column is an enum spelled out, so the inferred type narrows too and the
            // messages name the rule: a missing value names why it is required, a wrong one what is allowed.
            const enumType = meta.types.find((t) => t.name === c.format && t.schema === c.type_schema && t.enums.length > 0);
            if (!enumType) throw new Error(`callers.ts: ${caller.caller} narrows ${table.name}.${c.name}, which is not an enum`);
            const allowed = narrowed?.allowed ?? enumType.enums;
            const wrong = `must be ${allowed.length > 2 ? `one of ${allowed.join(', ')}` : allowed.join(' or ')}${narrowed ? `: ${narrowed.rule}` : ''}`;
            const missing = required ? `${c.name} is required: ${required}` : wrong;
            const base = `z.enum([${allowed.map(str).join(', ')}], { error: (issue) => (issue.input === undefined ? ${str(missing)} : ${str(wrong)}) })`;
            const expr = c.is_nullable ? `${base}.nullable()` : base;
            return [c.name, required ? expr : `${expr}.optional()`];
          });
        const notUpdatable = `not updatable by a ${caller.caller} (the column grants of ${caller.role} on ${table.name}: ${granted.join(', ')})`;
        const params = `, {\n  error: (issue) => (issue.code === 'unrecognized_keys' ? \`\${issue.keys.join(', ')}: ${notUpdatable}\` : undefined),\n}`;
        const name = declare(
          schemaName(schema, table.name, `${pascal(caller.caller)}Update`),
          `caller ${caller.caller} of ${schema}.${table.name}`,
          objectCode('z.strictObject', props, params),
          caller.doc,
        );
        registryCallers.push(`      ${key(`${table.name}.${caller.caller}`)}: ${name},`);
        assertions.push(`Expect<Extends<z.infer<typeof ${name}>, ${t('Update')}>>`);
      }
    }

    for (const view of byName(views.filter((v) => v.schema === schema))) {
      const row = columnsOf(view.id).map((c): [string, string] => [c.name, columnExpr(schema, c, [])]);
      const rowName = declare(relationRef(view), `view ${schema}.${view.name}`, objectCode('z.object', row));
      registryViews.push(`      ${view.name}: { Row: ${rowName} },`);
      assertions.push(`Expect<Equals<z.infer<typeof ${rowName}>, ${rowType(view, dbPath(schema, 'Views', view.name, 'Row'))}>>`);
    }

    const section = (name: string, lines: string[]) => (lines.length === 0 ? `    ${name}: {},` : `    ${name}: {\n${lines.join('\n')}\n    },`);
    registry.push(
      `  ${key(schema)}: {\n${[
        section('Tables', registryTables),
        section('Views', registryViews),
        section('Enums', registryEnums),
        section('CompositeTypes', registryComposites),
        section('CallerUpdates', registryCallers),
      ].join('\n')}\n  },`,
    );
  }

  const helpers: string[] = [];
  if (needsCharLength) {
    helpers.push(
      '/** Characters as PostgreSQL counts them (char_length: code points), not UTF-16 units like String#length. */',
      'const charLength = (value: string): number => [...value].length',
      '',
    );
  }
  if (needsJson || needsNonNullJson) {
    helpers.push(
      '/** Any JSON value (the `Json` type); objects may hold `undefined`, which JSON.stringify drops. */',
      'export const jsonSchema: z.ZodType<Json> = z.lazy(() =>',
      '  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonSchema), z.record(z.string(), jsonSchema.optional())]),',
      ')',
      '',
    );
  }
  if (needsNonNullJson) {
    helpers.push(
      '/** A NOT NULL json column: any JSON value but null. */',
      'export const nonNullJsonSchema: z.ZodType<NonNullable<Json>> = z.union([',
      '  z.string(),',
      '  z.number(),',
      '  z.boolean(),',
      '  z.array(jsonSchema),',
      '  z.record(z.string(), jsonSchema.optional()),',
      '])',
      '',
    );
  }

  const typeImports = needsJson || needsNonNullJson ? 'Database, Json' : 'Database';
  return [
    '// Generated by `npm run gen:types` from the live schema. Do not edit by hand: change a migration, then run',
    '// `npm run gen:types`. See types/README.md.',
    '//',
    '// zod schemas for every table (Row / Insert / Update), view (Row), enum and composite type of the exposed',
    '// schema, each proven equal to its type in ./database.ts by the assertions at the end of this file, and',
    '// per-caller update schemas (the columns the caller\'s role may UPDATE, narrowed by the status rules).',
    ...(unenforced.length > 0 ? ['//', '// Check constraints these schemas do not enforce (the database still does):', ...unenforced] : []),
    "import { z } from 'zod'",
    `import type { ${typeImports} } from '${databaseModule}'`,
    '',
    ...helpers,
    ...declarations,
    '/** Every schema, laid out like the `Database` type (CallerUpdates: `<table>.<caller>`). */',
    `export const Schemas = {\n${registry.join('\n')}\n} as const`,
    '',
    'type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false',
    'type Extends<A, B> = [A] extends [B] ? true : false',
    'type Expect<T extends true> = T',
    '',
    '/** Compile-time proof that each schema infers exactly the generated type (a caller\'s update: one the',
    ' *  table\'s Update accepts): `tsc` fails when they drift. */',
    assertions.length === 0
      ? 'export type SchemaTypeAssertions = []'
      : `export type SchemaTypeAssertions = [\n${assertions.map((a) => `  ${a},`).join('\n')}\n]`,
    '',
  ].join('\n');
}
