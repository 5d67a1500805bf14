import { create, type KuboRPCClient } from "kubo-rpc-client";
import { AscendError, errorMessage } from "../../utils/errors.ts";
import type { Logger } from "../../utils/logger.ts";
import type { ContentStats, ContentStore, GetOptions } from "./types.ts";
import { CHUNK_BYTES, bounded, parseCid, readVerified } from "./verify.ts";

const PROBE_TIMEOUT_MS = 5_000;

/**
 * A Kubo daemon through its RPC API (`--ipfs-api`). Kubo runs its own libp2p node and network;
 * this node only asks it. Content is added with the settings the embedded store uses, so a CID is
 * the same whichever backend made it (up to 174 chunks, Kubo's links per node), and every `get`
 * is checked against the CID here rather than trusted to the daemon.
 */
export class KuboContentStore implements ContentStore {
  readonly backend = "kubo" as const;
  state: "ready" | "error" = "ready";
  private readonly client: KuboRPCClient;
  private readonly url: string;
  private readonly log: Logger;

  private constructor(url: string, log: Logger) {
    this.url = url;
    this.log = log;
    this.client = create({ url });
  }

  /** Connects and checks that the API answers; a daemon that is down leaves the store in `error`. */
  static async open(opts: { url: string; log: Logger }): Promise<KuboContentStore> {
    const store = new KuboContentStore(opts.url, opts.log);
    try {
      const version = await store.call(() => store.client.version({ signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }));
      opts.log.info({ module: "storage", url: opts.url, version: version.version }, "using the Kubo daemon for IPFS");
    } catch (err) {
      opts.log.warn({ module: "storage", url: opts.url }, errorMessage(err));
    }
    return store;
  }

  /** Runs a call to the daemon, tracking whether it answers and naming it when it does not. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.state = "ready";
      return result;
    } catch (err) {
      if (err instanceof AscendError) throw err;
      // Kubo answers refusals (bad CID, not pinned) with HTTP errors; only a dead socket means down
      const unreachable = /fetch failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|socket/i.test(errorMessage(err)) || (err as { name?: string }).name === "TimeoutError";
      if (unreachable) {
        this.state = "error";
        throw new AscendError("UNAVAILABLE", `the Kubo API at ${this.url} does not answer: ${errorMessage(err)}`, { cause: err });
      }
      throw err;
    }
  }

  add(bytes: Uint8Array, opts: { signal?: AbortSignal } = {}): Promise<string> {
    return this.call(async () => {
      const { cid } = await this.client.add(bytes, { cidVersion: 1, rawLeaves: true, chunker: `size-${CHUNK_BYTES}`, hashAlg: "sha2-256", pin: true, signal: opts.signal });
      return cid.toString();
    });
  }

  async get(cidText: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const cid = parseCid(cidText);
    return this.call(() => readVerified(cid, opts, (signal, length) => this.client.cat(cid, { signal, length })));
  }

  async pin(cidText: string, opts: GetOptions = {}): Promise<void> {
    const cid = parseCid(cidText);
    await this.call(() => bounded(cid, opts, (signal) => this.client.pin.add(cid, { signal })));
  }

  async unpin(cidText: string): Promise<void> {
    const cid = parseCid(cidText);
    if (await this.isPinned(cidText)) await this.call(() => this.client.pin.rm(cid));
  }

  async isPinned(cidText: string): Promise<boolean> {
    const cid = parseCid(cidText);
    return this.call(async () => {
      try {
        for await (const _ of this.client.pin.ls({ paths: cid, type: "recursive" })) return true;
        return false;
      } catch (err) {
        if (/not pinned/i.test(errorMessage(err))) return false;
        throw err;
      }
    });
  }

  async has(cidText: string): Promise<boolean> {
    const cid = parseCid(cidText);
    return this.call(async () => {
      try {
        // offline: a local look-up, not a search of Kubo's network
        await this.client.block.stat(cid, { searchParams: new URLSearchParams({ offline: "true" }), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        return true;
      } catch (err) {
        if (/not found|offline/i.test(errorMessage(err))) return false;
        throw err;
      }
    });
  }

  stats(): Promise<ContentStats> {
    return this.call(async () => {
      let pins = 0;
      for await (const _ of this.client.pin.ls({ type: "recursive" })) pins++;
      const repo = await this.client.repo.stat();
      return { backend: this.backend, pins, blocks: Number(repo.numObjects), bytes: Number(repo.repoSize) };
    });
  }

  async close(): Promise<void> {}
}
