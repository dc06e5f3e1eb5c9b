// One ordering for everything the generators print, so the output never depends on catalog order, oids or
// the machine's locale: the `en` collation (what `localeCompare` gives the upstream generator), then code
// points to break the rare tie.
const collator = new Intl.Collator('en');

export function compareStrings(a: string, b: string): number {
  const c = collator.compare(a, b);
  if (c !== 0) return c;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const byName = <T extends { name: string }>(a: T, b: T): number => compareStrings(a.name, b.name);
