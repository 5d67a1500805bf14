export { startApiServer, type ApiServer, type ApiServices } from "./server.ts";
export { EventBus } from "./events.ts";
export * from "./protocol.ts";
export { readLock, isLockLive, isProcessAlive, lockPath } from "./discovery.ts";
