import { describe, expect, it } from 'vitest';
import type { Product } from '../../../protocol/kiosk';
import { groupByCategory } from './catalogue-groups';

const product = (sku: string, category: string): Product => ({ sku, name: sku, category, price: 100, modifiers: [] });

describe('groupByCategory', () => {
  it('groups in the catalogue’s own order, with uncategorised items under Other', () => {
    const groups = groupByCategory([product('LATTE', 'Coffee'), product('BUN', 'Bakery'), product('TEA', ''), product('FLAT', 'Coffee')]);
    expect(groups.map((g) => [g.category, g.products.map((p) => p.sku)])).toEqual([
      ['Coffee', ['LATTE', 'FLAT']],
      ['Bakery', ['BUN']],
      ['Other', ['TEA']],
    ]);
  });
});
