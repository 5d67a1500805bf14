// `npm run deploy -- --network <name>`: compiles, deploys PromptMarketplace and ComputeRental to a
// network of hardhat.config.ts (default `localhost`, a node at 127.0.0.1:8545) with its first
// account, and writes deployments/<chainId>.json (addresses, deploy block, ABIs) for the node.
// Options: --fee-recipient <address> --owner <address> (both default to the deployer).
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isAddress } from "ethers";
import hre from "hardhat";
import { deployAll, writeDeployment, type ContractArtifacts } from "../node-service/payments/index.ts";

const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { network: { type: "string", default: "localhost" }, "fee-recipient": { type: "string" }, owner: { type: "string" } },
});

await hre.tasks.getTask("build").run({ quiet: true });
const artifacts = {} as ContractArtifacts;
for (const name of ["PromptMarketplace", "ComputeRental"] as const) {
  const { abi, bytecode } = await hre.artifacts.readArtifact(name);
  artifacts[name] = { abi: abi as ContractArtifacts[typeof name]["abi"], bytecode };
}
const { ethers } = await hre.network.create(values.network);
const [signer] = await ethers.getSigners();
if (!signer) throw new Error(`network ${values.network} has no account to deploy with`);
const address = (flag: string, value: string | undefined) => {
  if (value === undefined || isAddress(value)) return value;
  console.error(`--${flag} ${value} is not an address (a mixed-case address must carry a valid checksum)`);
  process.exit(2);
};
const deployment = await deployAll(signer, { artifacts, feeRecipient: address("fee-recipient", values["fee-recipient"]), owner: address("owner", values.owner) });
const path = await writeDeployment(join(root, "deployments"), deployment);
console.log(`deployed on chain ${deployment.chainId} at block ${deployment.deployBlock}:`);
for (const [name, { address }] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(18)} ${address}`);
console.log(`wrote ${path}`);
