import { importFile, type ImporterOptions } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import { AscendError, errorMessage } from "../../utils/errors.ts";

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

/** A caller's signal and a deadline in one. */
export function deadline(opts: { signal?: AbortSignal; timeoutMs?: number }, fallbackMs: number): { signal: AbortSignal; timeoutMs: number } {
  const timeoutMs = opts.timeoutMs ?? fallbackMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout, timeoutMs };
}

export function notFound(cid: CID | string, timeoutMs: number): AscendError {
  return new AscendError("NOT_FOUND", `content ${cid} was not found on any connected peer within ${Math.round(timeoutMs / 100) / 10} s`);
}

export function tooLarge(cid: CID | string, maxBytes: number): AscendError {
  return new AscendError("PAYLOAD_TOO_LARGE", `content ${cid} is larger than ${maxBytes} bytes`);
}

/** Collects chunks into one buffer, refusing more than `maxBytes`. */
export async function collect(chunks: AsyncIterable<Uint8Array>, maxBytes: number, onTooLarge: () => Error): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes) throw onTooLarge();
    parts.push(chunk);
  }
  return Buffer.concat(parts, size);
}
