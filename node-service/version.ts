// Replaced at bundle time with the package version; the fallback serves tests run from source.
declare const __ASCENDNET_VERSION__: string | undefined;
export const NODE_VERSION = typeof __ASCENDNET_VERSION__ === "string" ? __ASCENDNET_VERSION__ : "0.0.0-dev";
