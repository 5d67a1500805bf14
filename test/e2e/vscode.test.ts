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
  /** the rows of the Marketplace tree (level 1: groups, 2: listings) as label and description, once a row shows `expected` */
  marketplaceRows: async (page: Page, expected: unknown) => {
    const view = viewPane(page, /marketplace/i);
    await view.locator(".monaco-list-row", { hasText: String(expected) }).first().waitFor({ state: "visible", timeout: 15_000 });
    return view.locator(".monaco-list-row").evaluateAll((rows) =>
      rows.map((r) => ({
        level: Number(r.getAttribute("aria-level")),
        label: r.querySelector(".label-name")?.textContent?.trim() ?? "",
        description: r.querySelector(".label-description")?.textContent?.trim() ?? "",
      })),
    );
  },
  /**
   * Types `text` into the open quick input, waits until the item `pick` shows and the item `gone` (one
   * the answer to `text` leaves out) no longer does, and picks `pick`; returns the items shown then.
   */
  quickPick: async (page: Page, arg: unknown) => {
    const { text, pick, gone } = arg as { text: string; pick: string; gone: string };
    const widget = page.locator(".quick-input-widget");
    await widget.locator("input").first().fill(text);
    const item = widget.locator(".monaco-list-row", { hasText: pick }).first();
    await item.waitFor({ state: "visible", timeout: 10_000 });
    await widget.locator(".monaco-list-row", { hasText: gone }).first().waitFor({ state: "hidden", timeout: 10_000 });
    const shown = await widget.locator(".monaco-list-row").allInnerTexts();
    await item.click();
    return shown.map((t) => t.replace(/\s+/g, " ").trim());
  },
  /** the text of the webview whose page shows `expected`, once its Preact app rendered it */
  webviewText: async (page: Page, expected: unknown) => {
    // webview content lives in nested iframes
    for (let i = 0; i < 100; i++) {
      for (const frame of page.frames()) {
        // most frames (the workbench, webview hosts) have no <main>: skip them without waiting
        const main = frame.locator("main");
        if ((await main.count().catch(() => 0)) === 0) continue;
        const text = await main.innerText({ timeout: 200 }).catch(() => "");
        if (text.includes(String(expected))) return text;
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`no webview rendered "${String(expected)}"`);
  },
  /** a PNG of the window as it is now, into test-artifacts/<name>.png */
  screenshot: async (page: Page, name: unknown) => {
    const path = join(ARTIFACTS, `${String(name)}.png`);
    await page.screenshot({ path });
    return path;
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
      assert.match(result.report, /10 passing/);
      assert.ok(result.screenshot && existsSync(result.screenshot), "a screenshot is saved as an artifact");
    } finally {
      data.remove();
      workspace.remove();
    }
  });
});
