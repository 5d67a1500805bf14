// Test runner that VS Code's extension host calls (extensionTestsPath) inside code-server.
// The harness bundles this file and every *.test.ts to CommonJS files side by side (see harness.ts).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Mocha from "mocha";
import { GREP_ENV, log, pageStep, REPORT_ENV, STEPS_DIR_ENV, SUITE_DONE_STEP } from "./page.ts";

export async function run(): Promise<void> {
  // The extension host's console only reaches the browser console, mixed with workbench logging (and
  // VS Code locks console's methods, so they cannot be teed); a plain file gives the harness the report.
  if (process.env[REPORT_ENV]) Mocha.reporters.Base.consoleLog = log;
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 30_000, reporter: "spec" });
  const grep = process.env[GREP_ENV];
  if (grep) mocha.grep(grep);
  // __dirname: only the CommonJS bundle runs, never this source file
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith(".test.cjs")).sort()) mocha.addFile(join(__dirname, f));
  let failures = 0;
  let loadError: unknown;
  try {
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (e) {
    // a test file that throws while loading makes mocha.run throw; put the cause in the report
    loadError = e;
    log(`\nthe end-to-end suite could not run: ${e instanceof Error ? e.stack : String(e)}`);
  }
  // VS Code stops the extension host before it reports the exit code, so the harness's last look at the
  // page (beforeExit hook, screenshot) happens here, with the extension's UI still up
  if (process.env[STEPS_DIR_ENV]) await pageStep(SUITE_DONE_STEP, { failures }, 60_000);
  if (loadError !== undefined) throw loadError;
  if (failures > 0) throw new Error(`${failures} end-to-end test(s) failed`);
}
