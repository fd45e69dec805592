import canonicalizeModule from 'canonicalize';

type Canonicalize = (input: unknown) => string | undefined;
// canonicalize is CommonJS whose typings claim an ES default export; take the function either way.
const canonicalize = ((canonicalizeModule as unknown as { default?: Canonicalize }).default ??
  (canonicalizeModule as unknown as Canonicalize)) as Canonicalize;

/** RFC 8785 (JSON Canonicalization Scheme) text of a value: what an applicant signs. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}
