export { StateStore, STATE_FILE, type NodeState } from "./cache.ts";
export { NodeSettingsSchema, type NodeSettings } from "./settings.ts";
