import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, envName } from "../../node-service/utils/config.ts";
import { tempDir } from "../helpers/node_process.ts";

describe("configuration precedence: flags > environment > .env > config file > defaults", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  function files(dotenv: string, config: object) {
    const dotenvPath = join(dir.path, ".env");
    const configPath = join(dir.path, "config.json");
    writeFileSync(dotenvPath, dotenv);
    writeFileSync(configPath, JSON.stringify(config));
    return { dotenvPath, configPath };
  }

  it("takes each layer in order", () => {
    const paths = files("ASCENDNET_API_PORT=3002\nASCENDNET_P2P_PORT=4002\nASCENDNET_LOG_LEVEL=warn\n", {
      apiPort: 3001,
      p2pPort: 4001,
      logLevel: "debug",
      chainRpc: "http://127.0.0.1:8545",
    });
    const config = loadConfig({
      ...paths,
      flags: { apiPort: 3004 },
      env: { ASCENDNET_P2P_PORT: "4003", ASCENDNET_DATA_DIR: dir.path },
    });
    assert.equal(config.apiPort, 3004, "flag beats all");
    assert.equal(config.p2pPort, 4003, "environment beats .env and file");
    assert.equal(config.logLevel, "warn", ".env beats the config file");
    assert.equal(config.chainRpc, "http://127.0.0.1:8545", "config file beats defaults");
    assert.equal(config.dataDir, dir.path);
  });

  it("uses defaults when nothing is set", () => {
    const config = loadConfig({ env: {}, dotenvPath: join(dir.path, "none.env"), configPath: join(dir.path, "none.json") });
    assert.equal(config.apiPort, 0);
    assert.equal(config.logLevel, "info");
    assert.equal(config.chainRpc, undefined);
  });

  it("names the bad field and the layer it came from", () => {
    const paths = files("ASCENDNET_LOG_LEVEL=chatty\n", { apiPort: "eighty" });
    assert.throws(() => loadConfig({ ...paths, env: {} }), (err: Error) => {
      assert.match(err.message, /apiPort must be integer \(from config file/);
      assert.match(err.message, /logLevel .*\(from \.env\)/);
      return true;
    });
  });

  it("rejects unknown keys in the config file", () => {
    const paths = files("", { apiPrt: 1 });
    assert.throws(() => loadConfig({ ...paths, env: {} }), /unknown field 'apiPrt'/);
  });

  it("maps keys to ASCENDNET_ variables", () => {
    assert.equal(envName("dataDir"), "ASCENDNET_DATA_DIR");
    assert.equal(envName("chainRpc"), "ASCENDNET_CHAIN_RPC");
  });
});
