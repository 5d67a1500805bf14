import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { multiaddr } from "@multiformats/multiaddr";
import { parse as parseDotenv } from "dotenv";
import Type, { type Static } from "typebox";
import { AscendError, errorMessage } from "./errors.ts";
import { describeErrors } from "./schema.ts";

const port = (description: string) => Type.Integer({ minimum: 0, maximum: 65535, description });
const url = (description: string) => Type.String({ pattern: "^(https?|wss?)://[^\\s]+$", maxLength: 2048, description });

/** Every setting a node reads, with its meaning. The CLI's --help and the docs come from here. */
export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, description: "folder for keys, state, logs and the lock file" }),
    apiPort: port("local API port on 127.0.0.1 (0 picks a free one; the lock file records it)"),
    p2pPort: port("libp2p TCP listen port (0 picks a free one)"),
    p2pHost: Type.String({
      pattern: "^[0-9a-fA-F.:]+$",
      maxLength: 64,
      description: "IP address libp2p listens on; a loopback address keeps the node (and every peer it dials) on this machine",
    }),
    chainRpc: Type.Optional(url("Ethereum JSON-RPC URL (unset: no chain)")),
    chainId: Type.Optional(Type.Integer({ minimum: 1, description: "chain id the RPC must serve; another is refused (unset: whatever it serves)" })),
    deploymentsDir: Type.Optional(Type.String({ minLength: 1, description: "folder of <chainId>.json contract deployments (default: the one shipped with the program)" })),
    paymentToken: Type.Optional(Type.String({ pattern: "^0x[0-9a-fA-F]{40}$", description: "ERC-20 whose balance the wallet shows beside ETH" })),
    ipfsApi: Type.Optional(url("Kubo RPC API URL (unset: embedded IPFS)")),
    logLevel: Type.Union([Type.Literal("trace"), Type.Literal("debug"), Type.Literal("info"), Type.Literal("warn"), Type.Literal("error")], {
      description: "least severe level written to the logs",
    }),
    passwordFile: Type.Optional(Type.String({ minLength: 1, description: "file (mode 0600) holding the wallet keystore password" })),
    bootstrap: Type.Array(Type.String({ pattern: "^/", maxLength: 512 }), {
      maxItems: 64,
      description: "multiaddrs of peers to join through, with /p2p/<peerId> (comma-separated in the environment)",
    }),
    announce: Type.Array(Type.String({ pattern: "^/", maxLength: 512 }), { maxItems: 16, description: "multiaddrs to tell peers instead of the listen addresses" }),
    mdns: Type.Boolean({ description: "find peers on the local network by multicast DNS" }),
    allowPeers: Type.Array(Type.String({ pattern: "^[1-9A-HJ-NP-Za-km-z]{46,60}$" }), { maxItems: 256, description: "PeerIds never banned (comma-separated in the environment)" }),
    denyPeers: Type.Array(Type.String({ pattern: "^[1-9A-HJ-NP-Za-km-z]{46,60}$" }), { maxItems: 4096, description: "PeerIds always refused (comma-separated in the environment)" }),
  },
  { additionalProperties: false },
);
export type NodeConfig = Static<typeof ConfigSchema>;
export type ConfigKey = keyof NodeConfig;

export const DEFAULTS: NodeConfig = {
  dataDir: join(homedir(), ".ascendnet"),
  apiPort: 0,
  p2pPort: 0,
  p2pHost: "0.0.0.0",
  logLevel: "info",
  bootstrap: [],
  announce: [],
  mdns: true,
  allowPeers: [],
  denyPeers: [],
};

/** Environment variable for each key: ASCENDNET_DATA_DIR, ASCENDNET_API_PORT, ... */
export function envName(key: ConfigKey): string {
  return "ASCENDNET_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

const NUMERIC: ReadonlySet<ConfigKey> = new Set(["apiPort", "p2pPort", "chainId"]);
const LISTS: ReadonlySet<ConfigKey> = new Set(["bootstrap", "announce", "allowPeers", "denyPeers"]);
const BOOLEANS: ReadonlySet<ConfigKey> = new Set(["mdns"]);
const KEYS = Object.keys(ConfigSchema.properties) as ConfigKey[];

type Layer = Partial<Record<ConfigKey, unknown>>;

function fromVariables(vars: Record<string, string | undefined>): Layer {
  const layer: Layer = {};
  for (const key of KEYS) {
    const raw = vars[envName(key)];
    if (raw === undefined || raw === "") continue;
    layer[key] = NUMERIC.has(key) ? numberOrRaw(raw) : LISTS.has(key) ? splitList(raw) : BOOLEANS.has(key) ? boolOrRaw(raw) : raw;
  }
  return layer;
}

function splitList(raw: string): string[] {
  return raw
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

function boolOrRaw(raw: string): unknown {
  const v = raw.trim().toLowerCase();
  return ["true", "1", "yes", "on"].includes(v) ? true : ["false", "0", "no", "off"].includes(v) ? false : raw;
}

function numberOrRaw(raw: string): unknown {
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

function readJsonFile(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new AscendError("CONFIG", `cannot read config file ${path}: ${errorMessage(err)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("top level must be an object");
    return parsed as Layer;
  } catch (err) {
    throw new AscendError("CONFIG", `config file ${path} is not valid JSON (${errorMessage(err)}); fix or remove it`);
  }
}

function readDotenv(path: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new AscendError("CONFIG", `cannot read ${path}: ${errorMessage(err)}`);
  }
}

export interface ConfigSources {
  /** values given as command-line flags (highest precedence) */
  flags?: Layer;
  env?: Record<string, string | undefined>;
  /** the .env file to read; default `.env` in the working directory */
  dotenvPath?: string;
  /** the JSON config file; default `config.json` in the data directory */
  configPath?: string;
}

/**
 * Resolves the node's configuration: flags > environment > .env file > config file > defaults.
 * The data directory is resolved first because the default config file lives in it.
 * Throws CONFIG naming every bad field and where it came from.
 */
export function loadConfig(sources: ConfigSources = {}): NodeConfig {
  const flags = stripUndefined(sources.flags ?? {});
  const env = fromVariables(sources.env ?? process.env);
  const dotenv = fromVariables(readDotenv(resolve(sources.dotenvPath ?? ".env")));
  const early = { ...DEFAULTS, ...dotenv, ...env, ...flags };
  if (typeof early.dataDir !== "string" || early.dataDir === "") throw new AscendError("CONFIG", "dataDir must be a non-empty path");
  const configPath = resolve(sources.configPath ?? join(early.dataDir, "config.json"));
  const file = readJsonFile(configPath);

  const layers: Array<[string, Layer]> = [
    [`config file ${configPath}`, file],
    [".env", dotenv],
    ["environment", env],
    ["flags", flags],
  ];
  const merged: Layer = { ...DEFAULTS };
  const origin = new Map<ConfigKey, string>();
  for (const [name, layer] of layers) {
    for (const [k, v] of Object.entries(layer)) {
      merged[k as ConfigKey] = v;
      origin.set(k as ConfigKey, name);
    }
  }
  const problems = describeErrors(ConfigSchema, merged);
  if (problems.length > 0) {
    const where = (line: string) => {
      const key = KEYS.find((k) => line.startsWith(k + " ") || line.includes(`'${k}'`));
      return key && origin.has(key) ? `${line} (from ${origin.get(key)})` : line;
    };
    throw new AscendError("CONFIG", `invalid configuration: ${problems.map(where).join("; ")}`);
  }
  const config = merged as NodeConfig;
  config.dataDir = resolve(config.dataDir);
  checkMultiaddrs(config, origin);
  return config;
}

/** Multiaddrs that parse, and bootstrap entries that name the peer (/p2p/<peerId>) so the dial is authenticated. */
function checkMultiaddrs(config: NodeConfig, origin: Map<ConfigKey, string>): void {
  for (const key of ["bootstrap", "announce"] as const) {
    config[key].forEach((value, i) => {
      let ok = true;
      try {
        const ma = multiaddr(value);
        if (key === "bootstrap" && !ma.getComponents().some((c) => c.name === "p2p")) ok = false;
      } catch {
        ok = false;
      }
      if (!ok) {
        const need = key === "bootstrap" ? "a multiaddr ending in /p2p/<peerId>" : "a multiaddr";
        throw new AscendError("CONFIG", `invalid configuration: ${key}.${i} '${value}' is not ${need} (from ${origin.get(key) ?? "defaults"})`);
      }
    });
  }
}

function stripUndefined(layer: Layer): Layer {
  return Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined));
}

export function describeConfigKeys(): Array<{ key: ConfigKey; env: string; description: string }> {
  return KEYS.map((key) => {
    const s = ConfigSchema.properties[key] as { description?: string };
    return { key, env: envName(key), description: s.description ?? "" };
  });
}
