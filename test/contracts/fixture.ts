// An in-process Hardhat chain with both contracts deployed, and the helpers the contract tests share.
import assert from "node:assert/strict";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Contract, ContractTransactionReceipt, Interface } from "ethers";

export type Signer = HardhatEthersSigner;
export const ETH = "0x0000000000000000000000000000000000000000";
export const DAY = 24 * 3600;
export const PUBLIC_KEY = "0x04" + "ab".repeat(64);
export const SEALED_KEY = "0x" + "cd".repeat(113);

let built: Promise<void> | undefined;

/** A fresh chain (its own state) with the contracts compiled once per run. */
export async function freshChain() {
  built ??= hre.tasks.getTask("build").run({ quiet: true }) as Promise<void>;
  await built;
  const { ethers, provider } = await hre.network.create();
  const [owner, feeRecipient, alice, bob, carol, mallory] = (await ethers.getSigners()) as Signer[];
  const market = await ethers.deployContract("PromptMarketplace", [owner!.address, feeRecipient!.address, DAY]);
  const rental = await ethers.deployContract("ComputeRental", [owner!.address, feeRecipient!.address, DAY, 7 * DAY]);
  return {
    ethers,
    provider,
    owner: owner!,
    feeRecipient: feeRecipient!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    mallory: mallory!,
    market,
    rental,
    /** moves the chain's clock forward and mines a block */
    async increaseTime(seconds: number): Promise<void> {
      await provider.request({ method: "evm_increaseTime", params: [seconds] });
      await provider.request({ method: "evm_mine", params: [] });
    },
    async now(): Promise<number> {
      return (await ethers.provider.getBlock("latest"))!.timestamp;
    },
    balance: (address: string) => ethers.provider.getBalance(address),
    deploy: (name: string, args: unknown[] = []) => ethers.deployContract(name, args),
  };
}
export type Chain = Awaited<ReturnType<typeof freshChain>>;

/** Sends `method` on `contract` as `signer` and returns the mined receipt. */
export async function send(contract: Contract, signer: Signer, method: string, ...args: unknown[]): Promise<ContractTransactionReceipt> {
  const response = await (contract.connect(signer) as Contract).getFunction(method)(...args);
  return (await response.wait())!;
}

export function view<T>(contract: Contract, method: string, ...args: unknown[]): Promise<T> {
  return contract.getFunction(method)(...args) as Promise<T>;
}

/** What `signer` paid in gas for a receipt, so balance checks are exact to the wei. */
export function gasCost(receipt: ContractTransactionReceipt): bigint {
  return receipt.gasUsed * receipt.gasPrice;
}

/** Asserts the call reverts with the custom error `name` (decoded with `iface`), and its args if given. */
export async function rejectsWith(call: Promise<unknown>, iface: Interface, name: string, args?: unknown[]): Promise<void> {
  let error: unknown;
  try {
    await call;
  } catch (err) {
    error = err;
  }
  assert.ok(error, `expected a revert with ${name}, but the call succeeded`);
  const data = (error as { data?: string }).data;
  const parsed = data ? iface.parseError(data) : null;
  assert.ok(parsed, `expected ${name}, got: ${(error as Error).message}`);
  assert.equal(parsed.name, name);
  if (args) assert.deepEqual([...parsed.args], args);
}

/** The named args of the first `event` in a receipt. */
export function eventArgs(contract: Contract, receipt: ContractTransactionReceipt, event: string): Record<string, unknown> {
  for (const log of receipt.logs) {
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === event) return Object.fromEntries(parsed.fragment.inputs.map((input, i) => [input.name, parsed.args[i]]));
  }
  assert.fail(`no ${event} event in ${receipt.hash}`);
}

/** floor(3%): computed here independently of the contracts and of node-service/payments/fees.ts. */
export const fee = (amount: bigint) => (amount * 3n) / 100n;
