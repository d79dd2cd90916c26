/** Two letters for a customer's round badge in a list: "Ana S." → "AS". */
export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .map((part) => [...part.replace(/[^\p{L}\p{N}]/gu, '')][0] ?? '')
    .filter(Boolean);
  const first = letters[0] ?? '';
  const last = letters.length > 1 ? (letters.at(-1) ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

/** "gold" → "Gold": tiers come as the loyalty system spells them. */
export function tierLabel(tier: string): string {
  const text = tier.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** First and last name as staff address the customer; the last name may be unknown. */
export function fullName(person: { firstName: string; lastName: string | null }): string {
  return [person.firstName.trim(), person.lastName?.trim()].filter(Boolean).join(' ');
}
