export { StateStore, STATE_FILE, type NodeState, type StoredBan } from "./cache.ts";
export { NodeSettingsSchema, type NodeSettings } from "./settings.ts";
