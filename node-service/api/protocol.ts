/**
 * The local API's contract: every route, body and event, defined once. The node validates with
 * these schemas at its edge; the extension imports the same module for its typed client.
 * Import only types and schemas from here: nothing in this file touches the node's internals.
 */
import Type, { type Static, type TSchema } from "typebox";
import { CatalogRecordSchema, RECORD_KINDS, RecordIdSchema } from "../catalog/records.ts";
import { MAX_SEARCH_LIMIT, SearchQuerySchema } from "../catalog/search.ts";
import { NodeSettingsSchema } from "../storage/settings.ts";
import { ChainStatusSchema, WalletBalancesSchema, type ChainStatus } from "../payments/status.ts";

export { ChainStatusSchema, WalletBalancesSchema, type ChainStatus };
/** the most listings one `listPrompts` call answers (its `limit`) */
export { MAX_SEARCH_LIMIT };

export const API_PREFIX = "/api";
/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export const ErrorBodySchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type ErrorBody = Static<typeof ErrorBodySchema>;

const SubsystemState = Type.Union([Type.Literal("starting"), Type.Literal("ready"), Type.Literal("off"), Type.Literal("error")]);
export type SubsystemStateValue = Static<typeof SubsystemState>;

export const WalletStatusSchema = Type.Object({
  address: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([Type.Literal("creating"), Type.Literal("unlocking"), Type.Literal("ready"), Type.Literal("error")]),
  error: Type.Optional(Type.String()),
});

/** GET /api/wallet: the wallet, its chain and (when the chain answers) its balances. */
export const WalletInfoSchema = Type.Object({
  address: Type.Union([Type.String(), Type.Null()]),
  chain: ChainStatusSchema,
  balances: Type.Union([WalletBalancesSchema, Type.Null()]),
  /** why there are no balances, when there are none */
  balancesError: Type.Optional(Type.String()),
  /** the local development chain's faucet can fund this wallet */
  faucet: Type.Boolean(),
});
export type WalletInfo = Static<typeof WalletInfoSchema>;

export const HealthSchema = Type.Object({
  version: Type.String(),
  peerId: Type.String(),
  wallet: WalletStatusSchema,
  chainId: Type.Union([Type.Integer(), Type.Null()]),
  uptimeMs: Type.Integer({ minimum: 0 }),
  pid: Type.Integer(),
  dataDir: Type.String(),
  peers: Type.Integer({ minimum: 0 }),
  subsystems: Type.Object({
    api: SubsystemState,
    wallet: SubsystemState,
    p2p: SubsystemState,
    chain: SubsystemState,
    ipfs: SubsystemState,
  }),
});
export type Health = Static<typeof HealthSchema>;

export const PeerInfoSchema = Type.Object({
  peerId: Type.String(),
  addresses: Type.Array(Type.String()),
  latencyMs: Type.Union([Type.Number(), Type.Null()]),
  score: Type.Number(),
  agentVersion: Type.Union([Type.String(), Type.Null()]),
  since: Type.Integer(),
});
export type PeerInfo = Static<typeof PeerInfoSchema>;

export const NetworkPeersSchema = Type.Object({
  peerId: Type.String(),
  /** addresses other nodes can bootstrap from, each ending in /p2p/<peerId> */
  addresses: Type.Array(Type.String()),
  peers: Type.Array(PeerInfoSchema),
  /** peers this node refuses for misbehaviour, until the time given */
  bans: Type.Array(Type.Object({ peerId: Type.String(), until: Type.Integer(), reason: Type.String() })),
});

export const PublishRecordSchema = Type.Object(
  {
    kind: Type.Enum(RECORD_KINDS),
    /** local name: the record id becomes `<peerId>:<name>` */
    name: Type.String({ minLength: 1, maxLength: 64 }),
    body: Type.Optional(Type.Unknown()),
    deleted: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export const RecordResponseSchema = Type.Object({ record: CatalogRecordSchema });
export const CatalogDigestSchema = Type.Object({ digest: Type.String(), size: Type.Integer({ minimum: 0 }) });
/** One listing as search answers it: the signed record and its rating summary. */
export const PromptHitSchema = Type.Object({
  record: CatalogRecordSchema,
  rating: Type.Object({ count: Type.Integer(), average: Type.Union([Type.Number(), Type.Null()]) }),
  score: Type.Optional(Type.Number()),
});
export type PromptHit = Static<typeof PromptHitSchema>;
export const PromptListSchema = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  items: Type.Array(PromptHitSchema),
});
export const GetPromptSchema = Type.Object({ id: RecordIdSchema }, { additionalProperties: false });

export const DialSchema = Type.Object({ multiaddr: Type.String({ pattern: "^/", maxLength: 512, description: "a multiaddr ending in /p2p/<peerId>" }) }, { additionalProperties: false });
export const DialResultSchema = Type.Object({ peerId: Type.String() });

export const SettingsSchema = NodeSettingsSchema;
export type Settings = Static<typeof SettingsSchema>;

export const ShutdownSchema = Type.Object({ stopping: Type.Literal(true) });

/**
 * Content through the local API travels as base64 inside JSON, so it fits the 64 KiB body limit:
 * enough for a prompt. Larger content (compute inputs and outputs) stays inside the node.
 */
export const MAX_API_CONTENT_BYTES = 47 * 1024;
const Base64 = (description: string) => Type.String({ pattern: "^[A-Za-z0-9+/]*={0,2}$", maxLength: 4 * Math.ceil(MAX_API_CONTENT_BYTES / 3), description });
export const AddContentSchema = Type.Object({ data: Base64(`the bytes, base64 (at most ${MAX_API_CONTENT_BYTES} bytes)`) }, { additionalProperties: false });
export const ContentRefSchema = Type.Object({ cid: Type.String(), size: Type.Integer({ minimum: 0 }) });
export const GetContentQuerySchema = Type.Object(
  {
    cid: Type.String({ minLength: 1, maxLength: 512, description: "CID of the content" }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, description: "how long to look for it among connected peers (default 30000)" })),
  },
  { additionalProperties: false },
);
export const ContentSchema = Type.Object({ cid: Type.String(), size: Type.Integer({ minimum: 0 }), pinned: Type.Boolean(), data: Base64("the bytes, base64") });

interface RouteDef {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  /** JSON body (POST, PATCH) */
  body?: TSchema;
  /** query string (GET); the handler receives it as its input */
  query?: TSchema;
  response: TSchema;
}

/** Every HTTP route of the local API. The server registers from this table; the client calls by key. */
export const Routes = {
  health: { method: "GET", path: "/api/health", response: HealthSchema },
  getSettings: { method: "GET", path: "/api/settings", response: SettingsSchema },
  updateSettings: { method: "PATCH", path: "/api/settings", body: SettingsSchema, response: SettingsSchema },
  shutdown: { method: "POST", path: "/api/node/shutdown", response: ShutdownSchema },
  networkPeers: { method: "GET", path: "/api/network/peers", response: NetworkPeersSchema },
  dialPeer: { method: "POST", path: "/api/network/dial", body: DialSchema, response: DialResultSchema },
  publishRecord: { method: "POST", path: "/api/catalog/records", body: PublishRecordSchema, response: RecordResponseSchema },
  catalogDigest: { method: "GET", path: "/api/catalog/digest", response: CatalogDigestSchema },
  listPrompts: { method: "GET", path: "/api/prompts/list", query: SearchQuerySchema, response: PromptListSchema },
  getPrompt: { method: "GET", path: "/api/prompts/get", query: GetPromptSchema, response: PromptHitSchema },
  wallet: { method: "GET", path: "/api/wallet", response: WalletInfoSchema },
  walletFaucet: { method: "POST", path: "/api/wallet/faucet", response: WalletBalancesSchema },
  addContent: { method: "POST", path: "/api/content", body: AddContentSchema, response: ContentRefSchema },
  getContent: { method: "GET", path: "/api/content", query: GetContentQuerySchema, response: ContentSchema },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof Routes;
type Def<K extends RouteName> = (typeof Routes)[K];
export type RouteBody<K extends RouteName> = Def<K> extends { body: infer B extends TSchema }
  ? Static<B>
  : Def<K> extends { query: infer Q extends TSchema }
    ? Static<Q>
    : undefined;
export type RouteResponse<K extends RouteName> = Static<Def<K>["response"]>;

export const LogRecordSchema = Type.Object({
  level: Type.Union([Type.Literal("trace"), Type.Literal("debug"), Type.Literal("info"), Type.Literal("warn"), Type.Literal("error"), Type.Literal("fatal")]),
  time: Type.Number(),
  msg: Type.String(),
  module: Type.Optional(Type.String()),
});

/** Everything the node pushes on the WebSocket `/api/events`; `hello` comes first on every connection. */
export type LogRecord = Static<typeof LogRecordSchema>;

export const NodeEventSchema = Type.Union([
  Type.Object({ type: Type.Literal("hello"), health: HealthSchema }),
  Type.Object({ type: Type.Literal("wallet"), wallet: WalletStatusSchema }),
  Type.Object({ type: Type.Literal("chain"), chain: ChainStatusSchema }),
  Type.Object({ type: Type.Literal("settings"), settings: SettingsSchema }),
  Type.Object({ type: Type.Literal("log"), record: LogRecordSchema }),
  Type.Object({ type: Type.Literal("peer"), action: Type.Union([Type.Literal("connected"), Type.Literal("updated"), Type.Literal("disconnected")]), peer: PeerInfoSchema }),
  Type.Object({ type: Type.Literal("node.stopping"), reason: Type.String() }),
  Type.Object({
    type: Type.Literal("catalog"),
    action: Type.Union([Type.Literal("added"), Type.Literal("updated"), Type.Literal("deleted")]),
    kind: Type.Enum(RECORD_KINDS),
    id: Type.String(),
    version: Type.Integer(),
  }),
]);
export type NodeEvent = Static<typeof NodeEventSchema>;
export type NodeEventType = NodeEvent["type"];
export const EVENTS_PATH = "/api/events";

/**
 * The lock file `node.lock` in the data directory (mode 0600): how the editor and the CLI find a
 * running node and the token it demands.
 */
export const LockFileSchema = Type.Object({
  pid: Type.Integer({ minimum: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  token: Type.String({ minLength: 32 }),
  version: Type.String(),
  startedAt: Type.String(),
});
export type LockFile = Static<typeof LockFileSchema>;
export const LOCK_FILE = "node.lock";
