// The node's chain and wallet as its user sees them through the API: a real `hardhat node`
// process with the contracts deployed, a chain id the node refuses, and a chain that is not there.
import assert from "node:assert/strict";
import { join } from "node:path";
import { deployAll, writeDeployment } from "../../node-service/payments/index.ts";
import { devWallet, freePort, HardhatNodeProcess } from "../helpers/chain_process.ts";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, ROOT, tempDir } from "../helpers/node_process.ts";
import type { WalletInfo } from "../../node-service/api/protocol.ts";
import { readFileSync } from "node:fs";
import { Contract, ContractFactory, JsonRpcProvider, type InterfaceAbi } from "ethers";

const ETH = 10n ** 18n;

describe("wallet and chain through the node's API", function () {
  this.timeout(120_000);
  const dir = tempDir("ascendnet-wallet-");
  const deployments = join(dir.path, "deployments");
  let chain: HardhatNodeProcess;
  const nodes: NodeProcess[] = [];
  const taps: EventTap[] = [];

  let token: Contract;
  before(async () => {
    chain = await HardhatNodeProcess.start();
    // no request cache: a cached nonce would reuse the deployments' nonces for the token
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const deployer = devWallet(0).connect(provider);
    await writeDeployment(deployments, await deployAll(deployer));
    // the ERC-20 the wallet shows beside ETH (a plain OpenZeppelin token, 18 decimals, symbol TEST)
    const { abi, bytecode } = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts/test/TestToken.sol/TestToken.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    token = (await new ContractFactory(abi, bytecode, deployer).deploy()) as Contract;
    await token.waitForDeployment();
  });
  after(async () => {
    for (const t of taps) t.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await chain?.stop();
    dir.remove();
  });

  async function startNode(name: string, args: string[]): Promise<{ node: NodeProcess; tap: EventTap }> {
    const node = NodeProcess.start(join(dir.path, name), { args: ["--deployments-dir", deployments, ...args] });
    nodes.push(node);
    await node.ready();
    const tap = await EventTap.open(node.lock!.port, node.lock!.token);
    taps.push(tap);
    await tap.walletReady(30_000);
    return { node, tap };
  }

  it("shows the wallet's balance on the local chain, and the faucet funds it", async () => {
    const { node, tap } = await startNode("funded", ["--chain-rpc", chain.url, "--payment-token", await token.getAddress()]);
    const ready = await tap.waitFor("chain", (e) => e.chain.state === "ready", 20_000);
    assert.equal(ready.chain.chainId, 31337);
    assert.equal(ready.chain.contracts, true, "the deployment for chain 31337 was found");

    const before = (await (await node.fetch("/api/wallet")).json()) as WalletInfo;
    assert.match(before.address ?? "", /^0x[0-9a-fA-F]{40}$/);
    assert.equal(before.balances?.eth, "0", "a new wallet holds nothing");
    assert.equal(before.faucet, true);
    assert.deepEqual(before.balances?.token, { address: await token.getAddress(), balance: "0", decimals: 18, symbol: "TEST" });
    const health = (await (await node.fetch("/api/health")).json()) as { chainId: number; subsystems: { chain: string } };
    assert.equal(health.chainId, 31337);
    assert.equal(health.subsystems.chain, "ready");

    const funded = await node.fetch("/api/wallet/faucet", { method: "POST" });
    assert.equal(funded.status, 200);
    assert.equal(((await funded.json()) as { eth: string }).eth, String(10n * ETH));
    // the chain itself says so, not just the node
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true });
    assert.equal(await provider.getBalance(before.address!), 10n * ETH);
    provider.destroy();
  });

  it("refuses a chain that is not the configured one, and says which it is", async () => {
    const { node, tap } = await startNode("wrong-chain", ["--chain-rpc", chain.url, "--chain-id", "1"]);
    const refused = await tap.waitFor("chain", (e) => e.chain.state === "error", 20_000);
    assert.match(refused.chain.message ?? "", /serves chain 31337, not the expected chain 1/);
    const info = (await (await node.fetch("/api/wallet")).json()) as WalletInfo;
    assert.equal(info.balances, null);
    assert.equal(info.faucet, false);
    const faucet = await node.fetch("/api/wallet/faucet", { method: "POST" });
    assert.equal(faucet.status, 403);
    assert.match(((await faucet.json()) as { error: { message: string } }).error.message, /only on the local development chain/);
  });

  it("reports a chain that does not answer as unavailable, and keeps serving the rest of the API", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { node, tap } = await startNode("no-chain", ["--chain-rpc", nowhere]);
    const down = await tap.waitFor("chain", (e) => e.chain.state === "unavailable", 20_000);
    assert.match(down.chain.message ?? "", /unavailable/);
    const health = (await (await node.fetch("/api/health")).json()) as { subsystems: { chain: string; p2p: string } };
    assert.equal(health.subsystems.chain, "error");
    assert.equal(health.subsystems.p2p, "ready");
  });
});
