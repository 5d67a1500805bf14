/** How long a fetch may take when the caller gives no deadline. */
export const DEFAULT_GET_TIMEOUT_MS = 30_000;
/** The largest content a fetch returns when the caller gives no cap. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface GetOptions {
  signal?: AbortSignal;
  /** give up after this long (default 30 s): a CID nobody has would otherwise be wanted forever */
  timeoutMs?: number;
  /** refuse content larger than this (default 64 MiB) */
  maxBytes?: number;
}

export interface ContentStats {
  backend: "helia" | "kubo";
  /** roots pinned by this node (recursively) */
  pins: number;
  /** blocks and bytes held locally */
  blocks: number;
  bytes: number;
}

/**
 * Content-addressed bytes. `add` imports bytes as a UnixFS file (CIDv1, raw leaves, 1 MiB chunks,
 * balanced DAG of up to 1024 links per node: Helia's defaults) and pins it; content of one chunk or
 * less is a single raw block, so its CID is the raw codec's. `get` returns bytes only after
 * recomputing their CID with the same import settings and finding it equal to the one asked for.
 */
export interface ContentStore {
  readonly backend: ContentStats["backend"];
  /** ready, or error when the backend cannot be reached (Kubo) */
  readonly state: "ready" | "error";
  add(bytes: Uint8Array, opts?: { signal?: AbortSignal }): Promise<string>;
  /** local or from peers; always time-bounded and size-capped */
  get(cid: string, opts?: GetOptions): Promise<Uint8Array>;
  /** keeps the whole DAG (fetching what is missing, within `timeoutMs`) */
  pin(cid: string, opts?: GetOptions): Promise<void>;
  unpin(cid: string): Promise<void>;
  isPinned(cid: string): Promise<boolean>;
  /** the root block is stored locally */
  has(cid: string): Promise<boolean>;
  stats(): Promise<ContentStats>;
  close(): Promise<void>;
}
