// extension: activation time of the installed .vsix in a real VS Code (code-server), as VS Code's
// Running Extensions view reports it and as measured around activate(), over several fresh windows;
// and the size of the extension bundle.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { packageExtension } from "../scripts/package.ts";
import { runExtensionTests } from "../test/e2e/harness.ts";
import { LOCAL_MESH_ENV, ROOT, tempDir } from "../test/helpers/node_process.ts";
import { percentile, printTable } from "./_stats.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const vsix = await packageExtension();

const runtimeExtensionRow = async (page: Page) => {
  const row = page.locator(".part.editor .monaco-list-row", { hasText: "AscendNet" }).first();
  await row.waitFor({ state: "visible", timeout: 15_000 });
  return (await row.innerText()).replace(/\s+/g, " ").trim();
};

interface Sample {
  activate_call_ms: number;
  activate_wall_ms: number;
  running_extensions_row: string;
}
const samples: Sample[] = [];
for (let i = 0; i < RUNS; i++) {
  const data = tempDir("ascendnet-bench-data-");
  const ws = tempDir("ascendnet-bench-ws-");
  try {
    const r = await runExtensionTests({
      vsix,
      testsPath: join(import.meta.dirname, "extension-suite"),
      workspace: ws.path,
      env: { ASCENDNET_DATA_DIR: join(data.path, "node"), ...LOCAL_MESH_ENV },
      pageSteps: { runtimeExtensionRow },
      echo: false,
    });
    const line = r.report.split("\n").find((l) => l.startsWith("BENCH "));
    if (r.exitCode !== 0 || !line) throw new Error(`benchmark run failed:\n${r.report}`);
    samples.push(JSON.parse(line.slice(6)) as Sample);
  } finally {
    data.remove();
    ws.remove();
  }
}

// The Running Extensions row reads like "AscendNet 0.1.0 ... Activation: 12ms"; take the number after "Activation".
const vscodeMs = samples.map((s) => Number(/Activation:?\s*(\d+)\s*ms/i.exec(s.running_extensions_row)?.[1] ?? NaN));
const callMs = samples.map((s) => s.activate_call_ms);
const wallMs = samples.map((s) => s.activate_wall_ms);
const bundleKb = Math.round(statSync(join(ROOT, "dist/extension.cjs")).size / 1024);
const vsixKb = Math.round(statSync(vsix).size / 1024);
const r1 = (x: number) => Math.round(x * 10) / 10;

printTable(`extension activation (${RUNS} fresh VS Code windows, medians)`, [
  { measure: "VS Code Running Extensions: Activation", median_ms: r1(percentile(vscodeMs, 50)), max_ms: r1(Math.max(...vscodeMs)) },
  { measure: "inside activate() (our code)", median_ms: r1(percentile(callMs, 50)), max_ms: r1(Math.max(...callMs)) },
  { measure: "ext.activate() wall (load + context + activate)", median_ms: r1(percentile(wallMs, 50)), max_ms: r1(Math.max(...wallMs)) },
]);
console.log(`Running Extensions row: ${samples[0]?.running_extensions_row}`);
console.log(`bundle dist/extension.cjs: ${bundleKb} KB (goal <= 1024 KB); .vsix with the node bundle: ${vsixKb} KB`);
console.log(
  JSON.stringify({
    bench: "extension",
    activate_ms: r1(percentile(vscodeMs, 50)),
    bundle_kb: bundleKb,
    activate_call_ms: r1(percentile(callMs, 50)),
    activate_wall_ms: r1(percentile(wallMs, 50)),
    vsix_kb: vsixKb,
    runs: RUNS,
  }),
);
