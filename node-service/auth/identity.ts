import { readFile, stat, chmod } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import type { PrivateKey } from "@libp2p/interface";
import { AscendError, errorMessage } from "../utils/errors.ts";
import { writeFileAtomic } from "../utils/fs.ts";

export const IDENTITY_FILE = "identity.key";

export interface PeerIdentity {
  privateKey: PrivateKey;
  peerId: string;
}

/** Refuses key files that others can read: a key that leaked is not a key. Tightens group bits quietly. */
export async function assertPrivateFile(path: string): Promise<void> {
  const st = await stat(path);
  if ((st.mode & 0o077) !== 0) {
    await chmod(path, 0o600);
  }
}

/** Loads the node's libp2p Ed25519 identity, creating it on first start. The PeerId stays stable across restarts. */
export async function loadOrCreateIdentity(dataDir: string): Promise<{ identity: PeerIdentity; created: boolean }> {
  const path = join(dataDir, IDENTITY_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new AscendError("STATE_CORRUPT", `cannot read ${path}: ${errorMessage(err)}`);
    }
  }
  if (bytes === undefined) {
    const privateKey = await generateKeyPair("Ed25519");
    await writeFileAtomic(path, privateKeyToProtobuf(privateKey), 0o600);
    return { identity: { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }, created: true };
  }
  await assertPrivateFile(path);
  try {
    const privateKey = privateKeyFromProtobuf(bytes);
    if (privateKey.type !== "Ed25519") throw new Error(`expected an Ed25519 key, found ${privateKey.type}`);
    return { identity: { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }, created: false };
  } catch (err) {
    throw new AscendError(
      "STATE_CORRUPT",
      `the node identity ${path} is unreadable (${errorMessage(err)}). Restore it from a backup to keep this PeerId, ` +
        `or move it away to start with a new identity.`,
    );
  }
}
