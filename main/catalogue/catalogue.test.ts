import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Product } from '../../protocol/kiosk';
import { openDatabase, type Db } from '../store/database';
import { Catalogue, OrderLineError, readCatalogueFile } from './catalogue';
import defaultCatalogue from './default-catalogue.json';

const A: Product = { sku: 'a', name: 'Alpha', category: 'Test', price: 100, modifiers: [{ id: 'm1', name: 'Mod one', price: 10 }] };
const B: Product = { sku: 'b', name: 'Bravo', category: 'Test', price: 200, modifiers: [] };
const C: Product = { sku: 'c', name: 'Charlie', category: 'Other', price: 300, modifiers: [] };

describe('Catalogue', () => {
  let dir: string;
  let db: Db;
  let catalogue: Catalogue;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-catalogue-'));
    db = openDatabase(join(dir, 'store.db'));
    catalogue = new Catalogue(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds an empty store from the shipped catalogue, once', () => {
    expect(catalogue.all()).toEqual([]);
    catalogue.seedIfEmpty(readCatalogueFile(undefined));
    expect(catalogue.all().map((p) => p.sku)).toEqual(defaultCatalogue.map((p) => p.sku));
    expect(catalogue.find('latte')).toEqual(defaultCatalogue.find((p) => p.sku === 'latte'));
    catalogue.seedIfEmpty([A]);
    expect(catalogue.all()).toHaveLength(defaultCatalogue.length);
    expect(catalogue.find('a')).toBeUndefined();
  });

  it('prices a line with its modifiers, named from the catalogue', () => {
    catalogue.replace(readCatalogueFile(undefined));
    expect(catalogue.price({ sku: 'latte', quantity: 2, modifiers: ['oat', 'vanilla'] })).toEqual({
      sku: 'latte', quantity: 2, modifiers: ['oat', 'vanilla'], name: 'Latte', unitPrice: 350 + 40 + 50, modifierNames: ['Oat milk', 'Vanilla syrup'],
    });
    expect(catalogue.price({ sku: 'banana-bread', quantity: 1, modifiers: [] })).toEqual({
      sku: 'banana-bread', quantity: 1, modifiers: [], name: 'Banana bread', unitPrice: 295, modifierNames: [],
    });
    // A free option is still named.
    expect(catalogue.price({ sku: 'flat-white', quantity: 1, modifiers: ['decaf'] })).toMatchObject({ unitPrice: 340, modifierNames: ['Decaf'] });
  });

  it('charges a modifier repeated on one line once', () => {
    catalogue.replace(readCatalogueFile(undefined));
    expect(catalogue.price({ sku: 'latte', quantity: 1, modifiers: ['oat', 'extra-shot', 'oat'] })).toMatchObject({
      modifiers: ['oat', 'extra-shot'], unitPrice: 350 + 40 + 60, modifierNames: ['Oat milk', 'Extra shot'],
    });
  });

  it('refuses an unknown product or option with an OrderLineError that names it', () => {
    catalogue.replace(readCatalogueFile(undefined));
    expect(() => catalogue.price({ sku: 'muffin', quantity: 1, modifiers: [] })).toThrow(OrderLineError);
    expect(() => catalogue.price({ sku: 'muffin', quantity: 1, modifiers: [] })).toThrow('no product "muffin"');
    // Oat milk exists, but not for an espresso.
    expect(() => catalogue.price({ sku: 'espresso', quantity: 1, modifiers: ['oat'] })).toThrow(OrderLineError);
    expect(() => catalogue.price({ sku: 'espresso', quantity: 1, modifiers: ['oat'] })).toThrow('"Espresso" has no option "oat"');
    expect(() => catalogue.price({ sku: 'latte', quantity: 1, modifiers: ['oat', 'sprinkles'] })).toThrow(/no option "sprinkles"/);
    // Case matters: SKUs are ids.
    expect(() => catalogue.price({ sku: 'Latte', quantity: 1, modifiers: [] })).toThrow(OrderLineError);
  });

  it('replaces the whole catalogue, keeping the given order, and the store keeps it', () => {
    catalogue.replace(readCatalogueFile(undefined));
    catalogue.replace([C, A, B]);
    expect(catalogue.all()).toEqual([C, A, B]);
    expect(catalogue.find('latte')).toBeUndefined();
    expect(() => catalogue.price({ sku: 'latte', quantity: 1, modifiers: [] })).toThrow(OrderLineError);
    expect(catalogue.price({ sku: 'a', quantity: 1, modifiers: ['m1'] }).unitPrice).toBe(110);
    // Read back from the file by a fresh instance: same products, same order.
    expect(new Catalogue(db).all()).toEqual([C, A, B]);
    catalogue.replace([B, C]);
    expect(new Catalogue(db).all().map((p) => p.sku)).toEqual(['b', 'c']);
  });

  it('keeps the old catalogue when a replacement fails half-way', () => {
    catalogue.replace([A, B]);
    expect(() => catalogue.replace([C, { ...A, name: 'Alpha again' }, A])).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(catalogue.all()).toEqual([A, B]);
    expect(new Catalogue(db).all()).toEqual([A, B]);
  });
});

describe('readCatalogueFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-catalogue-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('returns the shipped catalogue without a path, and a valid file as given', () => {
    const shipped = readCatalogueFile(undefined);
    expect(shipped).toHaveLength(16);
    expect(shipped[0]).toMatchObject({ sku: 'flat-white', price: 340 });
    expect(readCatalogueFile(write('ok.json', [B, A]))).toEqual([B, A]);
  });

  it('rejects a bad file with a message naming the file and the problem', () => {
    const negative = write('negative.json', [{ ...A, price: -5 }]);
    expect(() => readCatalogueFile(negative)).toThrow(`invalid catalogue ${negative}`);
    expect(() => readCatalogueFile(negative)).toThrow(/price/);

    const fractional = write('fractional.json', [{ ...A, price: 3.4 }]);
    expect(() => readCatalogueFile(fractional)).toThrow(/invalid catalogue .*fractional\.json[\s\S]*price/);

    const noSku = write('no-sku.json', [{ name: 'Nameless', category: 'x', price: 1, modifiers: [] }]);
    expect(() => readCatalogueFile(noSku)).toThrow(/invalid catalogue .*no-sku\.json[\s\S]*sku/);

    const badModifier = write('bad-modifier.json', [{ ...A, modifiers: [{ id: '', name: 'x', price: 1 }] }]);
    expect(() => readCatalogueFile(badModifier)).toThrow(/invalid catalogue .*bad-modifier\.json[\s\S]*modifiers/);

    expect(() => readCatalogueFile(write('empty.json', []))).toThrow(/invalid catalogue .*empty\.json/);
    expect(() => readCatalogueFile(write('object.json', { products: [A] }))).toThrow(/invalid catalogue .*object\.json/);
  });

  it('rejects a file that is not JSON, or missing', () => {
    expect(() => readCatalogueFile(write('broken.json', '[{"sku": "a",'))).toThrow(/cannot read catalogue .*broken\.json/);
    expect(() => readCatalogueFile(join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });
});
