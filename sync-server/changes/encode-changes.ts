/** A page of changes as protocol Change JSON (PullResponse.changesJson), each upsert's stored JSON spliced in unparsed. */
import type { ChangeRecord } from '../storage/sync-storage';

export function encodeChanges(rows: readonly ChangeRecord[]): Buffer {
  const items = rows.map((row) => {
    const head = `{"version":${row.version},"collection":${JSON.stringify(row.collection)},"key":${JSON.stringify(row.key)}`;
    return row.op === 'delete' ? `${head},"op":"delete"}` : `${head},"op":"upsert","data":${row.dataJson ?? 'null'}}`;
  });
  return Buffer.from(`[${items.join(',')}]`);
}
