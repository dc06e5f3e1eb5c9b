// Relationships through views, the way PostgREST finds them: a view column that selects a base-table
// column carries that column's primary/foreign keys, so a foreign key whose every column is exposed by a
// view becomes a relationship from (or to) the view. PostgREST and postgres-meta read the view's stored
// query tree (pg_rewrite.ev_action) with a chain of SQL string replacements; here it is parsed properly.
import type { Column, Relationship } from './introspect.ts';

export interface ViewDefinition {
  id: number;
  schema: string;
  name: string;
  /** pg_rewrite.ev_action::text of the view's `_RETURN` rule */
  definition: string;
}

export interface KeyConstraint {
  name: string;
  type: 'p' | 'f';
  tableId: number;
  tableSchema: string;
  tableName: string;
  tableAttnums: number[];
  tableColumns: string[];
  referencedId: number;
  referencedSchema: string | null;
  referencedName: string | null;
  referencedAttnums: number[];
  referencedColumns: string[];
}

// ---------------------------------------------------------------------------------------------------------
// pg_node_tree text: `{NODE :field value ...}`, lists `( ... )`, `<>` for null. Tokens are split the way the
// server's own reader (pg_strtok) splits them: on whitespace and on ( ) { }, a backslash escaping the next
// character.
// ---------------------------------------------------------------------------------------------------------
export type NodeValue = string | null | PgNode | NodeValue[];
export interface PgNode {
  type: string;
  fields: Record<string, NodeValue>;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '{' || ch === '}') {
      tokens.push(ch);
      i += 1;
    } else {
      let token = '';
      while (i < text.length) {
        const c = text[i]!;
        if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '(' || c === ')' || c === '{' || c === '}') break;
        if (c === '\\' && i + 1 < text.length) {
          token += text[i + 1];
          i += 2;
        } else {
          token += c;
          i += 1;
        }
      }
      tokens.push(token);
    }
  }
  return tokens;
}

export function parseNodeTree(text: string): NodeValue {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos];
    if (t === undefined) throw new Error('unexpected end of pg_node_tree text');
    pos += 1;
    return t;
  };

  function parseValue(): NodeValue {
    const t = next();
    if (t === '{') return parseNode();
    if (t === '(') return parseList();
    return t === '<>' ? null : t;
  }

  function parseList(): NodeValue[] {
    const items: NodeValue[] = [];
    while (peek() !== ')') items.push(parseValue());
    next();
    return items;
  }

  function parseNode(): PgNode {
    const node: PgNode = { type: next(), fields: {} };
    while (peek() !== '}') {
      const key = next();
      if (!key.startsWith(':')) throw new Error(`pg_node_tree: expected a :field in ${node.type}, got ${JSON.stringify(key)}`);
      const values: NodeValue[] = [];
      while (peek() !== undefined && peek() !== '}' && !peek()!.startsWith(':')) values.push(parseValue());
      node.fields[key.slice(1)] = values.length === 1 ? values[0]! : values;
    }
    next();
    return node;
  }

  const value = parseValue();
  if (pos !== tokens.length) throw new Error('pg_node_tree: trailing tokens');
  return value;
}

/** view column number -> (origin relation oid, origin column number) for each column of the view's query. */
export function targetOrigins(definition: string): { viewColumn: number; originTable: number; originColumn: number }[] {
  const tree = parseNodeTree(definition);
  const query = Array.isArray(tree) ? tree[0] : tree;
  if (!query || typeof query !== 'object' || Array.isArray(query)) return [];
  const targetList = query.fields.targetList;
  if (!Array.isArray(targetList)) return [];
  return targetList
    .filter((e): e is PgNode => !!e && typeof e === 'object' && !Array.isArray(e) && e.type === 'TARGETENTRY')
    .map((e) => ({
      viewColumn: Number(e.fields.resno),
      originTable: Number(e.fields.resorigtbl),
      originColumn: Number(e.fields.resorigcol),
    }))
    .filter((o) => o.originTable !== 0);
}

interface KeyDependency {
  tableSchema: string;
  tableName: string;
  viewSchema: string;
  viewName: string;
  constraintName: string;
  constraintType: 'p' | 'f' | 'f_ref';
  /** Per key column, in key order: the view columns that expose it. */
  columnDependencies: { tableColumn: string; viewColumns: string[] }[];
}

/** Which keys each view exposes completely (PostgREST's "view key dependencies"). */
function keyDependencies(views: ViewDefinition[], columns: Column[], keys: KeyConstraint[], schemas: string[]): KeyDependency[] {
  const originsByView = new Map(views.map((v) => [v.id, targetOrigins(v.definition)]));
  const columnName = (relationId: number, attnum: number) =>
    columns.find((c) => c.tableId === relationId && c.attnum === attnum)?.name;

  // Follow views over views down to the base relation, as PostgREST's recursive query does.
  const references = new Map<string, { viewId: number; originTable: number; originColumn: number; viewColumns: string[] }>();
  for (const view of views) {
    for (const origin of originsByView.get(view.id) ?? []) {
      const viewColumn = columnName(view.id, origin.viewColumn);
      if (viewColumn === undefined) continue;
      let current = { table: origin.originTable, column: origin.originColumn };
      const seen = new Set<number>([view.id]);
      for (;;) {
        const key = `${view.id}:${current.table}:${current.column}`;
        const ref = references.get(key) ?? { viewId: view.id, originTable: current.table, originColumn: current.column, viewColumns: [] };
        if (!ref.viewColumns.includes(viewColumn)) ref.viewColumns.push(viewColumn);
        references.set(key, ref);
        const inner = originsByView.get(current.table);
        if (!inner || seen.has(current.table)) break;
        seen.add(current.table);
        const step = inner.find((o) => o.viewColumn === current.column);
        if (!step) break;
        current = { table: step.originTable, column: step.originColumn };
      }
    }
  }

  const sides: { name: string; type: 'p' | 'f' | 'f_ref'; tableId: number; schema: string; table: string; attnums: number[]; columns: string[] }[] = [];
  for (const k of keys) {
    sides.push({ name: k.name, type: k.type, tableId: k.tableId, schema: k.tableSchema, table: k.tableName, attnums: k.tableAttnums, columns: k.tableColumns });
    if (k.type === 'f' && schemas.includes(k.tableSchema) && k.referencedSchema && k.referencedName) {
      sides.push({ name: k.name, type: 'f_ref', tableId: k.referencedId, schema: k.referencedSchema, table: k.referencedName, attnums: k.referencedAttnums, columns: k.referencedColumns });
    }
  }

  const result: KeyDependency[] = [];
  for (const view of views) {
    for (const side of sides) {
      if (side.attnums.length === 0) continue;
      const deps = side.attnums.map((attnum, i) => ({
        tableColumn: side.columns[i]!,
        viewColumns: references.get(`${view.id}:${side.tableId}:${attnum}`)?.viewColumns ?? [],
      }));
      if (deps.some((d) => d.viewColumns.length === 0)) continue;
      result.push({
        tableSchema: side.schema,
        tableName: side.table,
        viewSchema: view.schema,
        viewName: view.name,
        constraintName: side.name,
        constraintType: side.type,
        columnDependencies: deps,
      });
    }
  }
  return result;
}

const cartesian = <T>(lists: T[][]): T[][] =>
  lists.reduce<T[][]>((acc, entries) => acc.flatMap((combo) => entries.map((e) => [...combo, e])), [[]]);

/** view -> table, table -> view and view -> view copies of each table foreign key. */
export function viewRelationships(
  tableRelationships: Relationship[],
  views: ViewDefinition[],
  columns: Column[],
  keys: KeyConstraint[],
  schemas: string[],
): Relationship[] {
  if (views.length === 0) return [];
  const deps = keyDependencies(views, columns, keys, schemas);
  const expand = (d: KeyDependency) => cartesian(d.columnDependencies.map((c) => c.viewColumns));
  return tableRelationships.flatMap((r) => {
    const fromViews = deps.filter(
      (d) => d.tableSchema === r.schema && d.tableName === r.relation && d.constraintName === r.foreignKeyName && d.constraintType === 'f',
    );
    const toViews = deps.filter(
      (d) =>
        d.tableSchema === r.referencedSchema &&
        d.tableName === r.referencedRelation &&
        d.constraintName === r.foreignKeyName &&
        d.constraintType === 'f_ref',
    );
    const viewToTable = fromViews.flatMap((d) =>
      expand(d).map((viewColumns): Relationship => ({ ...r, schema: d.viewSchema, relation: d.viewName, columns: viewColumns })),
    );
    const tableToView = toViews.flatMap((d) =>
      expand(d).map(
        (viewColumns): Relationship => ({ ...r, referencedSchema: d.viewSchema, referencedRelation: d.viewName, referencedColumns: viewColumns }),
      ),
    );
    const viewToView = fromViews.flatMap((from) =>
      expand(from).flatMap((viewColumns) =>
        toViews.flatMap((to) =>
          expand(to).map(
            (referencedColumns): Relationship => ({
              ...r,
              schema: from.viewSchema,
              relation: from.viewName,
              columns: viewColumns,
              referencedSchema: to.viewSchema,
              referencedRelation: to.viewName,
              referencedColumns,
            }),
          ),
        ),
      ),
    );
    return [...viewToTable, ...tableToView, ...viewToView];
  });
}
