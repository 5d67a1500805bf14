import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { withBitswap } from "@helia/bitswap";
import { withLibp2pLight } from "@helia/libp2p";
import { unixfs, type UnixFS } from "@helia/unixfs";
import { FsBlockstore } from "blockstore-fs";
import { MemoryDatastore } from "datastore-core";
import { FsDatastore } from "datastore-fs";
import { createHeliaLight, type Helia } from "helia";
import type { AscendLibp2p, AscendLibp2pInit } from "../../p2p/index.ts";
import { AscendError, errorMessage } from "../../utils/errors.ts";
import { ensurePrivateDir } from "../../utils/fs.ts";
import type { Logger } from "../../utils/logger.ts";
import type { ContentStats, ContentStore, GetOptions } from "./types.ts";
import { IMPORT_SETTINGS, bounded, parseCid, readVerified } from "./verify.ts";

/** Where the embedded node keeps blocks (`blocks/`, one file each) and pins (`datastore/`). */
export const IPFS_DIR = "ipfs";

/**
 * IPFS inside the node: Helia with a filesystem blockstore and datastore, bitswap as the only way
 * blocks travel, over the mesh's own libp2p node (same PeerId, transports and gaters). Helia's
 * full defaults would add public gateways, delegated routing and public bootstrap peers: none of
 * that is configured, so content moves only between peers of the mesh.
 */
export class HeliaContentStore implements ContentStore {
  readonly backend = "helia" as const;
  readonly state = "ready" as const;
  private readonly helia: Helia & { libp2p: AscendLibp2p };
  private readonly fs: UnixFS;
  private readonly dir: string;
  private readonly closeStores: () => Promise<void>;

  private constructor(helia: Helia & { libp2p: AscendLibp2p }, dir: string, closeStores: () => Promise<void>) {
    this.helia = helia;
    this.fs = unixfs(helia);
    this.dir = dir;
    this.closeStores = closeStores;
  }

  /**
   * Opens the stores under `<dataDir>/ipfs/` and starts Helia, which creates and starts the libp2p
   * node from `init` (p2p/ decides those options; this module only adds bitswap on top).
   */
  static async open(opts: { dataDir: string; libp2p: AscendLibp2pInit; log: Logger }): Promise<HeliaContentStore> {
    const dir = join(opts.dataDir, IPFS_DIR);
    await ensurePrivateDir(dir);
    const blockstore = new FsBlockstore(join(dir, "blocks"));
    const datastore = new FsDatastore(join(dir, "datastore"));
    try {
      await blockstore.open();
      await datastore.open();
    } catch (err) {
      throw new AscendError("CONFIG", `the IPFS store in ${dir} cannot be opened: ${errorMessage(err)}`);
    }
    const closeStores = async () => {
      await blockstore.close();
      await datastore.close();
    };
    try {
      const light = createHeliaLight({ blockstore, datastore });
      // libp2p would otherwise keep its peer store in Helia's datastore; the mesh keeps it in
      // memory, as it does without IPFS, so that a restart does not redial yesterday's peers
      const helia = withBitswap(withLibp2pLight(light, { datastore: new MemoryDatastore(), ...opts.libp2p }));
      await helia.start();
      opts.log.info({ module: "storage", dir }, "embedded IPFS ready (bitswap over the mesh)");
      return new HeliaContentStore(helia, dir, closeStores);
    } catch (err) {
      await closeStores().catch(() => undefined);
      throw err;
    }
  }

  /** The libp2p node Helia created: the mesh runs on it. */
  get libp2p(): AscendLibp2p {
    return this.helia.libp2p;
  }

  async add(bytes: Uint8Array, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const cid = await this.fs.addBytes(bytes, { ...IMPORT_SETTINGS, signal: opts.signal });
    await this.pin(cid.toString(), { signal: opts.signal });
    return cid.toString();
  }

  async get(cidText: string, opts: GetOptions = {}): Promise<Uint8Array> {
    const cid = parseCid(cidText);
    // a block that fails its hash check is dropped and wanted again: tampered content times out
    return readVerified(cid, opts, (signal, length) => this.fs.cat(cid, { signal, length }));
  }

  async pin(cidText: string, opts: GetOptions = {}): Promise<void> {
    const cid = parseCid(cidText);
    if (await this.helia.pins.isPinned(cid)) return;
    await bounded(cid, opts, async (signal) => {
      for await (const _ of this.helia.pins.add(cid, { signal }));
    });
  }

  async unpin(cidText: string): Promise<void> {
    const cid = parseCid(cidText);
    if (!(await this.helia.pins.isPinned(cid))) return;
    for await (const _ of this.helia.pins.rm(cid));
  }

  async isPinned(cidText: string): Promise<boolean> {
    return this.helia.pins.isPinned(parseCid(cidText));
  }

  async has(cidText: string): Promise<boolean> {
    return this.helia.blockstore.has(parseCid(cidText));
  }

  async stats(): Promise<ContentStats> {
    let pins = 0;
    for await (const _ of this.helia.pins.ls()) pins++;
    let blocks = 0;
    let bytes = 0;
    const entries = await readdir(join(this.dir, "blocks"), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(".data")) continue;
      blocks++;
      bytes += (await stat(join(entry.parentPath, entry.name))).size;
    }
    return { backend: this.backend, pins, blocks, bytes };
  }

  async close(): Promise<void> {
    await this.helia.stop();
    await this.closeStores();
  }
}
