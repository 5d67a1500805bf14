// End-to-end harness: runs a mocha suite inside VS Code (code-server + headless Chromium) against the
// extension installed from a packaged .vsix, the way users get it.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, installExtension, startCodeServer, type CodeServer } from "../../scripts/code_server.ts";
import { GREP_ENV, REPORT_ENV, STEPS_DIR_ENV, SUITE_DONE_STEP, type StepAnswer, type StepRequest } from "./suite/page.ts";

const here = import.meta.dirname;

export async function launchBrowser(): Promise<Browser> {
  // Chromium writes crash reports and dconf state under HOME even with a fresh profile
  const home = mkdtempSync(join(tmpdir(), "ascendnet-chromium-home-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_CACHE_HOME: join(home, ".cache") },
    // playwright gives every launch a fresh temporary profile (user-data-dir) and deletes it on close
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      // the workbench fetches from GitHub and other public hosts; tests stay on loopback
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ],
  });
  browser.on("disconnected", () => rmSync(home, { recursive: true, force: true }));
  return browser;
}

/** A step the suite can request with pageStep(name, arg) from suite/page.ts; its result goes back as JSON. */
export type PageStep = (page: Page, arg: unknown) => Promise<unknown>;

export interface RunOptions {
  /** Packaged extension under test; installed into a fresh extensions dir. */
  vsix: string;
  /** Directory holding the `*.test.ts` files to run (bundled with suite/index.ts as the runner). */
  testsPath: string;
  /** Folder opened in VS Code. */
  workspace: string;
  /** Extra environment for code-server, inherited by the extension host (and so by the tests). */
  env?: Record<string, string>;
  /** User settings added to the quiet defaults below. */
  settings?: Record<string, unknown>;
  /** Only run tests whose title matches (mocha grep). */
  grep?: string;
  /** Where to write the PNG taken after the last test (or when the run crashes or times out). */
  screenshotPath?: string;
  /** From opening the workbench to the suite's exit (install and startup not counted). Default 180 s. */
  timeoutMs?: number;
  /** Named actions on the browser page that tests call through pageStep() while the extension runs. */
  pageSteps?: Record<string, PageStep>;
  /**
   * Runs after the last test while the extension is still running, then the screenshot is taken.
   * Throwing fails the run (exit code 1).
   */
  beforeExit?: (page: Page) => Promise<void>;
  /** Extra code-server flags; VS Code's own go through it, e.g. ["--vscode-option", "disable-extension=vscode.git"]. */
  codeServerArgs?: string[];
  /** Print mocha's report to stdout as it arrives. Default true. */
  echo?: boolean;
}

export interface RunResult {
  /** 0 when every test passed; 1 when a test failed or the runner threw. */
  exitCode: number;
  screenshot?: string;
  /** Mocha's spec report. */
  report: string;
  /** Browser console: workbench logging plus the extension host's console mirrored into it. */
  console: string[];
  /** Milliseconds from the start of the run at which each phase ended. */
  timings: Record<string, number>;
}

// Keep the workbench from fetching, prompting or opening panels that cost time and are not under test.
const quietSettings: Record<string, unknown> = {
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
};

/** Bundles the runner and each test to CommonJS inside a copy of the stand-in dev extension. */
async function bundleSuite(testsPath: string, outDir: string): Promise<string> {
  cpSync(join(here, "dev-extension"), outDir, { recursive: true });
  const tests = readdirSync(testsPath).filter((f) => f.endsWith(".test.ts"));
  if (tests.length === 0) throw new Error(`no *.test.ts files in ${testsPath}`);
  const entryPoints: Record<string, string> = { index: join(here, "suite", "index.ts") };
  for (const t of tests) entryPoints[basename(t, ".ts")] = join(testsPath, t);
  // The extension host require()s extensionTestsPath (import() only for .mjs). A .ts entry also loads
  // there (Node 24 strips types), but a bundle lets the suite live anywhere while its files sit inside the
  // dev extension, carries mocha with it, and does not depend on the extension host's Node features.
  await esbuild.build({
    entryPoints,
    outdir: join(outDir, "suite"),
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    // no source maps: the extension host replaces Error.prepareStackTrace, so Node would not apply them;
    // stacks name the unminified bundle (suite/<name>.test.cjs) instead
    external: ["vscode"],
    logLevel: "error",
  });
  return join(outDir, "suite", "index.cjs");
}

/**
 * Processes still running from this run's temp dir after code-server's group is gone: extensions may
 * start detached daemons (setsid) that outlive VS Code by design. Matching on the unique temp path
 * only ever hits this run's processes. Linux /proc.
 */
async function killStragglers(tmp: string): Promise<number[]> {
  const find = (): number[] =>
    readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(tmp + "/");
        } catch {
          return false; // exited meanwhile
        }
      })
      .map(Number);
  const signal = (pids: number[], sig: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  const found = find();
  signal(found, "SIGTERM");
  for (let i = 0; i < 30 && find().length > 0; i++) await sleep(100);
  signal(find(), "SIGKILL");
  return found;
}

const remote = (path: string): string => `vscode-remote://remote${path}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Answers one round of the suite's pageStep() requests. */
async function answerPageSteps(dir: string, page: Page, steps: Record<string, PageStep>): Promise<void> {
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".req.json"))) {
    const id = f.slice(0, -".req.json".length);
    const req = JSON.parse(readFileSync(join(dir, f), "utf8")) as StepRequest;
    rmSync(join(dir, f));
    let answer: StepAnswer;
    try {
      const step = steps[req.name];
      if (!step) throw new Error(`no page step named '${req.name}' (have: ${Object.keys(steps).join(", ") || "none"})`);
      answer = { ok: true, value: await step(page, req.arg) };
    } catch (e) {
      answer = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    writeFileSync(join(dir, `${id}.tmp`), JSON.stringify(answer));
    renameSync(join(dir, `${id}.tmp`), join(dir, `${id}.res.json`));
  }
}

export async function runExtensionTests(opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (name: string): void => void (timings[name] = Date.now() - t0);
  const tmp = mkdtempSync(join(tmpdir(), "ascendnet-e2e-"));
  const extensionsDir = join(tmp, "extensions");
  const userDataDir = join(tmp, "user-data");
  const stepsDir = join(tmp, "steps");
  const reportFile = join(tmp, "report.txt");
  for (const d of [extensionsDir, join(userDataDir, "User"), stepsDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify({ ...quietSettings, ...opts.settings }, null, 2));
  writeFileSync(reportFile, "");
  const workspace = resolve(opts.workspace);
  const consoleLines: string[] = [];
  let reported = 0;
  const readReport = (): string => {
    const text = readFileSync(reportFile, "utf8");
    if (opts.echo !== false && text.length > reported) process.stdout.write(text.slice(reported));
    reported = text.length;
    return text;
  };
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    const [, testsEntry] = await Promise.all([
      installExtension(resolve(opts.vsix), extensionsDir),
      bundleSuite(resolve(opts.testsPath), join(tmp, "dev-extension")),
    ]);
    mark("installAndBundle");
    server = await startCodeServer({
      workspace,
      extensionsDir,
      userDataDir,
      env: {
        ...opts.env,
        [STEPS_DIR_ENV]: stepsDir,
        [REPORT_ENV]: reportFile,
        ...(opts.grep ? { [GREP_ENV]: opts.grep } : {}),
      },
      extraArgs: [
        // exposes the automation hooks (codeAutomationExit) the web workbench reports the suite's exit through
        "--vscode-option", "enable-smoke-test-driver",
        // the built-in Copilot Chat extension activates on startup: ~2 s per run, and it only tries the network
        "--vscode-option", "disable-extension=GitHub.copilot-chat",
        ...(opts.codeServerArgs ?? []),
      ],
    });
    mark("codeServerUp");
    browser = await launchBrowser();
    mark("browserUp");
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exitCode: number | undefined;
    // the web workbench calls this when the test extension host exits, in place of closing the window
    await page.exposeFunction("codeAutomationExit", (code: number) => void (exitCode = code));
    // workbench log lines carry a CSS "%c" prefix; keep the text only
    page.on("console", (msg) => consoleLines.push(`+${Date.now() - t0}ms ` + msg.text().replace(/^%c\s*(\w+)\s+color: #\w+\s/, "$1 ")));
    const payload = [
      ["extensionDevelopmentPath", remote(join(tmp, "dev-extension"))],
      ["extensionTestsPath", remote(testsEntry)],
    ];
    const query = `folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(`${server.url}?${query}`, { waitUntil: "domcontentloaded" });
    mark("pageLoaded");
    const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
    let screenshot: string | undefined;
    const takeScreenshot = async (): Promise<void> => {
      if (!opts.screenshotPath || screenshot) return;
      mkdirSync(dirname(resolve(opts.screenshotPath)), { recursive: true });
      await page.screenshot({ path: opts.screenshotPath });
      screenshot = opts.screenshotPath;
    };
    const steps: Record<string, PageStep> = {
      ...opts.pageSteps,
      [SUITE_DONE_STEP]: async (p) => {
        mark("testsDone");
        try {
          await opts.beforeExit?.(p);
        } catch (e) {
          appendFileSync(reportFile, `\nbeforeExit hook failed: ${e instanceof Error ? e.stack : String(e)}\n`);
          throw e;
        } finally {
          await takeScreenshot();
        }
      },
    };
    while (exitCode === undefined && Date.now() < deadline) {
      await answerPageSteps(stepsDir, page, steps);
      readReport();
      await sleep(50);
    }
    mark("suiteExited");
    const report = readReport();
    await takeScreenshot();
    if (exitCode === undefined) {
      throw new Error(
        `end-to-end suite did not finish in ${opts.timeoutMs ?? 180_000} ms` + (screenshot ? ` (screenshot: ${screenshot})` : "") +
          `\n--- mocha ---\n${report}\n--- code-server ---\n${server.output().slice(-5000)}`,
      );
    }
    return { exitCode, screenshot, report, console: consoleLines, timings };
  } finally {
    await browser?.close();
    await server?.stop();
    const stragglers = await killStragglers(tmp);
    if (stragglers.length > 0) console.warn(`[e2e] stopped ${stragglers.length} process(es) left running by the extension: ${stragglers.join(", ")}`);
    mark("total");
    rmSync(tmp, { recursive: true, force: true });
  }
}
