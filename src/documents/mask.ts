/** "Айгерім Сейітова" → "А*** С***": enough for a verifier to compare with an ID card, no more. */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${Array.from(part)[0]}***`)
    .join(' ');
}
