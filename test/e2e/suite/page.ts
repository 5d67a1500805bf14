// Lets a test running in the extension host ask the harness to act on the browser page (read the status
// bar, click, take a screenshot) while the extension is still alive: VS Code stops the extension host
// before it reports the exit code, so a check made after the suite ends sees no extension UI.
// Requests and answers are JSON files in a directory the harness polls (same machine, no sockets).
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";

// Environment the harness gives code-server (and so the extension host) for the suite.
export const STEPS_DIR_ENV = "ASCENDNET_E2E_STEPS_DIR";
export const REPORT_ENV = "ASCENDNET_E2E_REPORT";
export const GREP_ENV = "ASCENDNET_E2E_GREP";
/** Built-in step the runner requests after the last test, while the extension is still running. */
export const SUITE_DONE_STEP = "ascendnet:suite-done";

/** console.log for tests: goes into the run's report (console output only reaches the browser console). */
export function log(...args: unknown[]): void {
  const report = process.env[REPORT_ENV];
  if (report) appendFileSync(report, format(...args) + "\n");
  else console.log(...args);
}

export interface StepRequest {
  name: string;
  arg?: unknown;
}
export type StepAnswer = { ok: true; value?: unknown } | { ok: false; error: string };

let seq = 0;

/** Runs the harness's page step `name` (see RunOptions.pageSteps) and returns what it returned. */
export async function pageStep<T = unknown>(name: string, arg?: unknown, timeoutMs = 30_000): Promise<T> {
  const dir = process.env[STEPS_DIR_ENV];
  if (!dir) throw new Error(`${STEPS_DIR_ENV} is not set: pageStep only works under test/e2e/harness.ts`);
  const id = `${process.pid}-${++seq}`;
  const req: StepRequest = { name, arg };
  // write then rename, so the harness never reads half a file
  writeFileSync(join(dir, `${id}.tmp`), JSON.stringify(req));
  renameSync(join(dir, `${id}.tmp`), join(dir, `${id}.req.json`));
  const resFile = join(dir, `${id}.res.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(resFile)) {
    if (Date.now() > deadline) throw new Error(`page step '${name}' got no answer in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const answer = JSON.parse(readFileSync(resFile, "utf8")) as StepAnswer;
  rmSync(resFile, { force: true });
  if (!answer.ok) throw new Error(`page step '${name}' failed: ${answer.error}`);
  return answer.value as T;
}
