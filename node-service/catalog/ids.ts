/**
 * Record ids carry their owner. A (kind, id) can then only ever hold records of one owner, and that
 * rule is checked on the record alone: a "first owner wins" rule would depend on delivery order and
 * two nodes would keep different owners for the same key.
 */
import { createHash } from "node:crypto";
import { PEER_ID_PATTERN, RECORD_KINDS, type RecordKind } from "./records.ts";

const LOCAL_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

/** `<peerId>:<name>` for a record the node names itself (a listing, a job). */
export function ownedId(peerId: string, name: string): string {
  if (!LOCAL_NAME.test(name)) throw new TypeError(`record name '${name}' must be 1 to 64 of A-Z a-z 0-9 . _ ~ -`);
  return `${peerId}:${name}`;
}

// One record per (author, subject): a rater re-rates, a bidder re-bids and a party advances a job's
// state by raising the version of the same record, never by adding a second one that would count twice.
function derivedId(peerId: string, tag: string, subject: string): string {
  return `${peerId}:${tag}-${createHash("sha256").update(subject).digest("hex").slice(0, 40)}`;
}

export const ratingId = (peerId: string, target: { kind: string; id: string }) => derivedId(peerId, "r", `${target.kind}:${target.id}`);
export const bidId = (peerId: string, jobId: string) => derivedId(peerId, "b", jobId);
export const jobStatusId = (peerId: string, jobId: string) => derivedId(peerId, "s", jobId);

/** The peer that owns a record id: the part before the first ':'. */
export function idOwner(id: string): string {
  const colon = id.indexOf(":");
  return colon < 0 ? id : id.slice(0, colon);
}

/** The key of a (kind, id) slot, as exchanged by anti-entropy: `kind:id`. */
export function recordKey(kind: RecordKind, id: string): string {
  return `${kind}:${id}`;
}

const RECORD_KEY = new RegExp(`^(${RECORD_KINDS.join("|")}):(${PEER_ID_PATTERN}(:[A-Za-z0-9._~-]{1,64})?)$`);

/** The (kind, id) of a well-formed key; undefined for anything a valid record could not have. */
export function parseRecordKey(key: string): { kind: RecordKind; id: string } | undefined {
  const m = RECORD_KEY.exec(key);
  return m ? { kind: m[1] as RecordKind, id: m[2]! } : undefined;
}
