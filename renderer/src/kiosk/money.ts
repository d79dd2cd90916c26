/** Money arrives in minor units; this many of them make one major unit of the currency (100 pence, 1 yen, 1000 fils). */
function minorPerMajor(format: Intl.NumberFormat): number {
  return 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2);
}

const formats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string, locale: string | undefined): Intl.NumberFormat | null {
  const key = `${locale ?? ''}|${currency}`;
  if (!formats.has(key)) {
    let format: Intl.NumberFormat | null;
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // A mistyped currency in the config must not take the till down with it.
      format = null;
    }
    formats.set(key, format);
  }
  return formats.get(key) ?? null;
}

/**
 * A price in minor units in the store's currency, e.g. 420 GBP → "£4.20". Without a
 * currency (settings not loaded yet) or with one Intl does not know, a plain two-decimal
 * figure, so a total is never hidden.
 */
export function formatMoney(minor: number, currency: string | null, locale?: string): string {
  const format = currency ? currencyFormat(currency, locale) : null;
  if (!format) {
    const plain = (minor / 100).toFixed(2);
    return currency ? `${plain} ${currency}` : plain;
  }
  return format.format(minor / minorPerMajor(format));
}
