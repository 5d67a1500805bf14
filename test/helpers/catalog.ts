import { generateKeyPair } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { Wallet } from "ethers";
import { makeWalletProof } from "../../node-service/catalog/index.ts";
import type { NodeProcess } from "./node_process.ts";

export { promptBody, SAMPLE_CID } from "./listings.ts";

/** A fresh record author: libp2p key, PeerId, wallet and the proof that binds them, ready for signRecord. */
export async function catalogIdentity() {
  const privateKey = await generateKeyPair("Ed25519");
  const peerId = peerIdFromPrivateKey(privateKey).toString();
  const wallet = Wallet.createRandom();
  const walletProof = await makeWalletProof(wallet, peerId);
  return { privateKey, peerId, wallet, walletProof, keys: { privateKey, walletProof } };
}
export type CatalogIdentity = Awaited<ReturnType<typeof catalogIdentity>>;

export async function publish(node: NodeProcess, name: string, body: unknown): Promise<{ record: { id: string; version: number } }> {
  const res = await node.fetch("/api/catalog/records", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "prompt", name, body }) });
  const json = (await res.json()) as { record: { id: string; version: number }; error?: { message: string } };
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${json.error?.message}`);
  return json;
}

export async function digestOf(node: NodeProcess): Promise<{ digest: string; size: number }> {
  return (await (await node.fetch("/api/catalog/digest")).json()) as { digest: string; size: number };
}

/** Resolves once every node reports the same digest with `size` records; polls the API (digests carry no event). */
export async function converged(nodes: NodeProcess[], size: number, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: Array<{ digest: string; size: number }> = [];
  while (Date.now() < deadline) {
    last = await Promise.all(nodes.map(digestOf));
    if (last.every((d) => d.size === size && d.digest === last[0]!.digest)) return last[0]!.digest;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`catalogs did not converge on ${size} records: ${JSON.stringify(last)}`);
}
