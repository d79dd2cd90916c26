import type { Product } from '../../../protocol/kiosk';

export interface CatalogueGroup {
  category: string;
  products: Product[];
}

/** Products by category, categories in the order the catalogue first names them (head office's order, not A–Z). */
export function groupByCategory(products: readonly Product[]): CatalogueGroup[] {
  const groups = new Map<string, Product[]>();
  for (const product of products) {
    const category = product.category.trim() || 'Other';
    const group = groups.get(category);
    if (group) group.push(product);
    else groups.set(category, [product]);
  }
  return [...groups].map(([category, list]) => ({ category, products: list }));
}
