/**
 * The catalog's record format: one signed envelope, six kinds of body, and tombstones. Every field is
 * bounded so a peer cannot make us hold or hash more than MAX_RECORD_BYTES per record.
 * Pure schemas and types: the cryptographic checks are in signing.ts.
 */
import Type, { type Static, type TSchema } from "typebox";

/** Upper bound on a record's canonical JSON (signature included), checked before anything else. */
export const MAX_RECORD_BYTES = 16 * 1024;

export const RECORD_KINDS = ["prompt", "node", "job", "bid", "jobStatus", "rating"] as const;
export const RecordKindSchema = Type.Enum(RECORD_KINDS);
export type RecordKind = Static<typeof RecordKindSchema>;

export const JOB_STATES = ["requested", "bidding", "awarded", "running", "completed", "failed", "confirmed", "refunded"] as const;

// Only Ed25519 PeerIds: they embed the public key, so a record needs no separate key field.
const BASE58 = "[1-9A-HJ-NP-Za-km-z]";
export const PEER_ID_PATTERN = `12D3KooW${BASE58}{44}`;
// After the owner's PeerId: the owner's own name for the record (see ownedId in ids.ts).
const LOCAL_NAME = "[A-Za-z0-9._~-]{1,64}";

// Integers only (no floats) so that RFC 8785 serialisation is unambiguous, and within 2^53 so that
// every JSON implementation reads them exactly.
const MAX_INT = Number.MAX_SAFE_INTEGER;
const SINGLE_LINE = "^[^\\u0000-\\u001f\\u007f]*$";
const MULTI_LINE = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$";

const line = (maxLength: number, minLength = 0) =>
  Type.String({ minLength, maxLength, pattern: SINGLE_LINE, description: `text of at most ${maxLength} characters on one line` });
const text = (maxLength: number) =>
  Type.String({ maxLength, pattern: MULTI_LINE, description: `text of at most ${maxLength} characters without control characters` });

export const PeerIdSchema = Type.String({ pattern: `^${PEER_ID_PATTERN}$`, description: "an Ed25519 PeerId (12D3KooW...)" });
export const RecordIdSchema = Type.String({
  maxLength: 52 + 1 + 64,
  pattern: `^${PEER_ID_PATTERN}(:${LOCAL_NAME})?$`,
  description: "the owner's PeerId, optionally followed by ':' and up to 64 of [A-Za-z0-9._~-]",
});
export const TagSchema = Type.String({ minLength: 1, maxLength: 32, pattern: "^[a-z0-9]+(-[a-z0-9]+)*$", description: "a lowercase slug (a-z, 0-9, single dashes), at most 32 characters" });
export const AddressSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{40}$", description: "an 0x address of 40 hex digits" });
/** uint256 as a decimal string: wei amounts and token ids exceed 2^53. */
export const WeiSchema = Type.String({ pattern: "^(0|[1-9][0-9]{0,77})$", description: "a decimal integer string without leading zeros (wei)" });
export const CidSchema = Type.String({
  maxLength: 128,
  pattern: "^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,127}|z[1-9A-HJ-NP-Za-km-z]{20,127})$",
  description: "a CID (CIDv0 Qm..., or CIDv1 in base32 b... or base58btc z...)",
});
const TimestampSchema = Type.Integer({ minimum: 0, maximum: MAX_INT, description: "milliseconds since the Unix epoch" });
const VersionSchema = Type.Integer({ minimum: 1, maximum: MAX_INT });

export const OwnerSchema = Type.Object(
  {
    peerId: PeerIdSchema,
    wallet: AddressSchema,
    walletProof: Type.String({ pattern: "^0x[0-9a-f]{130}$", description: "a 65-byte EIP-191 signature as lowercase 0x hex" }),
  },
  { additionalProperties: false },
);
export type Owner = Static<typeof OwnerSchema>;

export const ResourcesSchema = Type.Object(
  {
    cpus: Type.Integer({ minimum: 0, maximum: 4096 }),
    memoryMb: Type.Integer({ minimum: 0, maximum: 2 ** 32 }),
    gpu: Type.Boolean(),
    diskMb: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
  },
  { additionalProperties: false },
);

export const PromptBodySchema = Type.Object(
  {
    title: line(120, 1),
    description: text(4000),
    tags: Type.Array(TagSchema, { maxItems: 16, uniqueItems: true }),
    model: line(64, 1),
    price: WeiSchema,
    currency: Type.String({ pattern: "^(ETH|0x[0-9a-fA-F]{40})$", description: "'ETH' or an ERC-20 token address" }),
    license: line(64, 1),
    preview: text(2000),
    contentCid: CidSchema,
    contentHash: Type.String({ pattern: "^0x[0-9a-f]{64}$", description: "0x and 64 lowercase hex digits" }),
    metadataUri: Type.Optional(Type.String({ maxLength: 512, pattern: "^[a-z][a-z0-9+.-]*:[^\\s\\u0000-\\u001f]+$", description: "a URI (ipfs://..., https://...)" })),
    tokenId: Type.Optional(WeiSchema),
  },
  { additionalProperties: false },
);

export const NodeBodySchema = Type.Object(
  {
    wallet: AddressSchema,
    multiaddrs: Type.Array(Type.String({ minLength: 2, maxLength: 256, pattern: "^/[^\\s]+$", description: "a multiaddr (/ip4/...)" }), { maxItems: 16, uniqueItems: true }),
    resources: ResourcesSchema,
    prices: Type.Object({ perCpuSecondWei: WeiSchema, perGbWei: WeiSchema }, { additionalProperties: false }),
    runtimes: Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: "^[a-z0-9][a-z0-9._+-]*$", description: "a runtime name (lowercase)" }), { maxItems: 16, uniqueItems: true }),
    agentVersion: line(64, 1),
  },
  { additionalProperties: false },
);

export const JobBodySchema = Type.Object(
  {
    // exactly one of runtime and image (checked in recordProblems: a union would blur the error messages)
    runtime: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: "^[a-z0-9][a-z0-9._+-]*$", description: "a runtime name (lowercase)" })),
    image: Type.Optional(CidSchema),
    // an argv list, never a shell string: nothing on the provider parses it
    command: Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: 64 }),
    inputs: Type.Array(CidSchema, { maxItems: 64 }),
    resources: ResourcesSchema,
    maxPriceWei: WeiSchema,
    deadline: TimestampSchema,
    biddingWindowMs: Type.Integer({ minimum: 1000, maximum: 24 * 3600 * 1000 }),
  },
  { additionalProperties: false },
);

export const BidBodySchema = Type.Object(
  { jobId: RecordIdSchema, priceWei: WeiSchema, etaMs: Type.Integer({ minimum: 0, maximum: 365 * 24 * 3600 * 1000 }) },
  { additionalProperties: false },
);

export const JobStatusBodySchema = Type.Object(
  { jobId: RecordIdSchema, state: Type.Enum(JOB_STATES), detail: text(1000), resultCid: Type.Optional(CidSchema) },
  { additionalProperties: false },
);

export const RatingBodySchema = Type.Object(
  {
    target: Type.Object({ kind: Type.Enum(["prompt", "node"]), id: RecordIdSchema }, { additionalProperties: false }),
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
  },
  { additionalProperties: false },
);

const envelope = {
  id: RecordIdSchema,
  version: VersionSchema,
  owner: OwnerSchema,
  createdAt: Type.Optional(TimestampSchema),
  signature: Type.String({ pattern: "^[A-Za-z0-9_-]{86}$", description: "a 64-byte Ed25519 signature in unpadded base64url" }),
};

function live<K extends RecordKind, B extends TSchema>(kind: K, body: B) {
  // `deleted?: never` keeps `record.deleted` readable on every member of the union, for narrowing
  return Type.Object({ kind: Type.Literal(kind), ...envelope, body, deleted: Type.Optional(Type.Never()) }, { additionalProperties: false });
}

export const PromptRecordSchema = live("prompt", PromptBodySchema);
export const NodeRecordSchema = live("node", NodeBodySchema);
export const JobRecordSchema = live("job", JobBodySchema);
export const BidRecordSchema = live("bid", BidBodySchema);
export const JobStatusRecordSchema = live("jobStatus", JobStatusBodySchema);
export const RatingRecordSchema = live("rating", RatingBodySchema);

/** A delisting: wins or loses by the same version rule as any record, so a deletion propagates. */
export const TombstoneRecordSchema = Type.Object(
  {
    kind: RecordKindSchema,
    ...envelope,
    deleted: Type.Literal(true),
    body: Type.Optional(Type.Object({}, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const LIVE_SCHEMAS = {
  prompt: PromptRecordSchema,
  node: NodeRecordSchema,
  job: JobRecordSchema,
  bid: BidRecordSchema,
  jobStatus: JobStatusRecordSchema,
  rating: RatingRecordSchema,
} as const satisfies Record<RecordKind, TSchema>;

/** Every valid record shape. Checked stepwise in validate.ts, whose messages name the field. */
export const CatalogRecordSchema = Type.Union([
  PromptRecordSchema,
  NodeRecordSchema,
  JobRecordSchema,
  BidRecordSchema,
  JobStatusRecordSchema,
  RatingRecordSchema,
  TombstoneRecordSchema,
]);

export type PromptBody = Static<typeof PromptBodySchema>;
export type NodeBody = Static<typeof NodeBodySchema>;
export type JobBody = Static<typeof JobBodySchema>;
export type BidBody = Static<typeof BidBodySchema>;
export type JobStatusBody = Static<typeof JobStatusBodySchema>;
export type RatingBody = Static<typeof RatingBodySchema>;
export type JobState = JobStatusBody["state"];
export type Resources = Static<typeof ResourcesSchema>;

export type PromptRecord = Static<typeof PromptRecordSchema>;
export type NodeRecord = Static<typeof NodeRecordSchema>;
export type JobRecord = Static<typeof JobRecordSchema>;
export type BidRecord = Static<typeof BidRecordSchema>;
export type JobStatusRecord = Static<typeof JobStatusRecordSchema>;
export type RatingRecord = Static<typeof RatingRecordSchema>;
export type TombstoneRecord = Static<typeof TombstoneRecordSchema>;
export type LiveRecord = PromptRecord | NodeRecord | JobRecord | BidRecord | JobStatusRecord | RatingRecord;
export type CatalogRecord = LiveRecord | TombstoneRecord;
export type RecordOfKind<K extends RecordKind> = Extract<LiveRecord, { kind: K }>;
export type BodyOfKind<K extends RecordKind> = RecordOfKind<K>["body"];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a publisher fills in; signRecord adds `owner` and `signature`. */
export type UnsignedRecord = DistributiveOmit<CatalogRecord, "owner" | "signature">;
