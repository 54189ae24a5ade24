import { openDB, unwrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { DB_NAME } from './schema';
import { MIGRATIONS, SCHEMA_VERSION, type StoreSnapshot } from './migrations';
import { toStoreError } from './errors';

export type Database = IDBPDatabase<unknown>;
type UpgradeTransaction = IDBPTransaction<unknown, string[], 'versionchange'>;

export interface OpenOptions {
  name?: string;
  /** Open at this schema version instead of the newest (tests build old fixtures this way). */
  version?: number;
  /** Another tab wants a newer schema: this connection has been closed and must not write again. */
  onVersionChange?: () => void;
}

async function runMigrations(tx: UpgradeTransaction, from: number, to: number) {
  const db = unwrap(tx.db) as IDBDatabase;
  const rawTx = unwrap(tx) as IDBTransaction;
  for (const migration of MIGRATIONS) {
    if (migration.version <= from || migration.version > to) continue;
    migration.schema(db, rawTx);
    if (!migration.migrate) continue;
    const before: StoreSnapshot = {};
    for (const store of migration.touches) before[store] = await tx.objectStore(store).getAll();
    const after = migration.migrate(before);
    for (const store of migration.touches) {
      const objectStore = tx.objectStore(store);
      await objectStore.clear();
      for (const record of after[store] ?? []) await objectStore.put(record);
    }
  }
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const version = options.version ?? SCHEMA_VERSION;
  let connection: Database | undefined;
  try {
    connection = await openDB(options.name ?? DB_NAME, version, {
      upgrade: (_db, oldVersion, newVersion, tx) => {
        const upgrade = tx as unknown as UpgradeTransaction;
        // A failed migration aborts the upgrade: the database stays at its old version, intact.
        runMigrations(upgrade, oldVersion, newVersion ?? version).catch(() => upgrade.abort());
      },
      blocking: () => {
        connection?.close();
        options.onVersionChange?.();
      },
    });
    return connection;
  } catch (error) {
    throw toStoreError(error);
  }
}
