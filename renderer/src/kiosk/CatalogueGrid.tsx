import { useMemo } from 'react';
import type { Product } from '../../../protocol/kiosk';
import { groupByCategory } from './catalogue-groups';
import { formatMoney } from './money';

interface CatalogueGridProps {
  products: Product[] | null;
  problem: string | null;
  currency: string | null;
  onAdd: (product: Product) => void;
  disabled: boolean;
}

/** The menu as big buttons, by category; the category chips jump to their section. */
export function CatalogueGrid({ products, problem, currency, onAdd, disabled }: CatalogueGridProps) {
  const groups = useMemo(() => groupByCategory(products ?? []), [products]);
  const sectionId = (index: number): string => `k-category-${index}`;

  return (
    <section className="k-catalogue" aria-label="Menu" data-testid="catalogue">
      <div className="k-catalogue-head">
        <h2 className="k-section-title">Add items</h2>
        {groups.length > 1 && (
          <nav className="k-category-nav" aria-label="Categories">
            {groups.map((group, index) => (
              <button
                key={group.category}
                type="button"
                className="k-chip"
                onClick={() => document.getElementById(sectionId(index))?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
              >
                {group.category}
              </button>
            ))}
          </nav>
        )}
      </div>
      <div className="k-catalogue-body">
        {problem && (
          <p className="k-inline-problem" role="status">
            {products === null ? 'Menu not loaded' : 'Menu not refreshed'}: {problem} Trying again…
          </p>
        )}
        {products === null && !problem && <p className="k-empty-note">Loading the menu…</p>}
        {products !== null && products.length === 0 && <p className="k-empty-note">The menu is empty.</p>}
        {groups.map((group, index) => (
          <section key={group.category} id={sectionId(index)} className="k-category" aria-label={group.category}>
            <h3 className="k-category-title">{group.category}</h3>
            <div className="k-product-grid">
              {group.products.map((product) => (
                <button
                  key={product.sku}
                  type="button"
                  className="k-product"
                  data-testid="product"
                  data-sku={product.sku}
                  disabled={disabled}
                  onClick={() => onAdd(product)}
                >
                  <span className="k-product-name">{product.name}</span>
                  <span className="k-product-price">{formatMoney(product.price, currency)}</span>
                </button>
              ))}
            </div>
          </section>
        ))}
      </div>
    </section>
  );
}
