import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { EventBus, MAX_API_CONTENT_BYTES, startApiServer, type ApiServer, type ChainStatus, type Health, type SubsystemStateValue, type WalletInfo } from "./api/index.ts";
import { KeyManager } from "./auth/index.ts";
import { CATALOG_TOPIC, CatalogService, JOURNAL_FILE, makeWalletProof } from "./catalog/index.ts";
import { acquireLock, type HeldLock } from "./lockfile.ts";
import { startP2P, type P2PService } from "./p2p/index.ts";
import { DEFAULT_DEPLOYMENTS_DIR, PaymentsService } from "./payments/index.ts";
import { HeliaContentStore, KuboContentStore, StateStore, type ContentStore } from "./storage/index.ts";
import type { NodeConfig } from "./utils/config.ts";
import { AscendError, errorMessage } from "./utils/errors.ts";
import { ensurePrivateDir } from "./utils/fs.ts";
import { createLogger, type Logger, type NodeLogger } from "./utils/logger.ts";
import { NODE_VERSION } from "./version.ts";

export interface StartOptions {
  config: NodeConfig;
  password: string;
  /** write logs to the console as well as the file (the CLI does; a spawned node has no console) */
  console?: boolean;
  /** called when the node stops on its own (API shutdown request, fatal wallet error) */
  onStopped?: (exitCode: number) => void;
}

interface NodeParts {
  config: NodeConfig;
  p2p: P2PService;
  content: ContentStore;
  catalog: CatalogService;
  payments: PaymentsService;
  log: Logger;
  logs: NodeLogger;
  lock: HeldLock;
  keys: KeyManager;
  state: StateStore;
  events: EventBus;
}

const CHAIN_SUBSYSTEM: Record<ChainStatus["state"], SubsystemStateValue> = { off: "off", connecting: "starting", ready: "ready", unavailable: "error", error: "error" };

/**
 * One AscendNet node: takes the data directory's lock, loads keys and state, serves the local API,
 * then unlocks the wallet in the background. `stop()` undoes all of it in reverse order.
 */
export class AscendNode {
  private stopping: Promise<void> | undefined;
  private readonly startedAt = Date.now();

  private api: ApiServer | undefined;
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly keys: KeyManager;
  readonly state: StateStore;
  readonly events: EventBus;
  readonly p2p: P2PService;
  readonly content: ContentStore;
  readonly catalog: CatalogService;
  readonly payments: PaymentsService;
  private readonly logs: NodeLogger;
  private readonly lock: HeldLock;
  private readonly onStopped: ((code: number) => void) | undefined;

  private constructor(parts: NodeParts, onStopped: ((code: number) => void) | undefined) {
    ({ config: this.config, log: this.log, logs: this.logs, lock: this.lock, keys: this.keys, state: this.state, events: this.events, p2p: this.p2p, content: this.content, catalog: this.catalog, payments: this.payments } = parts);
    this.onStopped = onStopped;
  }

  static async start(opts: StartOptions): Promise<AscendNode> {
    const { config } = opts;
    await ensurePrivateDir(config.dataDir);
    await ensurePrivateDir(join(config.dataDir, "logs"));
    const events = new EventBus();
    const logs = createLogger({
      level: config.logLevel,
      dir: join(config.dataDir, "logs"),
      console: opts.console ?? true,
      onRecord: (record) => {
        if (events.size > 0) events.emit({ type: "log", record: { level: record.level, time: record.time, msg: record.msg, ...(record.module ? { module: record.module } : {}) } });
      },
    });
    const log = logs.logger;
    let lock: HeldLock | undefined;
    let p2p: P2PService | undefined;
    let content: ContentStore | undefined;
    try {
      lock = await acquireLock(config.dataDir, (old) =>
        log.warn({ module: "node", stalePid: old?.pid }, `replacing a stale lock file${old ? ` left by pid ${old.pid}` : ""}`),
      );
      const keys = await KeyManager.open(config.dataDir);
      if (keys.identityCreated) log.info({ module: "auth", peerId: keys.peerId }, "created a new node identity");
      const state = await StateStore.open(config.dataDir);
      p2p = await startP2P({
        privateKey: keys.identity.privateKey,
        host: config.p2pHost,
        port: config.p2pPort,
        announce: config.announce,
        bootstrap: config.bootstrap,
        mdns: config.mdns,
        agentVersion: `ascendnet/${NODE_VERSION}`,
        recordTopics: [CATALOG_TOPIC],
        log,
        allowPeers: config.allowPeers,
        denyPeers: config.denyPeers,
        bans: state.state.bans ?? [],
        saveBans: (bans) => state.setBans(bans),
        // embedded IPFS: Helia creates the mesh's libp2p node, so bitswap shares its PeerId and peers
        createNode: config.ipfsApi
          ? undefined
          : async (init) => {
              const helia = await HeliaContentStore.open({ dataDir: config.dataDir, libp2p: init, log });
              content = helia;
              return helia.libp2p;
            },
      }).catch((err: unknown) => {
        if (err instanceof AscendError) throw err;
        throw new AscendError("CONFIG", `the mesh cannot listen on ${config.p2pHost}:${config.p2pPort}: ${errorMessage(err)}`);
      });
      content ??= await KuboContentStore.open({ url: config.ipfsApi!, log });
      p2p.onPeerChange((c) => events.emit({ type: "peer", action: c.action, peer: c.peer }));
      const catalog = new CatalogService({
        p2p,
        log,
        journalPath: join(config.dataDir, JOURNAL_FILE),
        onMisbehaviour: (peer, points, reason) => {
          log.warn({ module: "catalog", peer }, `dropped from a peer: ${reason}`);
          p2p!.report(peer, points, reason);
        },
      });
      catalog.onChange((c) => events.emit({ type: "catalog", ...c }));
      await catalog.start();
      const payments = new PaymentsService({
        rpcUrl: config.chainRpc,
        chainId: config.chainId,
        deploymentsDir: config.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR,
        paymentToken: config.paymentToken,
        log,
        onStatus: (chain) => events.emit({ type: "chain", chain }),
      });
      const node = new AscendNode({ config, log, logs, lock, keys, state, events, p2p, content, catalog, payments }, opts.onStopped);
      await node.serve();
      node.unlockWallet(opts.password);
      return node;
    } catch (err) {
      log.error({ module: "node" }, errorMessage(err));
      await p2p?.stop().catch(() => undefined);
      await content?.close().catch(() => undefined);
      await lock?.release();
      await logs.close();
      throw err;
    }
  }

  private async serve(): Promise<void> {
    this.api = await startApiServer({
      log: this.log.child({ module: "api" }),
      token: this.lock.token,
      port: this.config.apiPort,
      services: {
        health: () => this.health(),
        events: this.events,
        handlers: {
          health: () => this.health(),
          getSettings: () => this.state.state.settings,
          updateSettings: async (patch) => {
            const settings = await this.state.updateSettings(patch);
            this.events.emit({ type: "settings", settings });
            return settings;
          },
          networkPeers: () => ({ peerId: this.p2p.peerId, addresses: this.p2p.addresses(), peers: this.p2p.peers(), bans: this.p2p.bans() }),
          dialPeer: async ({ multiaddr }) => ({ peerId: await this.p2p.dial(multiaddr) }),
          publishRecord: async (input) => ({ record: await this.catalog.publish(input) }),
          catalogDigest: () => ({ digest: this.catalog.store.digest(), size: this.catalog.store.size }),
          listPrompts: (query) => this.catalog.search.query(query),
          getPrompt: ({ id }) => {
            const hit = this.catalog.search.get(id);
            if (!hit) throw new AscendError("NOT_FOUND", `no prompt listing ${id}`);
            return hit;
          },
          wallet: () => this.walletInfo(),
          walletFaucet: () => this.payments.faucet(),
          addContent: async ({ data }) => {
            const bytes = Buffer.from(data, "base64");
            return { cid: await this.content.add(bytes), size: bytes.length };
          },
          getContent: async ({ cid, timeoutMs }) => {
            const bytes = await this.content.get(cid, { timeoutMs, maxBytes: MAX_API_CONTENT_BYTES });
            return { cid, size: bytes.length, pinned: await this.content.isPinned(cid), data: Buffer.from(bytes).toString("base64") };
          },
          shutdown: () => {
            setImmediate(() => void this.stop("requested through the API").then(() => this.onStopped?.(0)));
            return { stopping: true as const };
          },
        },
      },
    });
    await this.lock.publish(this.api.port, NODE_VERSION);
    this.log.info({ module: "node", port: this.api.port, peerId: this.keys.peerId, dataDir: this.config.dataDir, version: NODE_VERSION }, `API listening on http://127.0.0.1:${this.api.port}`);
  }

  private unlockWallet(password: string): void {
    this.keys.onWalletChange((wallet) => this.events.emit({ type: "wallet", wallet }));
    this.keys
      .startWallet(password)
      .then(async (signer) => {
        this.catalog.setSigningKeys({ privateKey: this.keys.identity.privateKey, walletProof: await makeWalletProof(signer, this.keys.peerId) });
        await this.announce(signer.address);
        this.payments.start(signer);
        return signer;
      })
      .then(
      (signer) => this.log.info({ module: "auth", address: signer.address }, "wallet ready"),
      (err: unknown) => {
        this.log.fatal({ module: "auth" }, errorMessage(err));
        // A node that cannot sign is of no use to its user and must not pretend otherwise.
        const code = err instanceof AscendError && err.code === "UNAUTHORIZED" ? 2 : 1;
        void this.stop("the wallet could not be opened").then(() => this.onStopped?.(code));
      },
    );
  }

  /**
   * Tells the mesh who this node is: its wallet (bound to the PeerId by the record's wallet proof),
   * addresses and machine. It offers no compute until the operator sets prices (compute provider).
   */
  private async announce(wallet: string): Promise<void> {
    const body = {
      wallet,
      multiaddrs: this.p2p.addresses().slice(0, 16),
      resources: { cpus: availableParallelism(), memoryMb: Math.floor(totalmem() / 2 ** 20), gpu: false, diskMb: 0 },
      prices: { perCpuSecondWei: "0", perGbWei: "0" },
      runtimes: [],
      agentVersion: `ascendnet/${NODE_VERSION}`,
    };
    await this.catalog.publish({ kind: "node", name: "node", body }).catch((err: unknown) => this.log.warn({ module: "catalog" }, `could not announce this node: ${errorMessage(err)}`));
  }

  get apiPort(): number {
    return this.api?.port ?? 0;
  }

  get token(): string {
    return this.lock.token;
  }

  health(): Health {
    const wallet = this.keys.wallet;
    return {
      version: NODE_VERSION,
      peerId: this.keys.peerId,
      wallet,
      chainId: this.payments.status.chainId,
      uptimeMs: Date.now() - this.startedAt,
      pid: process.pid,
      dataDir: this.config.dataDir,
      peers: this.p2p.peerCount,
      subsystems: {
        api: this.stopping ? "off" : "ready",
        wallet: wallet.state === "ready" ? "ready" : wallet.state === "error" ? "error" : "starting",
        p2p: this.stopping ? "off" : "ready",
        chain: CHAIN_SUBSYSTEM[this.payments.status.state],
        ipfs: this.stopping ? "off" : this.content.state,
      },
    };
  }

  private async walletInfo(): Promise<WalletInfo> {
    const chain = this.payments.status;
    let balances: WalletInfo["balances"] = null;
    let balancesError: string | undefined;
    if (chain.state === "ready") {
      try {
        balances = await this.payments.balances();
      } catch (err) {
        balancesError = errorMessage(err);
      }
    }
    // the status may have changed while the balances were read
    return { address: this.keys.wallet.address, chain: this.payments.status, balances, ...(balancesError ? { balancesError } : {}), faucet: this.payments.faucetAvailable };
  }

  /** Graceful stop: tell clients, close the API, release the lock, flush the log. Safe to call twice. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info({ module: "node", reason }, "stopping");
      this.events.emit({ type: "node.stopping", reason });
      try {
        await this.api?.close();
        this.payments.stop();
        await this.catalog.stop();
        await this.p2p.stop();
        await this.content.close();
      } finally {
        await this.lock.release();
        this.log.info({ module: "node" }, "stopped");
        await this.logs.close();
      }
    })();
    return this.stopping;
  }
}
