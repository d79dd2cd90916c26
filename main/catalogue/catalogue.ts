/**
 * The product catalogue held in the store's SQLite file: the till prices orders from it,
 * offline. A shipped default seeds an empty store; head office will sync its own later.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { productSchema, type OrderLine, type PricedOrderLine, type Product } from '../../protocol/kiosk';
import type { Db } from '../store/database';
import defaultCatalogue from './default-catalogue.json';

export class OrderLineError extends Error {}

const catalogueSchema = z
  .array(productSchema)
  .min(1)
  .refine((products) => new Set(products.map((p) => p.sku)).size === products.length, 'each sku must appear once');

export function readCatalogueFile(path: string | undefined): Product[] {
  let raw: unknown = defaultCatalogue;
  if (path) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read catalogue ${path}: ${(error as Error).message}`);
    }
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid catalogue${path ? ` ${path}` : ''}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export class Catalogue {
  private bySku = new Map<string, Product>();
  private ordered: Product[] = [];

  constructor(private readonly db: Db) {
    this.reload();
  }

  /** Replaces the catalogue with `products` (in their order) in one transaction. */
  replace(products: Product[]): void {
    const insert = this.db.prepare('INSERT INTO products (sku, name, category, price, modifiers, position) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM products').run();
      products.forEach((p, i) => insert.run(p.sku, p.name, p.category, p.price, JSON.stringify(p.modifiers), i));
    })();
    this.reload();
  }

  /** Seeds the catalogue when the store has none yet. */
  seedIfEmpty(products: Product[]): void {
    if (this.ordered.length === 0) this.replace(products);
  }

  all(): Product[] {
    return this.ordered;
  }

  find(sku: string): Product | undefined {
    return this.bySku.get(sku);
  }

  /** Names and prices a line from the catalogue; an unknown product or modifier is refused, not guessed. */
  price(line: OrderLine): PricedOrderLine {
    const product = this.bySku.get(line.sku);
    if (!product) throw new OrderLineError(`no product "${line.sku}" in this store's catalogue`);
    let unitPrice = product.price;
    const modifierNames: string[] = [];
    for (const id of new Set(line.modifiers)) {
      const modifier = product.modifiers.find((m) => m.id === id);
      if (!modifier) throw new OrderLineError(`"${product.name}" has no option "${id}"`);
      unitPrice += modifier.price;
      modifierNames.push(modifier.name);
    }
    return { sku: line.sku, quantity: line.quantity, modifiers: [...new Set(line.modifiers)], name: product.name, unitPrice, modifierNames };
  }

  private reload(): void {
    const rows = this.db
      .prepare<[], { sku: string; name: string; category: string; price: number; modifiers: string }>(
        'SELECT sku, name, category, price, modifiers FROM products ORDER BY position',
      )
      .all();
    this.ordered = rows.map((r) => ({ sku: r.sku, name: r.name, category: r.category, price: r.price, modifiers: JSON.parse(r.modifiers) }));
    this.bySku = new Map(this.ordered.map((p) => [p.sku, p]));
  }
}
