// Runs inside VS Code for bench/extension.ts: activates the installed extension once, cold, and
// reports the times VS Code itself measured (Running Extensions view) next to our own.
import * as vscode from "vscode";
import type { AscendNetApi } from "../../extension/extension.ts";
import { log, pageStep } from "../../test/e2e/suite/page.ts";

describe("extension activation (benchmark)", function () {
  this.timeout(60_000);
  it("activates and reports its timings", async () => {
    const ext = vscode.extensions.getExtension<AscendNetApi>("ascendnet.ascendnet");
    if (!ext) throw new Error("ascendnet.ascendnet is not installed");
    if (ext.isActive) throw new Error("already active: the cold activation cannot be measured");
    const t0 = performance.now();
    const api = await ext.activate();
    const wallMs = performance.now() - t0;
    await vscode.commands.executeCommand("workbench.action.showRuntimeExtensions");
    const row = await pageStep<string>("runtimeExtensionRow");
    log(`BENCH ${JSON.stringify({ activate_call_ms: api.activationMs, activate_wall_ms: wallMs, running_extensions_row: row })}`);
  });
});
