// `npm test`: type-check, compile and test the contracts, build and package the extension (the tests run the bundles and install
// the .vsix, as a user would), then every suite with mocha: unit, integration (real node processes)
// and end-to-end (real VS Code). Extra arguments go to mocha, e.g. `npm test -- --grep lock`.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { packageExtension } from "./package.ts";

const root = join(import.meta.dirname, "..");

function step(name: string, cmd: string, args: string[]): void {
  const started = Date.now();
  console.log(`\n[test] ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`[test] ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`[test] ${name}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

step("type-check", process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", root]);
step("contracts: compile and Solidity tests (fuzzed)", process.execPath, [realpathSync(join(root, "node_modules/.bin/hardhat")), "test", "solidity"]);
console.log("\n[test] build and package");
await packageExtension();
step("mocha", process.execPath, [join(root, "node_modules/mocha/bin/mocha.js"), ...process.argv.slice(2)]);
