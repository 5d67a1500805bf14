import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ContractFactory, getAddress, type InterfaceAbi, type Signer } from "ethers";
import Type, { type Static } from "typebox";
import Value from "typebox/value";
import { AscendError } from "../utils/errors.ts";
import { describeErrors } from "../utils/schema.ts";
import { writeFileAtomic } from "../utils/fs.ts";

export const CONTRACT_NAMES = ["PromptMarketplace", "ComputeRental"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface ContractArtifact {
  abi: InterfaceAbi;
  bytecode: string;
}
export type ContractArtifacts = Record<ContractName, ContractArtifact>;


const Address = Type.String({ pattern: "^0x[0-9a-fA-F]{40}$" });
const Seconds = Type.Integer({ minimum: 1 });
const DeployedContractSchema = Type.Object({ address: Address, abi: Type.Array(Type.Unknown()) });

/** What a deployment leaves behind, as written to `deployments/<chainId>.json`. */
export const DeploymentSchema = Type.Object({
  chainId: Type.Integer({ minimum: 1 }),
  /** the first block holding a deployment transaction: event followers start here */
  deployBlock: Type.Integer({ minimum: 0 }),
  deployer: Address,
  /** manages the fee recipient and the ERC-20 allow list of both contracts */
  owner: Address,
  feeRecipient: Address,
  /** seconds: PromptMarketplace's delivery window, ComputeRental's challenge window and dispute timeout */
  deliveryWindow: Seconds,
  challengeWindow: Seconds,
  disputeTimeout: Seconds,
  contracts: Type.Object({ PromptMarketplace: DeployedContractSchema, ComputeRental: DeployedContractSchema }),
});
export type Deployment = Omit<Static<typeof DeploymentSchema>, "contracts"> & { contracts: Record<ContractName, DeployedContract> };
export interface DeployedContract {
  address: string;
  abi: InterfaceAbi;
}

export interface DeployOptions {
  /** abi + bytecode of both contracts; default: the Hardhat build in `<repo>/artifacts` */
  artifacts?: ContractArtifacts;
  /** default: the deployer */
  owner?: string;
  /** default: the deployer */
  feeRecipient?: string;
  deliveryWindow?: number;
  challengeWindow?: number;
  disputeTimeout?: number;
}

export const DEFAULT_WINDOWS = { deliveryWindow: 24 * 3600, challengeWindow: 24 * 3600, disputeTimeout: 7 * 24 * 3600 } as const;

const REPO_ARTIFACTS = join(import.meta.dirname, "..", "..", "artifacts");

/** Reads both contracts' abi and bytecode from a Hardhat artifacts folder (run `hardhat build` first). */
export async function loadArtifacts(artifactsDir = REPO_ARTIFACTS): Promise<ContractArtifacts> {
  const read = async (name: ContractName): Promise<ContractArtifact> => {
    const path = join(artifactsDir, "contracts", `${name}.sol`, `${name}.json`);
    try {
      const { abi, bytecode } = JSON.parse(await readFile(path, "utf8")) as ContractArtifact;
      return { abi, bytecode };
    } catch (err) {
      throw new AscendError("CONFIG", `cannot read the ${name} build at ${path}: compile the contracts first (npx hardhat build)`, { cause: err });
    }
  };
  return { PromptMarketplace: await read("PromptMarketplace"), ComputeRental: await read("ComputeRental") };
}

/**
 * Deploys PromptMarketplace and ComputeRental with `signer` (the node's devnet, tests, and
 * `npm run deploy`) and returns what `writeDeployment` stores.
 */
export async function deployAll(signer: Signer, opts: DeployOptions = {}): Promise<Deployment> {
  const provider = signer.provider;
  if (!provider) throw new AscendError("CONFIG", "the deploying signer is not connected to a chain");
  const artifacts = opts.artifacts ?? (await loadArtifacts());
  const deployer = await signer.getAddress();
  const owner = getAddress(opts.owner ?? deployer);
  const feeRecipient = getAddress(opts.feeRecipient ?? deployer);
  const windows = {
    deliveryWindow: opts.deliveryWindow ?? DEFAULT_WINDOWS.deliveryWindow,
    challengeWindow: opts.challengeWindow ?? DEFAULT_WINDOWS.challengeWindow,
    disputeTimeout: opts.disputeTimeout ?? DEFAULT_WINDOWS.disputeTimeout,
  };
  // explicit nonces: ethers briefly caches the account's nonce, and a local chain mines at once
  let nonce = await signer.getNonce("pending");
  const deploy = async (name: ContractName, args: unknown[]) => {
    const { abi, bytecode } = artifacts[name];
    const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args, { nonce: nonce++ });
    const receipt = await contract.deploymentTransaction()!.wait();
    return { address: await contract.getAddress(), abi, block: receipt!.blockNumber };
  };
  const marketplace = await deploy("PromptMarketplace", [owner, feeRecipient, windows.deliveryWindow]);
  const rental = await deploy("ComputeRental", [owner, feeRecipient, windows.challengeWindow, windows.disputeTimeout]);
  return {
    chainId: Number((await provider.getNetwork()).chainId),
    deployBlock: Math.min(marketplace.block, rental.block),
    deployer,
    owner,
    feeRecipient,
    ...windows,
    contracts: {
      PromptMarketplace: { address: marketplace.address, abi: marketplace.abi },
      ComputeRental: { address: rental.address, abi: rental.abi },
    },
  };
}

export function deploymentPath(dir: string, chainId: number): string {
  return join(dir, `${chainId}.json`);
}

export async function writeDeployment(dir: string, deployment: Deployment): Promise<string> {
  const path = deploymentPath(dir, deployment.chainId);
  await mkdir(dir, { recursive: true });
  // addresses and ABIs are public: readable by anyone, like the rest of the repository
  await writeFileAtomic(path, JSON.stringify(deployment, null, 2) + "\n", 0o644);
  return path;
}

/** Reads `<dir>/<chainId>.json`; a missing or foreign file is a configuration error naming the path. */
export async function readDeployment(dir: string, chainId: number): Promise<Deployment> {
  const path = deploymentPath(dir, chainId);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new AscendError("CONFIG", `no contract deployment for chain ${chainId} at ${path} (npm run deploy -- --network <name>)`, { cause: err });
  }
  if (!Value.Check(DeploymentSchema, value)) throw new AscendError("CONFIG", `${path} is not a deployment: ${describeErrors(DeploymentSchema, value).join("; ")}`);
  const deployment = value as Deployment;
  if (deployment.chainId !== chainId) throw new AscendError("CONFIG", `${path} describes chain ${deployment.chainId}, not chain ${chainId}`);
  return deployment;
}
