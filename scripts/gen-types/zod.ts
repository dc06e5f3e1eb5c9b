// types/schemas.ts: zod (v4) schemas for each table's Row / Insert / Update, each view's Row, each enum and
// composite type, built from the same catalog as types/database.ts and proven equal to it: the file ends with
// compile-time assertions that `z.infer` of every schema is exactly the generated type, so `tsc` fails the
// moment the two disagree.
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
import type { Column, Metadata, PgType, Relation } from './introspect.ts';
import { str } from './layout.ts';
import { compareStrings } from './sort.ts';
import { Catalog, NUMBER_TYPES, STRING_TYPES } from './typescript.ts';

const camel = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))
    .replace(/^[A-Z]/, (c) => c.toLowerCase())
    .replace(/^(?=\d)/, '_');

const dbPath = (...path: string[]): string => `Database${path.map((p) => `[${str(p)}]`).join('')}`;

interface Declaration {
  name: string;
  code: string;
}

export function renderZodSchemas(meta: Metadata, options: { databaseModule?: string } = {}): string {
  const { databaseModule = './database.js' } = options;
  const cat = new Catalog(meta);
  const declarations: Declaration[] = [];
  const assertions: string[] = [];
  const registry: string[] = [];
  const unenforced: string[] = [];
  const used = new Map<string, string>();
  let needsCharLength = false;
  let needsJson = false;
  let needsNonNullJson = false;

  const declare = (name: string, owner: string, code: string): string => {
    const previous = used.get(name);
    if (previous) throw new Error(`zod schema name ${name} is used by both ${previous} and ${owner}; rename one of them`);
    used.set(name, owner);
    declarations.push({ name, code });
    return name;
  };
  const schemaName = (schema: string, name: string, suffix: string): string =>
    `${schema === 'public' ? '' : `${camel(schema)}_`}${camel(name)}${suffix}Schema`;

  const enumRef = (t: PgType) => schemaName(t.schema, t.name, '');
  const compositeRef = (t: PgType) => schemaName(t.schema, t.name, '');
  const relationRef = (r: Relation) => schemaName(r.schema, r.name, 'Row');

  /** The zod expression for a PostgreSQL type by name, the same resolution as Catalog.tsType. */
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
      return `z.string().refine((v) => charLength(v) <= ${n}, ${str(`must be at most ${n} characters (${pgType === "varchar" ? "varchar" : "char"}(${n}))`)})`;
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
    const enumType = pick(cat.types.filter((t) => t.name === pgType && t.enums.length > 0));
    if (enumType) {
      return cat.schemas.includes(enumType.schema) ? enumRef(enumType) : `z.enum([${enumType.enums.map(str).join(', ')}])`;
    }
    const composite = pick(cat.types.filter((t) => t.name === pgType && t.attributes.length > 0));
    if (composite) return cat.schemas.includes(composite.schema) ? `z.lazy(() => ${compositeRef(composite)})` : 'z.unknown()';
    const relations = cat.relations.filter((r) => r.name === pgType);
    const relation = relations.find((r) => r.schema === preferred) ?? relations[0];
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
        return `.refine((v) => [${r.rule.values.map(str).join(', ')}].includes(v), ${str(
          `must be one of ${r.rule.values.join(', ')}${why}`,
        )})`;
      case 'notEmpty':
        return `.min(1, ${str(`must not be empty${why}`)})`;
    }
  };

  const ruleFits = (c: Column, r: ColumnRule): boolean => {
    const isString = STRING_TYPES.includes(c.format) && c.format !== 'bytea';
    if (r.rule.kind === 'number') return NUMBER_TYPES.includes(c.format);
    return isString;
  };

  const columnExpr = (schema: string, c: Column, rules: ColumnRule[], forceNullable = false): string => {
    let base = zodType(schema, c.format, c.typeSchema, c.typmod);
    for (const r of rules) base += ruleCode(r);
    return nullableZod(base, forceNullable || c.isNullable);
  };

  const objectCode = (ctor: 'z.object' | 'z.strictObject', props: [string, string][]): string =>
    props.length === 0
      ? `${ctor}({})`
      : `${ctor}({\n${props.map(([k, v]) => `  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${v},`).join('\n')}\n})`;

  for (const schema of cat.schemas) {
    const registryTables: string[] = [];
    const registryViews: string[] = [];
    const registryEnums: string[] = [];
    const registryComposites: string[] = [];

    for (const e of cat.enums(schema)) {
      const name = declare(enumRef(e), `enum ${schema}.${e.name}`, `z.enum([${e.enums.map(str).join(', ')}])`);
      registryEnums.push(`      ${e.name}: ${name},`);
      assertions.push(`Expect<Equals<z.infer<typeof ${name}>, ${dbPath(schema, 'Enums', e.name)}>>`);
    }

    for (const t of cat.compositeTypes(schema)) {
      const props = t.attributes.map((a): [string, string] => {
        const type = cat.typesById.get(a.typeId);
        return [a.name, type ? nullableZod(zodType(schema, type.name, type.schema), true) : 'z.unknown()'];
      });
      const name = declare(compositeRef(t), `composite type ${schema}.${t.name}`, objectCode('z.object', props));
      registryComposites.push(`      ${t.name}: ${name},`);
      assertions.push(`Expect<Equals<z.infer<typeof ${name}>, ${dbPath(schema, 'CompositeTypes', t.name)}>>`);
    }

    for (const table of cat.tables(schema)) {
      const cols = cat.columns(table.id);
      const tableChecks = meta.checks.filter((c) => c.tableId === table.id).sort((a, b) => compareStrings(a.name, b.name));
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

      const row = cols.map((c): [string, string] => [c.name, columnExpr(schema, c, rulesFor(c, true))]);
      const insert = cols.map((c): [string, string] => {
        if (c.identityGeneration === 'ALWAYS' || c.isGenerated) return [c.name, 'z.never().optional()'];
        const expr = columnExpr(schema, c, rulesFor(c, false));
        return [c.name, c.isNullable || c.isIdentity || c.defaultValue !== null ? `${expr}.optional()` : expr];
      });
      const update = cols.map((c): [string, string] => {
        if (c.identityGeneration === 'ALWAYS' || c.isGenerated) return [c.name, 'z.never().optional()'];
        return [c.name, `${columnExpr(schema, c, rulesFor(c, false))}.optional()`];
      });
      const rowName = declare(relationRef(table), `table ${schema}.${table.name}`, objectCode('z.object', row));
      const insertName = declare(schemaName(schema, table.name, 'Insert'), `table ${schema}.${table.name}`, objectCode('z.strictObject', insert));
      const updateName = declare(schemaName(schema, table.name, 'Update'), `table ${schema}.${table.name}`, objectCode('z.strictObject', update));
      registryTables.push(`      ${table.name}: { Row: ${rowName}, Insert: ${insertName}, Update: ${updateName} },`);
      const t = (part: string) => dbPath(schema, 'Tables', table.name, part);
      const computed = cat.computedFields(table);
      const rowType = computed.length === 0 ? t('Row') : `Omit<${t('Row')}, ${t('ComputedFields')}>`;
      assertions.push(`Expect<Equals<z.infer<typeof ${rowName}>, ${rowType}>>`);
      assertions.push(`Expect<Equals<z.infer<typeof ${insertName}>, ${t('Insert')}>>`);
      assertions.push(`Expect<Equals<z.infer<typeof ${updateName}>, ${t('Update')}>>`);
    }

    for (const view of cat.views(schema)) {
      const row = cat.columns(view.id).map((c): [string, string] => [c.name, columnExpr(schema, c, [])]);
      const rowName = declare(relationRef(view), `view ${schema}.${view.name}`, objectCode('z.object', row));
      registryViews.push(`      ${view.name}: { Row: ${rowName} },`);
      const v = (part: string) => dbPath(schema, 'Views', view.name, part);
      const computed = cat.computedFields(view);
      const rowType = computed.length === 0 ? v('Row') : `Omit<${v('Row')}, ${v('ComputedFields')}>`;
      assertions.push(`Expect<Equals<z.infer<typeof ${rowName}>, ${rowType}>>`);
    }

    const section = (name: string, lines: string[]) => (lines.length === 0 ? `    ${name}: {},` : `    ${name}: {\n${lines.join('\n')}\n    },`);
    registry.push(
      `  ${/^[A-Za-z_$][\w$]*$/.test(schema) ? schema : str(schema)}: {\n${[
        section('Tables', registryTables),
        section('Views', registryViews),
        section('Enums', registryEnums),
        section('CompositeTypes', registryComposites),
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
    '// schema, each proven equal to its type in ./database.ts by the assertions at the end of this file.',
    ...(unenforced.length > 0
      ? ['//', '// Check constraints these schemas do not enforce (the database still does):', ...unenforced]
      : []),
    "import { z } from 'zod'",
    `import type { ${typeImports} } from ${str(databaseModule).replace(/"/g, "'")}`,
    '',
    ...helpers,
    ...declarations.map((d) => `export const ${d.name} = ${d.code}\n`),
    '/** Every schema, laid out like the `Database` type. */',
    `export const Schemas = {\n${registry.join('\n')}\n} as const`,
    '',
    'type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false',
    'type Expect<T extends true> = T',
    '',
    '/** Compile-time proof that each schema infers exactly the generated type: `tsc` fails when they drift. */',
    assertions.length === 0
      ? 'export type SchemaTypeAssertions = []'
      : `export type SchemaTypeAssertions = [\n${assertions.map((a) => `  ${a},`).join('\n')}\n]`,
    '',
  ].join('\n');
}
