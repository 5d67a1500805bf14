// `npm run bench -- <name>`: runs bench/<name>.ts. Each benchmark prints a table and, as its very
// last line, one JSON object of its figures.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const names = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(join(root, "bench", `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name>   (one of: ${names.join(", ")})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [join(root, "bench", `${name}.ts`), ...args], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
