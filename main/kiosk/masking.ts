/**
 * Staff see that a customer has an e-mail or phone on file, and enough to confirm it
 * ("ends in 0123"), never the whole thing: a till screen is seen by many people.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  const keep = (text: string): string => (text.length <= 2 ? `${text[0] ?? ''}•` : `${text[0]}•••${text.at(-1)}`);
  return `${keep(local)}@${host[0] ?? ''}•••${tld}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '•••';
  return `••• ${digits.slice(-4)}`;
}
