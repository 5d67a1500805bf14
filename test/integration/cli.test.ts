import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NodeProcess, PASSWORD, runCli, tempDir } from "../helpers/node_process.ts";

// A published BIP-39 test vector (the Hardhat default accounts), so the derived address is known.
const MNEMONIC = "test test test test test test test test test test test junk";
const MNEMONIC_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("ascendnet CLI", function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it("explains every setting with its environment variable in --help", async () => {
    const r = await runCli(["node", "start", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--data-dir", "--api-port", "--p2p-port", "--chain-rpc", "--ipfs-api", "--log-level", "--config", "--env-file", "--password-stdin"]) {
      assert.ok(r.output.includes(flag), flag);
    }
    assert.match(r.output, /ASCENDNET_API_PORT/);
  });

  const cases: Array<[string, string[], RegExp]> = [
    ["a port that is not a number", ["--api-port", "http"], /--api-port must be a whole number, got 'http'/],
    ["a port out of range", ["--api-port", "70000"], /apiPort must be <= 65535 \(from flags\)/],
    ["an unknown log level", ["--log-level", "loud"], /logLevel/],
    ["a chain RPC that is not a URL", ["--chain-rpc", "localhost:8545"], /chainRpc must match/],
    ["an unknown flag", ["--colour", "red"], /unknown option '--colour'/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what} with exit code 2 and names it`, async () => {
      const r = await runCli(["node", "start", "--data-dir", join(dir.path, "n"), ...args], { env: { ASCENDNET_PASSWORD: PASSWORD } });
      assert.equal(r.code, 2, r.output);
      assert.match(r.output, message);
      assert.equal(existsSync(join(dir.path, "n")), false, "nothing is created for a refused start");
    });
  }

  it("names the config file and field when the config file is bad", async () => {
    const dataDir = join(dir.path, "n");
    const config = join(dir.path, "config.json");
    writeFileSync(config, JSON.stringify({ apiPort: -1 }));
    const bad = await runCli(["node", "start", "--data-dir", dataDir, "--config", config], { env: { ASCENDNET_PASSWORD: PASSWORD } });
    assert.equal(bad.code, 2);
    assert.match(bad.output, new RegExp(`apiPort must be >= 0 \\(from config file ${config}\\)`));
    writeFileSync(config, "{ not json");
    const broken = await runCli(["node", "start", "--data-dir", dataDir, "--config", config], { env: { ASCENDNET_PASSWORD: PASSWORD } });
    assert.equal(broken.code, 2);
    assert.match(broken.output, /is not valid JSON/);
  });

  it("says where the password can come from when none is given", async () => {
    const r = await runCli(["node", "start", "--data-dir", join(dir.path, "n")], { env: { ASCENDNET_PASSWORD: "" } });
    assert.equal(r.code, 2);
    assert.match(r.output, /--password-stdin.*ASCENDNET_PASSWORD/);
  });

  it("imports a mnemonic as the wallet, and only replaces a wallet with --force, keeping a backup", async () => {
    const dataDir = join(dir.path, "n");
    const env = { ASCENDNET_PASSWORD: PASSWORD };
    const imported = await runCli(["key", "import", "--data-dir", dataDir], { env, stdin: MNEMONIC + "\n" });
    assert.equal(imported.code, 0, imported.output);
    assert.match(imported.output, new RegExp(MNEMONIC_ADDRESS));
    assert.ok(!imported.output.includes("junk"), "the mnemonic is not echoed");

    const node = NodeProcess.start(dataDir);
    await node.ready();
    const busy = await runCli(["key", "import", "--data-dir", dataDir, "--force"], { env, stdin: "0x" + "11".repeat(32) });
    assert.notEqual(busy.code, 0);
    assert.match(busy.output, /stop the node/);
    const health = (await (await node.fetch("/api/health")).json()) as { wallet: { address: string } };
    assert.equal(health.wallet.address, MNEMONIC_ADDRESS);
    await node.stop();

    const refused = await runCli(["key", "import", "--data-dir", dataDir], { env, stdin: "0x" + "11".repeat(32) });
    assert.equal(refused.code, 1);
    assert.match(refused.output, /already has a wallet.*--force/);

    const forced = await runCli(["key", "import", "--data-dir", dataDir, "--force"], { env, stdin: "0x" + "11".repeat(32) });
    assert.equal(forced.code, 0, forced.output);
    assert.match(forced.output, /previous keystore kept at/);
    assert.equal(readdirSync(dataDir).filter((f) => f.startsWith("wallet.json.") && f.endsWith(".bak")).length, 1);
  });

  it("rejects a secret that is neither a key nor a valid mnemonic, writing nothing", async () => {
    const dataDir = join(dir.path, "n");
    const env = { ASCENDNET_PASSWORD: PASSWORD };
    const words = await runCli(["key", "import", "--data-dir", dataDir], { env, stdin: "test ".repeat(11) + "test" });
    assert.equal(words.code, 2);
    assert.match(words.output, /not a valid BIP-39 phrase/);
    const junk = await runCli(["key", "import", "--data-dir", dataDir], { env, stdin: "hello" });
    assert.equal(junk.code, 2);
    assert.match(junk.output, /expected a private key/);
    assert.equal(existsSync(join(dataDir, "wallet.json")), false);
  });
});
