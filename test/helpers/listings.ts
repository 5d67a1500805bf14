// Prompt listing bodies for tests: plain data, so the in-editor e2e suite bundles it without libp2p or ethers.
import { createHash } from "node:crypto";

// a CIDv1 (raw, sha2-256) in base32: the shape a listing points at; the content itself is not fetched here
export const SAMPLE_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

export function promptBody(n: number, extra: Partial<Record<string, unknown>> = {}) {
  return {
    title: `Prompt number ${n}`,
    description: `A test listing, number ${n}, for catalog replication.`,
    tags: ["test", n % 2 ? "odd" : "even"],
    model: "gpt-5",
    price: String(1_000_000_000_000_000 + n),
    currency: "ETH",
    license: "single-user",
    preview: "Summarise ${selection} in three bullet points.",
    contentCid: SAMPLE_CID,
    contentHash: "0x" + createHash("sha256").update(`content ${n}`).digest("hex"),
    ...extra,
  };
}
