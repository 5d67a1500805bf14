// The catalog's public interface: records and their schemas, signing, the replica, search.
export {
  MAX_RECORD_BYTES,
  RECORD_KINDS,
  JOB_STATES,
  CatalogRecordSchema,
  PromptBodySchema,
  NodeBodySchema,
  JobBodySchema,
  BidBodySchema,
  JobStatusBodySchema,
  RatingBodySchema,
  type RecordKind,
  type CatalogRecord,
  type LiveRecord,
  type TombstoneRecord,
  type UnsignedRecord,
  type RecordOfKind,
  type BodyOfKind,
  type Owner,
  type PromptRecord,
  type NodeRecord,
  type JobRecord,
  type BidRecord,
  type JobStatusRecord,
  type RatingRecord,
  type PromptBody,
  type NodeBody,
  type JobBody,
  type BidBody,
  type JobStatusBody,
  type RatingBody,
  type JobState,
  type Resources,
} from "./records.ts";
export { ownedId, ratingId, bidId, jobStatusId, recordKey, parseRecordKey } from "./ids.ts";
export { makeWalletProof, bindingMessage, type WalletProof, type MessageSigner } from "./wallet_proof.ts";
export { signRecord, verifyRecord, decodeRecord, encodeRecord, recordHash, isVerified, type VerifiedRecord, type SigningKeys } from "./signing.ts";
export { CatalogStore, compareRecords, type CatalogStoreOptions, type ApplyResult, type ApplySummary, type ChangeListener } from "./store.ts";
export { BUCKET_COUNT, SyncEntrySchema, BucketDigestsSchema, BucketIndexSchema, type SyncEntry } from "./buckets.ts";
export { CatalogSearch, SearchQuerySchema, SEARCH_SORTS, MAX_SEARCH_LIMIT, MAX_SEARCH_OFFSET, DEFAULT_SEARCH_LIMIT, type SearchQuery, type SearchSort, type SearchHit, type SearchResult, type RatingSummary } from "./search.ts";
export { CatalogService, type CatalogChange } from "./service.ts";
export { CATALOG_TOPIC, SYNC_PROTOCOL } from "./replicator.ts";
export { JOURNAL_FILE } from "./journal.ts";
