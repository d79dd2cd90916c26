const LIGHT = '#ffffff';
const DARK = '#111111';

function parseColour(colour: string): [number, number, number] | null {
  const value = colour.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})(?:[0-9a-f]{1,2})?$/.exec(value)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})/.exec(value);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return null;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = Math.min(255, c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * Head office picks a slide's background; the text on it must stay readable from across
 * the shop, so it takes whichever of near-white and near-black contrasts more. Colours it
 * cannot read (names, hsl()) get white, as the screen's backgrounds are dark by default.
 */
export function readableTextColour(background: string | undefined): string {
  const rgb = background === undefined ? null : parseColour(background);
  if (!rgb) return LIGHT;
  const l = luminance(rgb);
  const contrastWithWhite = 1.05 / (l + 0.05);
  const contrastWithDark = (l + 0.05) / (luminance([17, 17, 17]) + 0.05);
  return contrastWithDark > contrastWithWhite ? DARK : LIGHT;
}
