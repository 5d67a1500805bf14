// `npm run package`: production bundles, then a .vsix that installs in stock VS Code. The bundles
// carry every dependency, so the package ships no node_modules.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAll } from "./build.ts";

const root = join(import.meta.dirname, "..");

export async function packageExtension(): Promise<string> {
  await buildAll();
  const { name, version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string };
  const out = join(root, `${name}-${version}.vsix`);
  execFileSync(process.execPath, [join(root, "node_modules/@vscode/vsce/vsce"), "package", "--no-dependencies", "--skip-license", "--out", out], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  return out;
}

if (import.meta.main) console.log(await packageExtension());
