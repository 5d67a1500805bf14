/**
 * The binding between a node's libp2p identity and its Ethereum wallet: the wallet signs (EIP-191)
 * a message naming both. Records carry the proof so anyone can check that the PeerId that signed a
 * listing is paid through that wallet.
 */
import { getAddress, verifyMessage } from "ethers";
import { AscendError } from "../utils/errors.ts";
import { BoundedCache } from "./lru.ts";
import type { Owner } from "./records.ts";

/** The exact text the wallet signs. Changing a byte invalidates every proof on the network. */
export function bindingMessage(peerId: string, wallet: string): string {
  return `AscendNet node binding\npeerId: ${peerId}\nwallet: ${getAddress(wallet)}`;
}

/** What makeWalletProof returns and signRecord puts in every record's `owner`. */
export type WalletProof = Owner;

export interface MessageSigner {
  readonly address: string;
  signMessage(message: string): Promise<string>;
}

/** Signs the binding once per (wallet, PeerId); the result is reused for every record the node signs. */
export async function makeWalletProof(wallet: MessageSigner, peerId: string): Promise<WalletProof> {
  const address = getAddress(wallet.address);
  const walletProof = (await wallet.signMessage(bindingMessage(peerId, address))).toLowerCase();
  return { peerId, wallet: address, walletProof };
}

// ecrecover in JavaScript takes milliseconds while the rest of a record's verification takes a
// fraction of one; a node signs all its records with one binding, so a few thousand entries cover
// the catch-up on a large catalog. Only successes are cached: a failure costs the sender, not us.
const verified = new BoundedCache<string, true>(4096);

/** Throws unless `owner.walletProof` is `owner.wallet`'s signature of the binding message. */
export function verifyWalletProof(owner: Owner): void {
  const key = `${owner.peerId} ${owner.wallet} ${owner.walletProof}`;
  if (verified.get(key)) return;
  let signer: string;
  try {
    signer = verifyMessage(bindingMessage(owner.peerId, owner.wallet), owner.walletProof);
  } catch (err) {
    throw new AscendError("BAD_REQUEST", `owner.walletProof is not a valid signature (${(err as Error).message.split(" (")[0]})`);
  }
  if (signer !== owner.wallet) {
    throw new AscendError("BAD_REQUEST", `owner.walletProof mismatch: the binding of ${owner.peerId} was signed by ${signer}, not by owner.wallet ${owner.wallet}`);
  }
  verified.set(key, true);
}

/** For benchmarks and tests that measure the uncached path. */
export function clearWalletProofCache(): void {
  verified.clear();
}
