// End-to-end in a real VS Code: the packaged .vsix installed into code-server, driven by Debian's
// Chromium; the suite in test/e2e/suite runs inside it and its exit code decides this test.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { LOCAL_MESH_ENV, ROOT, tempDir } from "../helpers/node_process.ts";
import { runExtensionTests } from "./harness.ts";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
export const VSIX = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** The sidebar pane of the view whose title matches. */
const viewPane = (page: Page, title: RegExp) => page.locator(".part.sidebar .pane", { has: page.locator(".pane-header", { hasText: title }) });

/** What the in-editor suite asks of the page: the status bar, the views, the webview. */
export const pageSteps = {
  /** the status bar item's text, once it matches `pattern` (the renderer updates after the extension host) */
  statusBarText: async (page: Page, pattern: unknown) => {
    const item = page.locator("[id='ascendnet.ascendnet.ascendnet.status']");
    await item.filter({ hasText: new RegExp(String(pattern ?? "")) }).waitFor({ state: "visible", timeout: 15_000 });
    return (await item.innerText()).trim();
  },
  openAscendNetViews: async (page: Page) => {
    await page.locator(".activitybar [aria-label='AscendNet']").first().click();
    const sidebar = page.locator(".part.sidebar");
    await sidebar.getByText("No prompts in the catalog yet", { exact: false }).first().waitFor({ state: "visible", timeout: 15_000 });
    return sidebar.innerText();
  },
  networkViewText: async (page: Page, expected: unknown) => {
    const view = viewPane(page, /network/i);
    await view.getByText(String(expected), { exact: false }).first().waitFor({ state: "visible", timeout: 20_000 });
    // the description (latency, agent) follows once identify and ping have answered
    await view.getByText("ascendnet/", { exact: false }).first().waitFor({ state: "visible", timeout: 20_000 });
    return view.innerText();
  },
  walletViewText: async (page: Page, expected: unknown) => {
    const view = viewPane(page, /wallet/i);
    await view.getByText(String(expected), { exact: false }).first().waitFor({ state: "visible", timeout: 15_000 });
    return view.innerText();
  },
  dashboardText: async (page: Page) => {
    // webview content lives in nested iframes; wait for the Preact app to render its summary
    for (let i = 0; i < 100; i++) {
      for (const frame of page.frames()) {
        const text = await frame.locator("main").innerText({ timeout: 200 }).catch(() => "");
        if (text.includes("Connected")) return text;
      }
      await page.waitForTimeout(100);
    }
    throw new Error("the dashboard webview did not render");
  },
};

describe("VS Code end to end (code-server + Chromium)", function () {
  // the first run installs code-server (~4 min); later runs take ~20 s
  this.timeout(600_000);

  it("installs the .vsix, activates, connects to its node and passes the in-editor suite", async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is built by npm test / npm run package`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const data = tempDir("ascendnet-e2e-data-");
    const workspace = tempDir("ascendnet-e2e-ws-");
    try {
      const result = await runExtensionTests({
        vsix: VSIX,
        testsPath: join(import.meta.dirname, "suite"),
        workspace: workspace.path,
        env: { ASCENDNET_DATA_DIR: join(data.path, "node"), ...LOCAL_MESH_ENV },
        screenshotPath: join(ARTIFACTS, "vscode-e2e.png"),
        pageSteps,
        timeoutMs: 240_000,
      });
      assert.equal(result.exitCode, 0, `the in-editor suite failed:\n${result.report}`);
      assert.match(result.report, /9 passing/);
      assert.ok(result.screenshot && existsSync(result.screenshot), "a screenshot is saved as an artifact");
    } finally {
      data.remove();
      workspace.remove();
    }
  });
});
