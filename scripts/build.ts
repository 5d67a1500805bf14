// Bundles the three programs with esbuild: the node service (ESM, Node), the extension (CommonJS,
// VS Code's extension host) and the webviews (browser IIFE). `--watch` keeps rebuilding.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const root = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const production = !process.argv.includes("--dev");

const common: esbuild.BuildOptions = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : "inline",
  logLevel: "warning",
  legalComments: "none",
  define: { __ASCENDNET_VERSION__: JSON.stringify(pkg.version) },
};

function webviewEntries(): Record<string, string> {
  const dir = join(root, "webviews");
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const entry = join(dir, name.name, "index.tsx");
    if (name.isDirectory() && existsSync(entry)) out[name.name] = entry;
  }
  return out;
}

const webviews = webviewEntries();

export const builds: esbuild.BuildOptions[] = [
  {
    ...common,
    // the catalog's verification threads load verify-worker.mjs from beside cli.mjs
    entryPoints: { cli: join(root, "node-service/cli.ts"), "verify-worker": join(root, "node-service/catalog/verify_worker.ts") },
    outdir: join(root, "dist/node-service"),
    outExtension: { ".js": ".mjs" },
    platform: "node",
    format: "esm",
    target: "node22",
    // some CommonJS dependencies call require() for Node built-ins; give the ESM bundle one
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    external: ["bufferutil", "utf-8-validate"],
  },
  {
    ...common,
    entryPoints: { extension: join(root, "extension/extension.ts") },
    outdir: join(root, "dist"),
    outExtension: { ".js": ".cjs" },
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode", "bufferutil", "utf-8-validate"],
  },
  ...(Object.keys(webviews).length === 0 ? [] : [{
    ...common,
    entryPoints: webviews,
    outdir: join(root, "dist/webviews"),
    platform: "browser",
    format: "iife",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
  } satisfies esbuild.BuildOptions]),
];

export async function buildAll(): Promise<void> {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

if (import.meta.main) {
  if (process.argv.includes("--watch")) {
    rmSync(join(root, "dist"), { recursive: true, force: true });
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log("[build] watching for changes");
  } else {
    await buildAll();
  }
}
