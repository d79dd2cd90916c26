/** The store's product catalogue, held locally so the till works offline. Prices in minor units. */
export default /* sql */ `
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price INTEGER NOT NULL,
  modifiers TEXT NOT NULL,  -- JSON: [{id, name, price}]
  position INTEGER NOT NULL
) STRICT;
`;
