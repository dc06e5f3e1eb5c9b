// A tiny model of the TypeScript type expressions the generators emit, and a printer that lays them out
// the way prettier/oxfmt do with `printWidth: 80, semi: false` (the formatter `supabase gen types` runs):
// a group stays on one line when it fits, else breaks; an object written expanded stays expanded and
// breaks every group around it; a broken union puts each member on its own `| ` line. Only the constructs
// the generators produce are modelled, so the output is byte-stable without a formatter dependency.

export const PRINT_WIDTH = 80;

export type TypeNode =
  | { kind: 'raw'; text: string }
  | { kind: 'union'; items: TypeNode[] }
  | { kind: 'intersection'; items: TypeNode[] }
  | { kind: 'object'; members: Member[]; expanded: boolean }
  | { kind: 'array'; item: TypeNode }
  | { kind: 'tuple'; items: TypeNode[] }
  | { kind: 'generic'; name: string; args: TypeNode[] };

export interface Member {
  /** The property key as printed (see `propertyKey`), or a raw key such as `[_ in never]`. */
  key: string;
  optional?: boolean;
  type: TypeNode;
}

export const raw = (text: string): TypeNode => ({ kind: 'raw', text });
export const NULL = raw('null');
export const NEVER = raw('never');

/** A union, flattened; a one-member union is that member. */
export function union(items: TypeNode[]): TypeNode {
  const flat = items.flatMap((i) => (i.kind === 'union' ? i.items : [i]));
  return flat.length === 1 ? flat[0]! : { kind: 'union', items: flat };
}

export const intersection = (items: TypeNode[]): TypeNode => ({ kind: 'intersection', items });
/** An object type written expanded (`{` newline): it never collapses onto one line. */
export const block = (members: Member[]): TypeNode => ({ kind: 'object', members, expanded: true });
/** An object type written inline (`{ a: b }`): one line when it fits. */
export const inline = (members: Member[]): TypeNode => ({ kind: 'object', members, expanded: false });
export const array = (item: TypeNode): TypeNode => ({ kind: 'array', item });
export const tuple = (items: TypeNode[]): TypeNode => ({ kind: 'tuple', items });
export const generic = (name: string, args: TypeNode[]): TypeNode => ({ kind: 'generic', name, args });
export const member = (key: string, type: TypeNode, optional = false): Member => ({ key: propertyKey(key), type, optional });

/** A string literal as prettier prints it (double quotes). */
export const str = (value: string): string => JSON.stringify(value);

/** Prettier's quoteProps "as-needed": bare when the name is an identifier, else a double-quoted string. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : str(name);
}

/** True when the node contains an expanded object (a hard line break), which breaks every enclosing group. */
export function mustBreak(node: TypeNode): boolean {
  switch (node.kind) {
    case 'raw':
      return false;
    case 'object':
      return (node.expanded && node.members.length > 0) || node.members.some((m) => mustBreak(m.type));
    case 'array':
      return mustBreak(node.item);
    case 'generic':
      return node.args.some(mustBreak);
    default:
      return node.items.some(mustBreak);
  }
}

const needsParensInArray = (node: TypeNode): boolean => node.kind === 'union' || node.kind === 'intersection';

/** The one-line form (only meaningful when `mustBreak` is false). */
export function flat(node: TypeNode): string {
  switch (node.kind) {
    case 'raw':
      return node.text;
    case 'union':
      return node.items.map(flat).join(' | ');
    case 'intersection':
      return node.items.map(flat).join(' & ');
    case 'object':
      return node.members.length === 0
        ? '{}'
        : `{ ${node.members.map((m) => `${m.key}${m.optional ? '?' : ''}: ${flat(m.type)}`).join('; ')} }`;
    case 'array':
      return needsParensInArray(node.item) ? `(${flat(node.item)})[]` : `${flat(node.item)}[]`;
    case 'tuple':
      return `[${node.items.map(flat).join(', ')}]`;
    case 'generic':
      return `${node.name}<${node.args.map(flat).join(', ')}>`;
  }
}

const pad = (n: number): string => ' '.repeat(n);

/** `{ ... } | null`: one object plus nulls hugs the object instead of breaking the union. */
function huggedObject(node: TypeNode): TypeNode | undefined {
  if (node.kind !== 'union') return undefined;
  const objects = node.items.filter((i) => i.kind === 'object' || (i.kind === 'array' && i.item.kind === 'object'));
  const rest = node.items.filter((i) => !objects.includes(i));
  if (objects.length === 1 && rest.every((i) => i.kind === 'raw' && (i.text === 'null' || i.text === 'undefined'))) {
    return objects[0];
  }
  return undefined;
}

/**
 * Prints `node` starting at column `used` on a line indented by `indent`, with `tail` characters still to
 * come on that line. Continuation lines carry their own indentation.
 */
export function printType(node: TypeNode, indent: number, used: number, tail = 0): string {
  if (!mustBreak(node)) {
    const oneLine = flat(node);
    if (used + oneLine.length + tail <= PRINT_WIDTH) return oneLine;
  }
  switch (node.kind) {
    case 'raw':
      return node.text;
    case 'object':
      if (node.members.length === 0) return '{}';
      return `{\n${node.members.map((m) => pad(indent + 2) + printMember(m, indent + 2)).join('\n')}\n${pad(indent)}}`;
    case 'array': {
      const inner = printType(node.item, indent, used, tail + 2);
      return needsParensInArray(node.item) ? `(${inner})[]` : `${inner}[]`;
    }
    case 'tuple':
      if (node.items.length === 0) return '[]';
      return `[\n${node.items.map((i) => `${pad(indent + 2)}${printType(i, indent + 2, indent + 2, 1)},`).join('\n')}\n${pad(indent)}]`;
    case 'generic':
      return `${node.name}<\n${node.args
        .map((a, i) => {
          const last = i === node.args.length - 1;
          return `${pad(indent + 2)}${printType(a, indent + 2, indent + 2, last ? 0 : 1)}${last ? '' : ','}`;
        })
        .join('\n')}\n${pad(indent)}>`;
    case 'intersection':
      return node.items
        .map((i) => (i.kind === 'object' ? printType({ ...i, expanded: true }, indent, used) : flat(i)))
        .join(' & ');
    case 'union': {
      const hug = huggedObject(node);
      if (hug) {
        const others = node.items.filter((i) => i !== hug).map(flat);
        return [printType(hug, indent, used, PRINT_WIDTH), ...others].join(' | ');
      }
      return printBrokenUnion(node, indent);
    }
  }
}

/** A broken union: a line per member, `| ` at indent + 2, member contents aligned after the bar. */
function printBrokenUnion(node: Extract<TypeNode, { kind: 'union' }>, indent: number): string {
  return node.items.map((i) => `\n${pad(indent + 2)}| ${printType(i, indent + 4, indent + 4)}`).join('');
}

/** One `key: type` line (and its continuation) inside an object printed at `indent`. */
export function printMember(m: Member, indent: number): string {
  const head = `${m.key}${m.optional ? '?' : ''}:`;
  const type = m.type;
  if (type.kind === 'union' && !huggedObject(type)) {
    const oneLine = mustBreak(type) ? undefined : flat(type);
    if (oneLine !== undefined && indent + head.length + 1 + oneLine.length <= PRINT_WIDTH) return `${head} ${oneLine}`;
    return head + printBrokenUnion(type, indent);
  }
  return `${head} ${printType(type, indent, indent + head.length + 1)}`;
}

/** `export type Name = <type>` */
export function printTypeAlias(name: string, node: TypeNode, exported = true): string {
  const head = `${exported ? 'export ' : ''}type ${name} =`;
  if (node.kind === 'union' && !huggedObject(node)) {
    const oneLine = mustBreak(node) ? undefined : flat(node);
    if (oneLine !== undefined && head.length + 1 + oneLine.length <= PRINT_WIDTH) return `${head} ${oneLine}`;
    return head + printBrokenUnion(node, 0);
  }
  return `${head} ${printType(node, 0, head.length + 1)}`;
}

// ---------------------------------------------------------------------------------------------------------
// JavaScript values (the `Constants` object): objects always expanded, arrays one line when they fit,
// trailing commas everywhere (prettier's default `trailingComma: "all"`).
// ---------------------------------------------------------------------------------------------------------
export type ValueNode = { kind: 'strings'; values: string[] } | { kind: 'record'; entries: [string, ValueNode][] };

export function printValue(node: ValueNode, indent: number, used: number, tail: number): string {
  if (node.kind === 'strings') {
    const oneLine = `[${node.values.map(str).join(', ')}]`;
    if (used + oneLine.length + tail <= PRINT_WIDTH) return oneLine;
    return `[\n${node.values.map((v) => `${pad(indent + 2)}${str(v)},`).join('\n')}\n${pad(indent)}]`;
  }
  if (node.entries.length === 0) return '{}';
  return `{\n${node.entries
    .map(([k, v]) => {
      const head = `${pad(indent + 2)}${propertyKey(k)}: `;
      return `${head}${printValue(v, indent + 2, head.length, 1)},`;
    })
    .join('\n')}\n${pad(indent)}}`;
}
