import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDeployment } from "../../node-service/payments/index.ts";
import { tempDir } from "../helpers/node_process.ts";

const address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const deployment = (over: Record<string, unknown> = {}) => ({
  chainId: 31337,
  deployBlock: 1,
  deployer: address,
  owner: address,
  feeRecipient: address,
  deliveryWindow: 86400,
  challengeWindow: 86400,
  disputeTimeout: 604800,
  contracts: { PromptMarketplace: { address, abi: [] }, ComputeRental: { address, abi: [] } },
  ...over,
});

describe("contract deployments on disk", () => {
  const dir = tempDir("ascendnet-deployments-");
  after(() => dir.remove());
  const write = (name: string, value: unknown) => writeFileSync(join(dir.path, name), JSON.stringify(value));

  it("reads the deployment of the chain asked for", async () => {
    write("31337.json", deployment());
    const read = await readDeployment(dir.path, 31337);
    assert.equal(read.contracts.ComputeRental.address, address);
  });

  it("says how to deploy when there is no deployment for the chain", async () => {
    await assert.rejects(readDeployment(dir.path, 5), /no contract deployment for chain 5 at .*5\.json \(npm run deploy/);
  });

  it("names the field of a damaged file and refuses a file of another chain", async () => {
    write("1.json", deployment({ chainId: 1, contracts: { PromptMarketplace: { address: "nope", abi: [] }, ComputeRental: { address, abi: [] } } }));
    await assert.rejects(readDeployment(dir.path, 1), /1\.json is not a deployment: contracts\.PromptMarketplace\.address must match/);
    write("10.json", deployment());
    await assert.rejects(readDeployment(dir.path, 10), /describes chain 31337, not chain 10/);
  });
});
