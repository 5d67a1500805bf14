import { importFile, type ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import { AscendError, errorMessage } from "../../utils/errors.ts";
import { DEFAULT_GET_TIMEOUT_MS, DEFAULT_MAX_BYTES, type GetOptions } from "./types.ts";

export const CHUNK_BYTES = 1_048_576;

/** Helia's UnixFS defaults, spelled out: the CID of given bytes depends on every one of them. */
export const IMPORT_SETTINGS: Pick<ImporterOptions, "cidVersion" | "rawLeaves" | "layout" | "chunker"> = {
  cidVersion: 1,
  rawLeaves: true,
  layout: balanced({ maxChildrenPerNode: 1024 }),
  chunker: fixedSize({ chunkSize: CHUNK_BYTES }),
};

/** Parses a CID string, or says which string is not one. */
export function parseCid(cid: string): CID {
  if (typeof cid !== "string" || cid.length === 0 || cid.length > 512) throw new AscendError("BAD_REQUEST", `cid: '${String(cid).slice(0, 80)}' is not a CID`);
  try {
    return CID.parse(cid);
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `cid: '${cid}' is not a CID (${errorMessage(err)})`);
  }
}

/** The CID `add` gives these bytes, computed without storing anything. */
export async function contentCid(bytes: Uint8Array): Promise<CID> {
  const discard = { put: async (cid: CID) => cid };
  const { cid } = await importFile({ content: bytes }, discard, IMPORT_SETTINGS);
  return cid;
}

/** Throws unless `bytes` are exactly the content `cid` names. */
export async function verifyContent(cid: CID, bytes: Uint8Array): Promise<void> {
  const actual = await contentCid(bytes);
  if (!actual.equals(cid.toV1())) {
    throw new AscendError("CONFLICT", `content of ${cid} does not match its CID (got ${actual}): refused (a corrupt store, or content imported with other settings than CIDv1, raw leaves, 1 MiB chunks)`);
  }
}

/**
 * Runs a fetch of `cid` under the caller's signal and a deadline (default 30 s). Content nobody
 * has would otherwise be wanted forever, and so would content whose blocks fail their hash: both
 * end as NOT_FOUND, with the time waited.
 */
export async function bounded<T>(cid: CID, opts: GetOptions, fetch: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_GET_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    return await fetch(signal);
  } catch (err) {
    if (timeout.aborted && !opts.signal?.aborted) {
      throw new AscendError("NOT_FOUND", `content ${cid} was not found on any connected peer within ${Math.round(timeoutMs / 100) / 10} s`);
    }
    throw err;
  }
}

/**
 * Reads content through a backend's `cat`, bounded in time, capped at `maxBytes` (one byte past the
 * cap tells that it is too large without fetching the rest) and checked against its CID.
 */
export async function readVerified(cid: CID, opts: GetOptions, cat: (signal: AbortSignal, length: number) => AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = await bounded(cid, opts, async (signal) => {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of cat(signal, maxBytes + 1)) {
      size += chunk.length;
      if (size > maxBytes) throw new AscendError("PAYLOAD_TOO_LARGE", `content ${cid} is larger than ${maxBytes} bytes`);
      parts.push(chunk);
    }
    return Buffer.concat(parts, size);
  });
  await verifyContent(cid, bytes);
  return bytes;
}
