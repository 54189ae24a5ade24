import type { DatasetProfile, ImportFormat } from '../core/data';
import {
  Table,
  isNumberColumn,
  type Column,
  type LogicalType,
  type NumberType,
  type StringType,
} from '../core/table';
import { StoreError } from './errors';
import { rememberHash, sha256 } from './hash';
import type { EntityRecord, Json } from './schema';
import { validName, type BlobInput, type WorkspaceStore } from './workspace-store';

export interface SchemaField {
  name: string;
  type: LogicalType;
}

/** One column of a version: its values in one blob, and for strings the dictionary in another. */
export interface StoredColumn extends SchemaField {
  blob: string;
  dictionaryBlob?: string;
}

export interface ImportTransform {
  kind: 'import';
  fileName: string;
  /** `folder`: a folder of images or text files, one row per file (src/core/data/folder.ts). */
  format: ImportFormat | 'folder';
  options: { [key: string]: Json };
  /** What the importer noticed while reading the file (formatted numbers, ragged rows…). */
  warnings?: { code: string; message: string; column?: string; line?: number }[];
}

/** A version made from another by a preparation step (lineage: its parent and the step). */
export interface PrepareTransform {
  kind: 'prepare';
  /** The step as plain JSON (a PrepareStep), so it can be replayed. */
  step: { [key: string]: Json };
  description: string;
  /** `result` for most steps; a split makes a `train` and a `test` version. */
  role: 'result' | 'train' | 'test';
  /** Other versions the step read (the right side of a join). */
  inputVersionIds: string[];
  rowsBefore: number;
}

export type DatasetTransform = ImportTransform | PrepareTransform;

export interface DatasetRecord extends EntityRecord {
  name: string;
  description: string;
  tags: string[];
}

export interface DatasetVersionRecord extends EntityRecord {
  datasetId: string;
  version: number;
  parentId: string | null;
  transform: DatasetTransform & { [key: string]: Json };
  schema: (SchemaField & { [key: string]: Json })[];
  rows: number;
  bytes: number;
  contentHash: string;
  columns: (StoredColumn & { [key: string]: Json })[];
  profile: Json;
}

export interface DatasetSummary {
  dataset: DatasetRecord;
  latest: DatasetVersionRecord | undefined;
  versions: number;
}

export interface NewDataset {
  name: string;
  description?: string;
  tags?: string[];
  table: Table;
  transform: DatasetTransform;
  profile: DatasetProfile;
  /** The version this dataset was made from (a split's source), when not imported. */
  parentId?: string;
  /**
   * The images an image column names by hash, written in the same transaction as the version,
   * so the version never exists without them.
   */
  images?: BlobInput[];
}

export interface NewVersion {
  datasetId: string;
  parentId: string;
  table: Table;
  transform: PrepareTransform;
  profile: DatasetProfile;
}

const FLOAT64_TYPE = 'application/x-bunsen-float64';
const CODES_TYPE = 'application/x-bunsen-int32';
const DICTIONARY_TYPE = 'application/json';

const bytesOf = (array: Float64Array | Int32Array) =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

interface EncodedTable {
  schema: SchemaField[];
  columns: StoredColumn[];
  blobs: BlobInput[];
  bytes: number;
  contentHash: string;
  /** Blobs the image columns name (their dictionaries are content hashes). */
  imageRefs: string[];
}

const HASH = /^[0-9a-f]{64}$/;

/** The hashes an image column's cells name; anything else in an image column is an error. */
function imageRefsOf(table: Table): string[] {
  const refs = new Set<string>();
  for (const column of table.columns) {
    if (column.type !== 'image' || isNumberColumn(column)) continue;
    for (const hash of column.dictionary) {
      if (!HASH.test(hash)) {
        throw new StoreError(
          'invalid',
          `Column “${column.name}” holds images, but “${hash.slice(0, 80)}” is not the content hash of a stored image.`,
          column.name,
        );
      }
      refs.add(hash);
    }
  }
  return [...refs];
}

/**
 * The digest of a column's bytes, remembered: columns are immutable, so the store's own check
 * of the blobs (and the next version that shares them) need not digest them again.
 */
async function remembered(data: Uint8Array): Promise<string> {
  const hash = await sha256(data);
  rememberHash(data, hash);
  return hash;
}

/**
 * Each dictionary's stored bytes, by the dictionary (immutable, like its column): a version that
 * keeps a text column with many distinct values neither encodes nor digests it again.
 */
const encodedDictionaries = new WeakMap<readonly string[], Uint8Array>();

function encodeDictionary(dictionary: readonly string[]): Uint8Array {
  let bytes = encodedDictionaries.get(dictionary);
  if (!bytes) {
    bytes = new TextEncoder().encode(JSON.stringify(dictionary));
    encodedDictionaries.set(dictionary, bytes);
  }
  return bytes;
}

/**
 * The bytes each column of `table` stores and their blob type: its values, or its codes (the
 * dictionaries, stored beside them, are not included).
 */
export function columnPayloads(table: Table): BlobInput[] {
  return table.columns.map((column) =>
    isNumberColumn(column)
      ? { data: bytesOf(column.values), type: FLOAT64_TYPE }
      : { data: bytesOf(column.codes), type: CODES_TYPE },
  );
}

/** Splits a table into content-addressed column blobs and the hash that names the whole. */
export async function encodeTable(table: Table): Promise<EncodedTable> {
  const columns: StoredColumn[] = [];
  const blobs: BlobInput[] = [];
  const payloads = columnPayloads(table);
  for (const [j, column] of table.columns.entries()) {
    const payload = payloads[j] as BlobInput;
    blobs.push(payload);
    const blob = await remembered(payload.data);
    if (isNumberColumn(column)) {
      columns.push({ name: column.name, type: column.type, blob });
    } else {
      const dictionary = encodeDictionary(column.dictionary);
      blobs.push({ data: dictionary, type: DICTIONARY_TYPE });
      columns.push({
        name: column.name,
        type: column.type,
        blob,
        dictionaryBlob: await remembered(dictionary),
      });
    }
  }
  const schema = columns.map(({ name, type }) => ({ name, type }));
  const identity = JSON.stringify({
    schema,
    columns: columns.map((column) => [column.blob, column.dictionaryBlob ?? null]),
  });
  return {
    schema,
    columns,
    blobs,
    bytes: blobs.reduce((sum, blob) => sum + blob.data.byteLength, 0),
    contentHash: await sha256(new TextEncoder().encode(identity)),
    imageRefs: imageRefsOf(table),
  };
}

/** Profiles of extreme data can hold ±Infinity (a variance that overflows): stored as null. */
function finiteJson(value: unknown): Json {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(finiteJson);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = finiteJson(item);
    }
    return out;
  }
  return value as Json;
}

const cleanTags = (tags: readonly string[] = []) => [
  ...new Set(tags.map((tag) => tag.trim()).filter(Boolean)),
];

/**
 * Stores a new dataset and its first version. The store writes one record per transaction, so
 * the dataset is written first and removed again when its version cannot be written: either
 * both remain or neither does.
 */
export async function createDataset(
  store: WorkspaceStore,
  workspaceId: string,
  input: NewDataset,
): Promise<{ dataset: DatasetRecord; version: DatasetVersionRecord }> {
  const name = validName(input.name, 'A dataset name');
  const encoded = await encodeTable(input.table);
  const images = input.images ?? [];
  const imageBytes = images.reduce((sum, image) => sum + image.data.byteLength, 0);
  const dataset = (await store.create('datasets', workspaceId, {
    name,
    description: input.description?.trim() ?? '',
    tags: cleanTags(input.tags),
  })) as DatasetRecord;
  try {
    const version = await store.create(
      'datasetVersions',
      workspaceId,
      {
        datasetId: dataset.id,
        version: 1,
        parentId: input.parentId ?? null,
        transform: input.transform as unknown as Json,
        schema: encoded.schema as unknown as Json,
        rows: input.table.rowCount,
        bytes: encoded.bytes + imageBytes,
        contentHash: encoded.contentHash,
        columns: encoded.columns as unknown as Json,
        profile: finiteJson(input.profile),
        ...(encoded.imageRefs.length ? { blobRefs: encoded.imageRefs } : {}),
      },
      {
        blobs: [...encoded.blobs, ...images],
        summary:
          input.transform.kind === 'import'
            ? `Imported ${input.transform.fileName} as version 1 of “${name}”`
            : `Created “${name}” (${input.transform.role}): ${input.transform.description}`,
      },
    );
    return { dataset, version: version as DatasetVersionRecord };
  } catch (error) {
    await store.remove('datasets', dataset.id).catch(() => undefined);
    throw error;
  }
}

/**
 * Stores a new immutable version of a dataset, made from `parentId` by a preparation step. Its
 * number follows the highest so far, whichever version it was made from (versions form a tree;
 * the numbers order them in time).
 */
export async function createVersion(
  store: WorkspaceStore,
  workspaceId: string,
  input: NewVersion,
): Promise<DatasetVersionRecord> {
  const parent = (await store.get('datasetVersions', input.parentId)) as
    DatasetVersionRecord | undefined;
  if (!parent) throw new StoreError('not-found', `There is no dataset version ${input.parentId}.`);
  const dataset = (await store.get('datasets', input.datasetId)) as DatasetRecord | undefined;
  if (!dataset) throw new StoreError('not-found', `There is no dataset ${input.datasetId}.`);
  const encoded = await encodeTable(input.table);
  const existing = await listVersions(store, input.datasetId);
  const number = Math.max(0, ...existing.map((version) => version.version)) + 1;
  const version = await store.create(
    'datasetVersions',
    workspaceId,
    {
      datasetId: input.datasetId,
      version: number,
      parentId: input.parentId,
      transform: input.transform as unknown as Json,
      schema: encoded.schema as unknown as Json,
      rows: input.table.rowCount,
      bytes: encoded.bytes,
      contentHash: encoded.contentHash,
      columns: encoded.columns as unknown as Json,
      profile: finiteJson(input.profile),
      ...(encoded.imageRefs.length ? { blobRefs: encoded.imageRefs } : {}),
    },
    {
      blobs: encoded.blobs,
      summary: `Version ${number} of “${dataset.name}” from version ${parent.version}: ${input.transform.description}`,
    },
  );
  return version as DatasetVersionRecord;
}

export async function listVersions(
  store: WorkspaceStore,
  datasetId: string,
): Promise<DatasetVersionRecord[]> {
  const versions = (await store.listChildren(
    'datasetVersions',
    datasetId,
  )) as DatasetVersionRecord[];
  return versions.sort((a, b) => a.version - b.version);
}

export async function listDatasets(
  store: WorkspaceStore,
  workspaceId: string,
): Promise<DatasetSummary[]> {
  const datasets = (await store.list('datasets', workspaceId)) as DatasetRecord[];
  return Promise.all(
    datasets.map(async (dataset) => {
      const versions = await listVersions(store, dataset.id);
      return { dataset, latest: versions.at(-1), versions: versions.length };
    }),
  );
}

export async function renameDataset(store: WorkspaceStore, datasetId: string, name: string) {
  return (await store.update('datasets', datasetId, {
    name: validName(name, 'A dataset name'),
  })) as DatasetRecord;
}

/** Sets a dataset's description and tags (trimmed; tags without blanks or repeats). */
export async function describeDataset(
  store: WorkspaceStore,
  datasetId: string,
  patch: { description?: string; tags?: readonly string[] },
) {
  const fields: { description?: string; tags?: string[] } = {};
  if (patch.description !== undefined) fields.description = patch.description.trim();
  if (patch.tags !== undefined) fields.tags = cleanTags(patch.tags);
  const dataset = (await store.get('datasets', datasetId)) as DatasetRecord | undefined;
  if (!dataset) throw new StoreError('not-found', `There is no dataset with id ${datasetId}.`);
  if (!Object.keys(fields).length) return dataset;
  return (await store.update('datasets', datasetId, fields, {
    summary: `Edited the description and tags of “${dataset.name}”`,
  })) as DatasetRecord;
}

/** Deletes the versions first, so a dataset never outlives its name while versions linger unseen. */
export async function deleteDataset(store: WorkspaceStore, datasetId: string) {
  for (const version of await listVersions(store, datasetId)) {
    await store.remove('datasetVersions', version.id);
  }
  await store.remove('datasets', datasetId);
}

async function readBlob(store: WorkspaceStore, hash: string, column: string): Promise<ArrayBuffer> {
  const blob = await store.getBlob(hash);
  if (!blob) {
    throw new StoreError('not-found', `The data of column “${column}” is missing (${hash}).`);
  }
  return blob.data;
}

/** Rebuilds the table of a stored version exactly: same columns, types, values and codes. */
export async function loadTable(store: WorkspaceStore, versionId: string): Promise<Table> {
  const version = (await store.get('datasetVersions', versionId)) as
    DatasetVersionRecord | undefined;
  if (!version) throw new StoreError('not-found', `There is no dataset version ${versionId}.`);
  const columns: Column[] = [];
  for (const stored of version.columns) {
    const data = await readBlob(store, stored.blob, stored.name);
    // Read back by its digest: a new version sharing this column need not digest it again.
    rememberHash(new Uint8Array(data), stored.blob);
    if (stored.dictionaryBlob === undefined) {
      columns.push({
        name: stored.name,
        type: stored.type as NumberType,
        values: new Float64Array(data),
      });
    } else {
      const dictionaryBytes = new Uint8Array(
        await readBlob(store, stored.dictionaryBlob, stored.name),
      );
      const dictionary = JSON.parse(new TextDecoder().decode(dictionaryBytes)) as string[];
      encodedDictionaries.set(dictionary, dictionaryBytes);
      rememberHash(dictionaryBytes, stored.dictionaryBlob);
      columns.push({
        name: stored.name,
        type: stored.type as StringType,
        codes: new Int32Array(data),
        dictionary,
      });
    }
  }
  return new Table(columns);
}
