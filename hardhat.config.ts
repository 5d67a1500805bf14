// Hardhat 3, offline: no compiler can be downloaded here, so solc comes from the npm package `solc`,
// pinned to exactly SOLC_VERSION. A mismatch would compile silently with the wrong version: refuse it.
import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { configVariable, defineConfig } from "hardhat/config";

const SOLC_VERSION = "0.8.28";
const require = createRequire(import.meta.url);
const installed = (require("solc/package.json") as { version: string }).version;
if (installed !== SOLC_VERSION) {
  throw new Error(`hardhat.config.ts compiles with solc ${SOLC_VERSION} but the solc package is ${installed}; pin "solc": "${SOLC_VERSION}"`);
}

// `npm run deploy -- --network custom` deploys to ASCENDNET_DEPLOY_RPC with ASCENDNET_DEPLOY_KEY (read only when that network is used).
export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 } },
  },
  networks: {
    localhost: { type: "http", url: "http://127.0.0.1:8545" },
    custom: { type: "http", url: configVariable("ASCENDNET_DEPLOY_RPC"), accounts: [configVariable("ASCENDNET_DEPLOY_KEY")] },
  },
  paths: { sources: "./contracts", artifacts: "./artifacts", cache: "./cache" },
});
