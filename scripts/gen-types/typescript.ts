// types/database.ts: the `Database` type in the shape `supabase gen types typescript` writes (the template
// of postgres-meta, now @supabase/postgrest-typegen), so `createClient<Database>()` and the `Tables<>`,
// `TablesInsert<>`, `TablesUpdate<>`, `Enums<>`, `CompositeTypes<>` helpers work as they do in any Supabase app.
//
// Decisions that follow the upstream generator, so the file is what the CLI would write:
//   * Row: every column, `T | null` when nullable (a NOT NULL json column is `NonNullable<Json>`), then the
//     computed fields (functions taking the row); `ComputedFields` names those.
//   * Insert: optional when nullable, defaulted or identity; `?: never` for identity ALWAYS and generated
//     columns. Update: everything optional, the same `never`s.
//   * Relationships: foreign keys within the exposed schemas (a key to auth.users is not one), with
//     `isOneToOne`, plus their copies through views.
//   * Functions: every function in the schema but trigger functions; arguments by name, optional when they
//     have a default; set-returning functions return arrays; `returns table (...)` returns an array of rows.
//   * No `__InternalSupabase.PostgrestVersion`: the CLI writes it only when it can ask a running PostgREST
//     for its version; without one supabase-js assumes its default.
import type { Column, FunctionArg, Metadata, PgFunction, PgType, Relation, Relationship } from './introspect.ts';
import {
  array,
  block,
  generic,
  inline,
  intersection,
  member,
  NEVER,
  NULL,
  printTypeAlias,
  printValue,
  raw,
  str,
  tuple,
  union,
  type Member,
  type TypeNode,
} from './layout.ts';
import { byName, compareStrings } from './sort.ts';

/** PostgREST passes these argument modes in the request; OUT and TABLE arguments are results. */
const IN_MODES = new Set(['in', 'inout', 'variadic']);
/** json, jsonb, text: the only types PostgREST accepts for a single unnamed argument (the request body). */
const UNNAMED_ARG_TYPES = new Set([114, 3802, 25]);

export interface DatabaseTypesOptions {
  /** The schema the helper generics default to. */
  defaultSchema?: string;
  /** Emit `__InternalSupabase.PostgrestVersion` (only when the PostgREST version is known). */
  postgrestVersion?: string;
  /** Emit `isOneToOne` on relationships (the CLI does). */
  detectOneToOneRelationships?: boolean;
}

export interface SchemaFunction {
  fn: PgFunction;
  inArgs: FunctionArg[];
}

export const STRING_TYPES = [
  'bytea', 'bpchar', 'varchar', 'date', 'text', 'citext', 'time', 'timetz', 'timestamp', 'timestamptz', 'uuid', 'vector', 'interval',
];
export const NUMBER_TYPES = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'];

const dbRef = (schema: string, ...path: string[]): string => `Database[${str(schema)}]${path.map((p) => `[${str(p)}]`).join('')}`;

/** The catalog, sorted and indexed the way both generators read it. */
export class Catalog {
  readonly schemas: string[];
  readonly relations: Relation[];
  readonly types: PgType[];
  readonly typesById = new Map<number, PgType>();
  readonly relationTypesById = new Map<number, PgType>();
  readonly relationsById = new Map<number, Relation>();
  readonly functions: PgFunction[];
  private readonly columnsByRelation = new Map<number, Column[]>();
  private readonly relationshipsByRelation = new Map<string, Relationship[]>();

  constructor(readonly meta: Metadata) {
    this.schemas = [...meta.schemas].sort(compareStrings);
    const bySchemaName = <T extends { schema: string; name: string; id: number }>(a: T, b: T) =>
      compareStrings(a.schema, b.schema) || compareStrings(a.name, b.name) || a.id - b.id;
    this.relations = [...meta.relations].sort(bySchemaName);
    this.types = [...meta.types].sort(bySchemaName);
    for (const t of this.types) {
      this.typesById.set(t.id, t);
      if (t.typeRelationId) this.relationTypesById.set(t.id, t);
    }
    for (const r of this.relations) {
      this.relationsById.set(r.id, r);
      this.columnsByRelation.set(r.id, []);
    }
    for (const c of [...meta.columns].sort(byName)) this.columnsByRelation.get(c.tableId)?.push(c);
    const relationships = [...meta.relationships].sort(
      (a, b) =>
        compareStrings(a.foreignKeyName, b.foreignKeyName) ||
        compareStrings(a.referencedRelation, b.referencedRelation) ||
        compareStrings(JSON.stringify(a.referencedColumns), JSON.stringify(b.referencedColumns)) ||
        compareStrings(a.referencedSchema, b.referencedSchema) ||
        compareStrings(a.schema, b.schema) ||
        compareStrings(a.relation, b.relation) ||
        compareStrings(JSON.stringify(a.columns), JSON.stringify(b.columns)),
    );
    for (const r of relationships) {
      const key = `${r.schema}.${r.relation}`;
      this.relationshipsByRelation.set(key, [...(this.relationshipsByRelation.get(key) ?? []), r]);
    }
    this.functions = [...meta.functions]
      .sort(
        (a, b) =>
          compareStrings(a.schema, b.schema) ||
          compareStrings(a.name, b.name) ||
          compareStrings(a.identityArgumentTypes, b.identityArgumentTypes) ||
          a.id - b.id,
      )
      .map((fn) => ({ ...fn, args: [...fn.args].sort(byName) }));
  }

  columns(relationId: number): Column[] {
    const cols = this.columnsByRelation.get(relationId);
    if (!cols) throw new Error(`relation ${relationId} is missing from the introspected catalog`);
    return cols;
  }

  tables(schema: string): Relation[] {
    return this.relations.filter((r) => r.schema === schema && (r.kind === 'table' || r.kind === 'foreign_table')).sort(byName);
  }

  views(schema: string): Relation[] {
    return this.relations.filter((r) => r.schema === schema && (r.kind === 'view' || r.kind === 'materialized_view')).sort(byName);
  }

  enums(schema: string): PgType[] {
    return this.types.filter((t) => t.schema === schema && t.enums.length > 0).sort(byName);
  }

  compositeTypes(schema: string): PgType[] {
    return this.types.filter((t) => t.schema === schema && t.attributes.length > 0).sort(byName);
  }

  relationships(relation: Relation): Relationship[] {
    return (this.relationshipsByRelation.get(`${relation.schema}.${relation.name}`) ?? []).filter(
      (r) => r.referencedSchema === relation.schema,
    );
  }

  /** The table, view or composite a function's result rows are, by name (for `SetofOptions`). */
  returnRelationName(fn: PgFunction): string | null {
    if (!fn.returnTypeRelationId) return null;
    const relation = this.relationsById.get(fn.returnTypeRelationId);
    if (relation) return relation.name;
    return this.relationTypesById.get(fn.returnTypeId)?.name ?? null;
  }

  /** The functions PostgREST can call (see its rules on unnamed arguments), sorted by name. */
  schemaFunctions(schema: string): SchemaFunction[] {
    const out: SchemaFunction[] = [];
    for (const fn of this.functions) {
      if (fn.schema !== schema) continue;
      const inArgs = fn.args.filter((a) => IN_MODES.has(a.mode));
      const sole = inArgs.length === 1 ? inArgs[0] : undefined;
      if (
        inArgs.length === 0 ||
        !inArgs.some((a) => a.name === '') ||
        inArgs.every((a) => a.name !== '' || (a.hasDefault && UNNAMED_ARG_TYPES.has(a.typeId))) ||
        (sole && sole.name === '' && (UNNAMED_ARG_TYPES.has(sole.typeId) || this.relationTypesById.has(sole.typeId)))
      ) {
        out.push({ fn, inArgs });
      }
    }
    return out.sort((a, b) => compareStrings(a.fn.name, b.fn.name));
  }

  /**
   * The computed fields of a table or view: functions taking its row as their one argument, selectable
   * like columns. One per name; a function named like a column is shadowed by it.
   */
  computedFields(relation: Relation): SchemaFunction[] {
    const columnNames = new Set(this.columns(relation.id).map((c) => c.name));
    const seen = new Set<string>();
    return this.schemaFunctions(relation.schema).filter(({ fn, inArgs }) => {
      const sole = inArgs.length === 1 ? inArgs[0] : undefined;
      const argType = sole ? this.relationTypesById.get(sole.typeId) : undefined;
      const isComputed = argType ? argType.typeRelationId === relation.id : fn.argumentTypes === relation.name;
      if (!isComputed || columnNames.has(fn.name) || seen.has(fn.name)) return false;
      seen.add(fn.name);
      return true;
    });
  }

  /** `Database["s"]["Tables"|"Views"]["name"]` of the relation whose row type is `pgType`. */
  relationReference(pgType: string, preferredSchema: string): string | undefined {
    const kinds: ['Tables' | 'Views', (r: Relation) => boolean][] = [
      ['Tables', (r) => r.kind === 'table'],
      ['Tables', (r) => r.kind === 'foreign_table'],
      ['Views', (r) => r.kind === 'view'],
      ['Views', (r) => r.kind === 'materialized_view'],
    ];
    const find = (match: (r: Relation) => boolean) => {
      for (const [kind, ofKind] of kinds) {
        const relation = this.relations.find((r) => ofKind(r) && match(r));
        if (relation) return { kind, relation };
      }
      return undefined;
    };
    const found = find((r) => r.name === pgType && r.schema === preferredSchema) ?? find((r) => r.name === pgType);
    if (!found || !this.schemas.includes(found.relation.schema)) return undefined;
    return dbRef(found.relation.schema, found.kind, found.relation.name);
  }

  /** The TypeScript type of a PostgreSQL type, by name (`_x` is an array of `x`). */
  tsType(schema: string, pgType: string, typeSchema?: string): TypeNode {
    if (pgType === 'bool') return raw('boolean');
    if (NUMBER_TYPES.includes(pgType)) return raw('number');
    if (STRING_TYPES.includes(pgType)) return raw('string');
    if (pgType === 'json' || pgType === 'jsonb') return raw('Json');
    if (pgType === 'void') return raw('undefined');
    if (pgType === 'record') return raw('Record<string, unknown>');
    if (pgType.startsWith('_')) return array(this.tsType(schema, pgType.slice(1), typeSchema));
    const preferred = typeSchema ?? schema;
    const pick = (candidates: PgType[]) => candidates.find((t) => t.schema === preferred) ?? candidates[0];
    const enumType = pick(this.types.filter((t) => t.name === pgType && t.enums.length > 0));
    if (enumType) {
      if (this.schemas.includes(enumType.schema)) return raw(dbRef(enumType.schema, 'Enums', enumType.name));
      return union(enumType.enums.map((v) => raw(str(v))));
    }
    const composite = pick(this.types.filter((t) => t.name === pgType && t.attributes.length > 0));
    if (composite) {
      return this.schemas.includes(composite.schema) ? raw(dbRef(composite.schema, 'CompositeTypes', composite.name)) : raw('unknown');
    }
    const relation = this.relationReference(pgType, preferred);
    return relation ? raw(`${relation}["Row"]`) : raw('unknown');
  }
}

/** `T | null` when nullable; a NOT NULL json column is `NonNullable<Json>` (the Json type includes null). */
export function nullable(type: TypeNode, isNullable: boolean): TypeNode {
  if (type.kind === 'raw' && type.text === 'Json' && !isNullable) return generic('NonNullable', [type]);
  if ((type.kind === 'raw' && (type.text === 'unknown' || type.text === 'any')) || !isNullable) return type;
  return union([type, NULL]);
}

export function renderDatabaseTypes(meta: Metadata, options: DatabaseTypesOptions = {}): string {
  const { defaultSchema = 'public', postgrestVersion, detectOneToOneRelationships = true } = options;
  const cat = new Catalog(meta);

  const columnMember = (schema: string, c: Column, optional: boolean, forceNullable = false): Member =>
    member(c.name, nullable(cat.tsType(schema, c.format, c.typeSchema), forceNullable || c.isNullable), optional);

  const relationshipsTuple = (relation: Relation): TypeNode =>
    tuple(
      cat.relationships(relation).map((r) =>
        block([
          member('foreignKeyName', raw(str(r.foreignKeyName))),
          member('columns', tuple(r.columns.map((c) => raw(str(c))))),
          ...(detectOneToOneRelationships ? [member('isOneToOne', raw(String(r.isOneToOne)))] : []),
          member('referencedRelation', raw(str(r.referencedRelation))),
          member('referencedColumns', tuple(r.referencedColumns.map((c) => raw(str(c))))),
        ]),
      ),
    );

  const functionReturnType = (schema: string, fn: PgFunction): TypeNode => {
    const tableArgs = fn.args.filter((a) => a.mode === 'table');
    if (tableArgs.length > 0) {
      return block(
        tableArgs.map((a) => {
          const type = cat.typesById.get(a.typeId);
          return member(a.name, type ? cat.tsType(schema, type.name, type.schema) : raw('unknown'));
        }),
      );
    }
    const relation = cat.relations.find((r) => r.schema === schema && r.id === fn.returnTypeRelationId);
    if (relation) return block(cat.columns(relation.id).map((c) => columnMember(schema, c, false)));
    const type = cat.typesById.get(fn.returnTypeId);
    return type ? cat.tsType(schema, type.name, type.schema) : raw('unknown');
  };

  const computedFieldsType = (fields: SchemaFunction[]): TypeNode =>
    fields.length === 0 ? NEVER : union(fields.map(({ fn }) => raw(str(fn.name))));

  const argType = (schema: string, arg: FunctionArg): TypeNode => {
    const type = cat.typesById.get(arg.typeId);
    if (!type) return raw('unknown');
    const ts = cat.tsType(schema, type.name, type.schema);
    if (arg.name === '') return ts;
    // A named row-typed argument takes the relation's columns, never its computed fields.
    const ref = cat.relationReference(type.name, type.schema);
    if (ref && ts.kind === 'raw' && ts.text === `${ref}["Row"]`) {
      return generic('Omit', [ts, raw(`${ref}["ComputedFields"]`)]);
    }
    return ts;
  };

  const conflictError = (schema: string, fns: SchemaFunction[], fn: PgFunction, inArgs: FunctionArg[]): string | null => {
    if (fns.length <= 1) return null;
    const sole = inArgs.length === 1 ? inArgs[0] : undefined;
    if (inArgs.length === 0) {
      const other = fns.find((o) => o.fn !== fn && o.inArgs.length === 1 && o.inArgs[0]!.name === '' && o.inArgs[0]!.hasDefault);
      if (other) {
        const returnTypeName = cat.typesById.get(other.fn.returnTypeId)?.name ?? 'unknown';
        return `Could not choose the best candidate function between: ${schema}.${fn.name}(), ${schema}.${fn.name}( => ${returnTypeName}). Try renaming the parameters or the function itself in the database so function overloading can be resolved`;
      }
    }
    if (sole && sole.name !== '') {
      const others = fns.filter(
        (o) => o.fn !== fn && o.inArgs.length === 1 && o.inArgs[0]!.name === sole.name && o.inArgs[0]!.typeId !== sole.typeId,
      );
      if (others.length > 0) {
        const list = [{ fn, inArgs }, ...others]
          .sort((a, b) => (a.inArgs[0]?.typeId ?? 0) - (b.inArgs[0]?.typeId ?? 0))
          .map((f) => `${schema}.${fn.name}(${f.inArgs.map((a) => `${a.name} => ${cat.typesById.get(a.typeId)?.name ?? 'unknown'}`).join(', ')})`)
          .join(', ');
        return `Could not choose the best candidate function between: ${list}. Try renaming the parameters or the function itself in the database so function overloading can be resolved`;
      }
    }
    return null;
  };

  const signature = (schema: string, fns: SchemaFunction[], { fn, inArgs }: SchemaFunction): TypeNode => {
    const args = inArgs.length > 0
      ? inline(inArgs.map((a) => member(a.name, argType(schema, a), a.hasDefault)))
      : raw('Record<PropertyKey, never>');
    let returns = functionReturnType(schema, fn);
    const conflict = conflictError(schema, fns, fn, inArgs);
    const sole = inArgs.length === 1 ? inArgs[0] : undefined;
    if (conflict) {
      returns = intersection([inline([member('error', raw('true'))]), raw(str(conflict))]);
    } else if (sole && sole.name === '' && cat.relationTypesById.has(sole.typeId) && !cat.returnRelationName(fn)) {
      returns = intersection([
        inline([member('error', raw('true'))]),
        raw(str(`the function ${schema}.${fn.name} with parameter or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache`)),
      ]);
    }

    const returnTable = cat.returnRelationName(fn);
    const multipleRows = fn.prorows !== null && fn.prorows > 1;
    let setof: TypeNode | undefined;
    if (returnTable) {
      setof = block([
        member('from', raw(str('*'))),
        member('to', raw(str(returnTable))),
        member('isOneToOne', raw(String(!multipleRows))),
        member('isSetofReturn', raw(String(fn.isSetReturning))),
      ]);
    }
    const soleArg = fn.args.length === 1 ? fn.args[0] : undefined;
    const argRelationType = soleArg ? cat.relationTypesById.get(soleArg.typeId) : undefined;
    if (argRelationType && returnTable) {
      const setofTable = fn.isSetReturning && fn.returnTypeRelationId !== null;
      setof = block([
        member('from', raw(str(argRelationType.format))),
        member('to', raw(str(returnTable))),
        member('isOneToOne', raw(String(setofTable ? !multipleRows : true))),
        member('isSetofReturn', raw(String(setofTable))),
      ]);
    }
    // A ROWS 1 set-returning function returns one row, but only when SetofOptions tells supabase-js so.
    const collapsible = !multipleRows && returnTable !== null;
    const returnsType = fn.isSetReturning && !collapsible ? array(returns) : returns;
    return inline([member('Args', args), member('Returns', returnsType), ...(setof ? [member('SetofOptions', setof)] : [])]);
  };

  const schemaMembers = cat.schemas.map((schema) => {
    const fns = cat.schemaFunctions(schema);
    const tables = cat.tables(schema);
    const views = cat.views(schema);
    const enums = cat.enums(schema);
    const composites = cat.compositeTypes(schema);
    const orNever = (members: Member[]) => block(members.length > 0 ? members : [{ key: '[_ in never]', type: NEVER }]);

    const tableMembers = tables.map((table) => {
      const computed = cat.computedFields(table);
      const cols = cat.columns(table.id);
      const writable = (optional: (c: Column) => boolean) =>
        block(
          cols.map((c) =>
            c.identityGeneration === 'ALWAYS' || c.isGenerated ? member(c.name, NEVER, true) : columnMember(schema, c, optional(c)),
          ),
        );
      return member(
        table.name,
        block([
          member('Row', block([
            ...cols.map((c) => columnMember(schema, c, false)),
            ...computed.map(({ fn }) => member(fn.name, nullable(functionReturnType(schema, fn), true))),
          ])),
          member('ComputedFields', computedFieldsType(computed)),
          member('Insert', writable((c) => c.isNullable || c.isIdentity || c.defaultValue !== null)),
          member('Update', writable(() => true)),
          member('Relationships', relationshipsTuple(table)),
        ]),
      );
    });

    const viewMembers = views.map((view) => {
      const computed = cat.computedFields(view);
      const cols = cat.columns(view.id);
      const writable = () =>
        block(cols.map((c) => (c.isUpdatable ? columnMember(schema, c, true, true) : member(c.name, NEVER, true))));
      return member(
        view.name,
        block([
          member('Row', block([
            ...cols.map((c) => columnMember(schema, c, false)),
            ...computed.map(({ fn }) => member(fn.name, nullable(functionReturnType(schema, fn), true))),
          ])),
          member('ComputedFields', computedFieldsType(computed)),
          ...(view.kind === 'view' && view.isInsertEnabled ? [member('Insert', writable())] : []),
          ...(view.kind === 'view' && view.isUpdateEnabled ? [member('Update', writable())] : []),
          member('Relationships', relationshipsTuple(view)),
        ]),
      );
    });

    const grouped = new Map<string, SchemaFunction[]>();
    for (const f of fns) grouped.set(f.fn.name, [...(grouped.get(f.fn.name) ?? []), f]);
    const functionMembers = [...grouped.entries()].map(([name, overloads]) => {
      overloads.sort(
        (a, b) => compareStrings(a.fn.argumentTypes, b.fn.argumentTypes) || compareStrings(a.fn.returnType, b.fn.returnType),
      );
      return member(name, union(overloads.map((o) => signature(schema, overloads, o))));
    });

    const enumMembers = enums.map((e) => member(e.name, union(e.enums.map((v) => raw(str(v))))));
    const compositeMembers = composites.map((t) =>
      member(
        t.name,
        block(
          t.attributes.map((a) => {
            const type = cat.typesById.get(a.typeId);
            return member(a.name, type ? nullable(cat.tsType(schema, type.name, type.schema), true) : raw('unknown'));
          }),
        ),
      ),
    );

    return member(
      schema,
      block([
        member('Tables', orNever(tableMembers)),
        member('Views', orNever(viewMembers)),
        member('Functions', orNever(functionMembers)),
        member('Enums', orNever(enumMembers)),
        member('CompositeTypes', orNever(compositeMembers)),
      ]),
    );
  });

  const internal = postgrestVersion
    ? [member('__InternalSupabase', block([member('PostgrestVersion', raw(str(postgrestVersion)))]))]
    : [];
  const json = union([
    raw('string'),
    raw('number'),
    raw('boolean'),
    raw('null'),
    inline([{ key: '[key: string]', type: union([raw('Json'), raw('undefined')]) }]),
    array(raw('Json')),
  ]);
  const constants = printValue(
    {
      kind: 'record',
      entries: cat.schemas.map((schema) => [
        schema,
        { kind: 'record', entries: [['Enums', { kind: 'record', entries: cat.enums(schema).map((e) => [e.name, { kind: 'strings', values: e.enums }]) }]] },
      ]),
    },
    0,
    'export const Constants = '.length,
    ' as const'.length,
  );

  return [
    '// Generated by `npm run gen:types` from the live schema (the shape `supabase gen types typescript` writes).',
    '// Do not edit by hand: change a migration, then run `npm run gen:types`. See types/README.md.',
    '',
    printTypeAlias('Json', json),
    '',
    printTypeAlias('Database', block([...internal, ...schemaMembers])),
    '',
    helperGenerics(defaultSchema),
    `export const Constants = ${constants} as const`,
    '',
  ].join('\n');
}

/** The helper generics, exactly as the upstream template (formatted) writes them. */
function helperGenerics(defaultSchema: string): string {
  return `type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, ${str(defaultSchema)}>]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
`;
}
