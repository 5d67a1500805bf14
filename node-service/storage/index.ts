export { StateStore, STATE_FILE, type NodeState, type StoredBan } from "./cache.ts";
export { NodeSettingsSchema, type NodeSettings } from "./settings.ts";
export { HeliaContentStore, IPFS_DIR } from "./content/helia.ts";
export { KuboContentStore } from "./content/kubo.ts";
export { DEFAULT_GET_TIMEOUT_MS, DEFAULT_MAX_BYTES, type ContentStats, type ContentStore, type GetOptions } from "./content/types.ts";
export { contentCid, parseCid } from "./content/verify.ts";
