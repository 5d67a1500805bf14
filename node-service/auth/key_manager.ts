import { Wallet } from "ethers";
import { AscendError, errorMessage } from "../utils/errors.ts";
import { loadOrCreateIdentity, type PeerIdentity } from "./identity.ts";
import { readKeystoreAddress, unlockKeystore, writeKeystore, type WalletSigner } from "./wallet.ts";

export type WalletState = "creating" | "unlocking" | "ready" | "error";
export interface WalletStatus {
  /** null until the keystore is safely on disk: an address is never shown for a key that could be lost */
  address: string | null;
  state: WalletState;
  error?: string;
}

/**
 * Holds the node's two keys: the libp2p identity (PeerId) and the Ethereum wallet. Both live under
 * the data directory, mode 0600, and never leave this object except as signatures and public ids.
 */
export class KeyManager {
  private status: WalletStatus;
  private signerValue: WalletSigner | undefined;
  private readonly listeners = new Set<(s: WalletStatus) => void>();

  readonly dataDir: string;
  readonly identity: PeerIdentity;
  readonly identityCreated: boolean;

  private constructor(dataDir: string, identity: PeerIdentity, identityCreated: boolean, storedAddress: string | undefined) {
    this.dataDir = dataDir;
    this.identity = identity;
    this.identityCreated = identityCreated;
    this.status = storedAddress ? { address: storedAddress, state: "unlocking" } : { address: null, state: "creating" };
  }

  /** Loads (or creates) the identity and reads the wallet's public address; fails fast on corrupt files. */
  static async open(dataDir: string): Promise<KeyManager> {
    const { identity, created } = await loadOrCreateIdentity(dataDir);
    const address = await readKeystoreAddress(dataDir);
    return new KeyManager(dataDir, identity, created, address);
  }

  get peerId(): string {
    return this.identity.peerId;
  }

  get wallet(): WalletStatus {
    return { ...this.status };
  }

  onWalletChange(listener: (s: WalletStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Unlocks the stored keystore, or creates and stores a new wallet on first start. Takes about a
   * second and a half (scrypt), so the node serves its API meanwhile and reports the state.
   */
  async startWallet(password: string): Promise<WalletSigner> {
    try {
      let signer: WalletSigner;
      if (this.status.state === "creating") {
        const fresh = Wallet.createRandom();
        await writeKeystore(this.dataDir, fresh, password);
        signer = fresh;
      } else {
        signer = await unlockKeystore(this.dataDir, password);
      }
      this.signerValue = signer;
      this.setStatus({ address: signer.address, state: "ready" });
      return signer;
    } catch (err) {
      this.setStatus({ address: this.status.address, state: "error", error: errorMessage(err) });
      throw err;
    }
  }

  /** The unlocked wallet, for the payments module. */
  signer(): WalletSigner {
    if (!this.signerValue) throw new AscendError("UNAVAILABLE", `the wallet is not ready (${this.status.state})`);
    return this.signerValue;
  }

  private setStatus(next: WalletStatus): void {
    this.status = next;
    for (const l of this.listeners) l({ ...next });
  }
}
