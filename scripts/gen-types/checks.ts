// Check constraints the zod schemas can enforce, read from pg_get_constraintdef(oid, true). Only simple,
// single-column forms are recognised (a conjunction of them is fine); anything else is reported as
// "not enforced by the schemas" rather than guessed at:
//   char_length(c) <= N   (also <, >=, >, length(), character_length())   character bounds
//   c >= N                (also >, <=, <)                                  numeric bounds
//   c = ANY (ARRAY['a'::text, ...])   (what `c in ('a', ...)` becomes)     allowed values
//   c <> ''::text                                                         not empty
import type { CheckConstraint } from './metadata.ts';

export type Rule =
  | { kind: 'chars'; op: '<=' | '<' | '>=' | '>'; n: number }
  | { kind: 'number'; op: '<=' | '<' | '>=' | '>'; n: number }
  | { kind: 'oneOf'; values: string[] }
  | { kind: 'notEmpty' };

export interface ColumnRule {
  column: string;
  constraint: string;
  validated: boolean;
  rule: Rule;
}

export interface ParsedChecks {
  rules: ColumnRule[];
  /** Constraints not (fully) expressible as column rules: name and definition. */
  unenforced: { constraint: string; definition: string }[];
}

const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const NUMBER = String.raw`'?(-?\d+(?:\.\d+)?)'?(?:::[a-z ]+)?`;
const OP = String.raw`(<=|<|>=|>)`;

const unquote = (ident: string): string => (ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident);

/** Strips one pair of parentheses that encloses the whole expression. */
function unwrap(expr: string): string {
  let e = expr.trim();
  for (;;) {
    if (!e.startsWith('(') || !e.endsWith(')')) return e;
    let depth = 0;
    let enclosing = true;
    for (let i = 0; i < e.length; i += 1) {
      if (e[i] === '(') depth += 1;
      else if (e[i] === ')') depth -= 1;
      if (depth === 0 && i < e.length - 1) {
        enclosing = false;
        break;
      }
    }
    if (!enclosing) return e;
    e = e.slice(1, -1).trim();
  }
}

/** Splits on AND outside parentheses and string literals. */
function conjuncts(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < expr.length; i += 1) {
    const ch = expr[i];
    if (ch === "'") inString = !inString;
    if (inString) continue;
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (depth === 0 && expr.startsWith(' AND ', i)) {
      parts.push(expr.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(expr.slice(start));
  return parts.map(unwrap);
}

function parseConjunct(expr: string): { column: string; rule: Rule } | undefined {
  let m = new RegExp(String.raw`^(?:char_length|character_length|length)\(${IDENT}\)\s*${OP}\s*${NUMBER}$`).exec(expr);
  if (m) return { column: unquote(m[1]!), rule: { kind: 'chars', op: m[2] as '<=', n: Number(m[3]) } };
  m = new RegExp(String.raw`^${IDENT}\s*${OP}\s*${NUMBER}$`).exec(expr);
  if (m) return { column: unquote(m[1]!), rule: { kind: 'number', op: m[2] as '<=', n: Number(m[3]) } };
  m = new RegExp(String.raw`^${IDENT} = ANY \(ARRAY\[(.*)\]\)$`).exec(expr);
  if (m) {
    const items = m[2]!.split(/,\s*(?=')/).map((item) => /^'((?:[^']|'')*)'::[a-z ]+$/.exec(item.trim()));
    if (items.every((i) => i !== null)) {
      return { column: unquote(m[1]!), rule: { kind: 'oneOf', values: items.map((i) => i![1]!.replace(/''/g, "'")) } };
    }
  }
  m = new RegExp(String.raw`^${IDENT} <> ''::[a-z ]+$`).exec(expr);
  if (m) return { column: unquote(m[1]!), rule: { kind: 'notEmpty' } };
  return undefined;
}

export function parseChecks(checks: CheckConstraint[]): ParsedChecks {
  const rules: ColumnRule[] = [];
  const unenforced: ParsedChecks['unenforced'] = [];
  for (const check of checks) {
    const body = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(check.definition)?.[1];
    const parsed = body === undefined ? [undefined] : conjuncts(body).map(parseConjunct);
    if (parsed.every((p) => p !== undefined) && parsed.every((p) => check.columns.includes(p!.column))) {
      for (const p of parsed) rules.push({ column: p!.column, constraint: check.name, validated: check.validated, rule: p!.rule });
    } else {
      unenforced.push({ constraint: check.name, definition: check.definition });
    }
  }
  return { rules, unenforced };
}
