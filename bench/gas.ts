// Gas of each contract operation on an in-process Hardhat chain (ETH payments, deterministic).
// Each operation runs ROUNDS times on fresh prompts, purchases and jobs; the figure quoted is the
// most expensive round (the first listing, for one, also initialises the prompt counter).
// Goals: buy + deliverKey <= 150k, lock + submitResult + confirm <= 200k.
import hre from "hardhat";
import type { Contract } from "ethers";
import { printTable } from "./_stats.ts";

const ROUNDS = 3;
const DAY = 24 * 3600;
const PUBLIC_KEY = "0x04" + "ab".repeat(64); // uncompressed secp256k1 key
const SEALED_KEY = "0x" + "cd".repeat(113); // ECIES of a 32-byte key: 65 + 16 + 32 bytes
const URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/listing.json";

await hre.tasks.getTask("build").run({ quiet: true });
const { ethers, provider } = await hre.network.create();
const [owner, feeRecipient, seller, ...buyers] = await ethers.getSigners();
const market = await ethers.deployContract("PromptMarketplace", [owner!.address, feeRecipient!.address, DAY]);
const rental = await ethers.deployContract("ComputeRental", [owner!.address, feeRecipient!.address, DAY, 7 * DAY]);

const samples: Record<string, number[]> = {};
async function measure(name: string, contract: Contract, signer: (typeof buyers)[number], method: string, ...args: unknown[]): Promise<void> {
  const response = await (contract.connect(signer) as Contract).getFunction(method)(...args);
  const receipt = await response.wait();
  (samples[name] ??= []).push(Number(receipt!.gasUsed));
}
const now = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
const price = 10n ** 16n;

for (let round = 0; round < ROUNDS; round++) {
  const buyer = buyers[round]!;
  const promptId = BigInt(round + 1);
  await measure("list", market, seller!, "list", ethers.ZeroAddress, price, URI, ethers.id(`prompt ${round}`));
  await measure("buy", market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: price });
  await measure("deliver_key", market, seller!, "deliverKey", await market.getFunction("purchaseIdOf")(promptId, buyer.address), SEALED_KEY);
  await measure("rate", market, buyer, "rate", promptId, 4);

  const jobHash = ethers.id(`job ${round}`);
  const jobId = await rental.getFunction("jobIdOf")(buyer.address, jobHash);
  await measure("lock", rental, buyer, "lock", seller!.address, ethers.ZeroAddress, price, (await now()) + DAY, jobHash, { value: price });
  await measure("submit_result", rental, seller!, "submitResult", jobId, ethers.id(`result ${round}`));
  await measure("confirm", rental, buyer, "confirm", jobId);

  const unsold = ethers.id(`job ${round} abandoned`);
  await rental.connect(buyer).getFunction("lock")(seller!.address, ethers.ZeroAddress, price, (await now()) + 60, unsold, { value: price });
  await provider.request({ method: "evm_increaseTime", params: [61] });
  await measure("refund", rental, buyer, "refund", await rental.getFunction("jobIdOf")(buyer.address, unsold));

  await market.connect(seller!).getFunction("list")(ethers.ZeroAddress, price, URI, ethers.id(`unsold ${round}`));
  const unsoldPrompt = await market.getFunction("promptCount")();
  await market.connect(buyer).getFunction("buy")(unsoldPrompt, 1, PUBLIC_KEY, { value: price });
  await provider.request({ method: "evm_increaseTime", params: [DAY + 1] });
  await measure("purchase_refund", market, buyer, "refund", await market.getFunction("purchaseIdOf")(unsoldPrompt, buyer.address));
}

const worst = (name: string) => Math.max(...samples[name]!);
printTable(
  `Gas per operation (${ROUNDS} rounds, ETH payments)`,
  Object.entries(samples).map(([op, gas]) => ({ op, min: Math.min(...gas), max: Math.max(...gas) })),
);
const buyPlusDeliver = worst("buy") + worst("deliver_key");
const jobLifecycle = worst("lock") + worst("submit_result") + worst("confirm");
printTable("Goals", [
  { flow: "buy + deliverKey", gas: buyPlusDeliver, goal: 150_000, met: buyPlusDeliver <= 150_000 ? "yes" : "NO" },
  { flow: "lock + submitResult + confirm", gas: jobLifecycle, goal: 200_000, met: jobLifecycle <= 200_000 ? "yes" : "NO" },
]);
console.log(
  JSON.stringify({
    bench: "gas",
    list: worst("list"),
    buy: worst("buy"),
    deliver_key: worst("deliver_key"),
    rate: worst("rate"),
    lock: worst("lock"),
    submit_result: worst("submit_result"),
    confirm: worst("confirm"),
    refund: worst("refund"),
    buy_plus_deliver: buyPlusDeliver,
    job_lifecycle: jobLifecycle,
  }),
);
