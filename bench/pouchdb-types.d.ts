/**
 * Just enough types for the PouchDB comparison (bench/pouchdb-*.ts). Not @types/pouchdb-node:
 * its @types/pouchdb-core declares a global `interface Buffer` that merges with Node's and
 * breaks Buffer typing across the whole program. express-pouchdb has no types at all.
 */

declare module 'pouchdb-node' {
  namespace PouchDB {
    interface DatabaseInfo {
      db_name: string;
      doc_count: number;
      update_seq: number | string;
    }

    interface ReplicateOptions {
      /** Documents per batch; PouchDB's default is 100. */
      batch_size?: number;
      /** Batches in flight; PouchDB's default is 10. */
      batches_limit?: number;
    }

    interface ReplicationProgress {
      docs_read: number;
      docs_written: number;
    }

    interface ReplicationResult extends ReplicationProgress {
      ok: boolean;
      status: 'complete' | 'cancelled' | 'aborting';
      errors: unknown[];
    }

    /** A running replication: a promise of its result that also emits progress. */
    interface Replication extends Promise<ReplicationResult> {
      on(event: 'change', listener: (info: ReplicationProgress) => void): this;
      cancel(): void;
    }

    interface Database {
      info(): Promise<DatabaseInfo>;
      close(): Promise<void>;
      destroy(): Promise<void>;
      replicate: {
        from(source: string | Database, options?: ReplicateOptions): Replication;
        to(target: string | Database, options?: ReplicateOptions): Replication;
      };
    }

    interface Options {
      adapter?: string;
      /** Prepended to every database name: a directory, for the leveldb adapter. */
      prefix?: string;
    }

    interface Static {
      new (name: string, options?: Options): Database;
      defaults(options: Options): Static;
    }
  }

  const PouchDB: PouchDB.Static;
  export = PouchDB;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type PouchDB from 'pouchdb-node';

  interface ExpressPouchDBOptions {
    /** Which parts of CouchDB's HTTP API to serve; 'minimumForPouchDB' is what replication needs. */
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    overrideMode?: { include?: string[]; exclude?: string[] };
    /** Only read by the 'fullCouchDB' mode's config and log parts. */
    configPath?: string;
    logPath?: string;
    inMemoryConfig?: boolean;
  }

  /** An express app, which is a plain Node request listener. */
  type ExpressPouchDBApp = (request: IncomingMessage, response: ServerResponse) => void;

  function expressPouchDB(pouchDB: PouchDB.Static, options?: ExpressPouchDBOptions): ExpressPouchDBApp;
  export = expressPouchDB;
}
