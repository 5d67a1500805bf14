/**
 * Signing and verification of records. The signed bytes are the RFC 8785 (JCS) canonical JSON of the
 * record without `signature`, so any implementation that parses and re-serialises a record still
 * verifies it; the signature is the owner's libp2p Ed25519 key over those bytes.
 */
import { createHash, createPublicKey, verify as ed25519Verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { peerIdFromPrivateKey, peerIdFromString } from "@libp2p/peer-id";
import type { PrivateKey } from "@libp2p/interface";
import { AscendError, errorMessage } from "../utils/errors.ts";
import { BoundedCache } from "./lru.ts";
import { MAX_RECORD_BYTES, type CatalogRecord, type UnsignedRecord } from "./records.ts";
import { recordProblems } from "./validate.ts";
import { verifyWalletProof, type WalletProof } from "./wallet_proof.ts";

declare const verifiedBrand: unique symbol;
/** A record that passed verifyRecord: deeply frozen plain JSON whose hash is already known. */
export type VerifiedRecord = CatalogRecord & { readonly [verifiedBrand]: true };

// Identity of the verified objects, so that a record verified once (by gossip, say) is not verified
// again by the store; frozen, so it cannot change after the check.
const hashes = new WeakMap<object, string>();

export function isVerified(value: unknown): value is VerifiedRecord {
  return typeof value === "object" && value !== null && hashes.has(value);
}

/** The bytes the owner signs: canonical JSON of the record without its signature. */
export function canonicalBytes(record: object): Buffer {
  return Buffer.from(canonicalBytesOf(record), "utf8");
}

/** A record on the wire and on disk: canonical JSON including the signature. */
export function encodeRecord(record: CatalogRecord): Buffer {
  return Buffer.from(canonicalJson(record), "utf8");
}

/** sha256 (hex) of the canonical JSON including the signature: the tie-break and digest value. */
export function recordHash(record: CatalogRecord): string {
  return hashes.get(record) ?? sha256(canonicalJson(record));
}

/** Parses and verifies a record received as bytes, refusing oversized input before parsing it. */
export function decodeRecord(bytes: Uint8Array | string): VerifiedRecord {
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes, "utf8") : bytes.byteLength;
  if (size > MAX_RECORD_BYTES) throw oversized(size);
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `record rejected: not JSON (${errorMessage(err)})`);
  }
  return verifyParsedRecord(value);
}

/**
 * Checks size, schema, id ownership, the Ed25519 signature and the wallet binding, and returns a
 * frozen copy. Throws AscendError naming what is wrong.
 */
export function verifyRecord(value: unknown): VerifiedRecord {
  if (isVerified(value)) return value;
  // A value built in this process may hold what JSON cannot (undefined, a Date, a getter): what is
  // checked must be exactly what is stored, hashed and sent, so it is checked in its JSON form.
  let json: string;
  try {
    json = canonicalJson(value);
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `record rejected: ${errorMessage(err)}`);
  }
  const size = Buffer.byteLength(json, "utf8");
  if (size > MAX_RECORD_BYTES) throw oversized(size);
  return verifyParsedRecord(JSON.parse(json));
}

/**
 * verifyRecord for a value fresh from JSON.parse (or a structured clone of one), which is plain JSON
 * data already: it is checked and frozen in place, and canonicalised once.
 */
export function verifyParsedRecord(parsed: unknown): VerifiedRecord {
  const { record, canonical } = checkRecord(parsed);
  deepFreeze(record);
  hashes.set(record, sha256(canonical));
  return record as VerifiedRecord;
}

/**
 * What a verification worker returns for a record: its canonical JSON (signature included) and
 * hash. Throws like verifyRecord.
 */
export function verifyToCanonical(parsed: unknown): { canonical: string; hash: string } {
  const { canonical } = checkRecord(parsed);
  return { canonical, hash: sha256(canonical) };
}

/** Rebuilds a record a verification worker of this process checked (see verify_pool.ts). */
export function adoptVerified(canonical: string, hash: string): VerifiedRecord {
  const record = JSON.parse(canonical) as CatalogRecord;
  deepFreeze(record);
  hashes.set(record, hash);
  return record as VerifiedRecord;
}

function checkRecord(parsed: unknown): { record: CatalogRecord; canonical: string } {
  const problems = recordProblems(parsed);
  if (problems.length > 0) throw rejected(parsed, problems.join("; "));
  const record = parsed as CatalogRecord;
  const signature = Buffer.from(record.signature, "base64url");
  // base64url leaves 4 spare bits in the last character; only the spelling with zero bits is
  // accepted, so nobody can relay the same signature under a second hash
  if (signature.toString("base64url") !== record.signature) throw rejected(record, "signature is not canonical base64url");
  const signed = canonicalBytesOf(record);
  const canonical = withSignature(signed, record);
  const size = Buffer.byteLength(canonical, "utf8");
  if (size > MAX_RECORD_BYTES) throw oversized(size);
  const key = publicKeyOf(record.owner.peerId);
  if (!ed25519Verify(null, Buffer.from(signed, "utf8"), key, signature)) {
    throw rejected(record, `bad signature: it does not verify against owner.peerId ${record.owner.peerId} (altered after signing, or signed by another key)`);
  }
  try {
    verifyWalletProof(record.owner);
  } catch (err) {
    throw rejected(record, errorMessage(err));
  }
  return { record, canonical };
}

function canonicalBytesOf(record: object): string {
  return canonicalJson({ ...record, signature: undefined });
}

/**
 * The canonical JSON with the signature, from the canonical JSON without it: sorted keys put
 * `signature` just before `version`, the last key of every record (the schema allows no other), so
 * the record is canonicalised once rather than twice.
 */
function withSignature(unsigned: string, record: CatalogRecord): string {
  const tail = `,"version":${record.version}}`;
  if (!unsigned.endsWith(tail)) return canonicalJson(record);
  return `${unsigned.slice(0, -tail.length)},"signature":"${record.signature}"${tail}`;
}

export interface SigningKeys {
  /** the node's libp2p identity key (Ed25519) */
  privateKey: PrivateKey;
  /** from makeWalletProof for this key's PeerId */
  walletProof: WalletProof;
}

/**
 * Signs a record as this node. The result is verified like any received record, so an invalid
 * record fails here, at its author, with the same message a peer would log.
 */
export async function signRecord(unsigned: UnsignedRecord, keys: SigningKeys): Promise<VerifiedRecord> {
  if (keys.privateKey.type !== "Ed25519") throw new AscendError("BAD_REQUEST", `records are signed with an Ed25519 key, not ${keys.privateKey.type}`);
  const peerId = peerIdFromPrivateKey(keys.privateKey).toString();
  const { peerId: boundPeerId, wallet, walletProof } = keys.walletProof;
  if (boundPeerId !== peerId) {
    throw new AscendError("BAD_REQUEST", `peerId mismatch: the wallet proof binds ${boundPeerId}, but the signing key is ${peerId}`);
  }
  const { owner: _owner, signature: _signature, ...rest } = unsigned as UnsignedRecord & { owner?: unknown; signature?: unknown };
  const draft = { ...rest, owner: { peerId, wallet, walletProof } };
  const signature = await keys.privateKey.sign(canonicalBytes(draft));
  return verifyRecord({ ...draft, signature: Buffer.from(signature).toString("base64url") });
}

// A PeerId is parsed and its key imported once; gossip repeats the same few thousand owners.
const publicKeys = new BoundedCache<string, KeyObject>(4096);
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function publicKeyOf(peerId: string): KeyObject {
  const cached = publicKeys.get(peerId);
  if (cached) return cached;
  let raw: Uint8Array;
  try {
    const id = peerIdFromString(peerId);
    if (id.type !== "Ed25519") throw new Error(`a ${id.type} PeerId`);
    raw = id.publicKey.raw;
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `record rejected: owner.peerId ${peerId} is not an Ed25519 PeerId (${errorMessage(err)})`);
  }
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
  publicKeys.set(peerId, key);
  return key;
}

function canonicalJson(value: unknown): string {
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `not JSON data (${errorMessage(err)})`);
  }
  if (out === undefined) throw new AscendError("BAD_REQUEST", "not JSON data");
  return out;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function oversized(size: number): AscendError {
  return new AscendError("PAYLOAD_TOO_LARGE", `record rejected: ${size} bytes is over the ${MAX_RECORD_BYTES}-byte (16 KiB) limit for a record`);
}

function rejected(record: unknown, why: string): AscendError {
  const r = (typeof record === "object" && record !== null ? record : {}) as { kind?: unknown; id?: unknown };
  const label = typeof r.kind === "string" && typeof r.id === "string" ? `${r.kind.slice(0, 16)} record ${r.id.slice(0, 120)}` : "record";
  return new AscendError("BAD_REQUEST", `${label} rejected: ${why}`);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
