import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, PASSWORD, runCli, tempDir } from "../helpers/node_process.ts";

type Health = { peerId: string; pid: number; wallet: { address: string | null; state: string } };

async function readyHealth(node: NodeProcess): Promise<Health> {
  await node.ready();
  const events = await EventTap.open(node.lock!.port, node.lock!.token);
  try {
    await events.walletReady();
  } finally {
    events.close();
  }
  return (await (await node.fetch("/api/health")).json()) as Health;
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("node lifecycle: identity, locks, crashes, bad state", function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it("keeps its PeerId and wallet across a restart, with key files 0600", async () => {
    const dataDir = join(dir.path, "n");
    const first = NodeProcess.start(dataDir);
    const before = await readyHealth(first);
    assert.equal((await first.stop()).code, 0);
    assert.equal(existsSync(join(dataDir, "node.lock")), false, "a clean stop removes the lock");
    for (const f of ["identity.key", "wallet.json"]) assert.equal(mode(join(dataDir, f)), 0o600, f);
    assert.equal(mode(dataDir), 0o700);

    const second = NodeProcess.start(dataDir);
    const after = await readyHealth(second);
    await second.stop();
    assert.equal(after.peerId, before.peerId);
    assert.equal(after.wallet.address, before.wallet.address);
    assert.notEqual(after.pid, before.pid);
    const logs = readFileSync(join(dataDir, "logs", "node.log"), "utf8");
    assert.ok(!logs.includes(PASSWORD), "the password never reaches the log");
    assert.ok(!logs.includes(first.lock!.token), "the API token never reaches the log");
  });

  it("runs two nodes side by side on separate data directories", async () => {
    const a = NodeProcess.start(join(dir.path, "a"));
    const b = NodeProcess.start(join(dir.path, "b"));
    try {
      const [ha, hb] = await Promise.all([readyHealth(a), readyHealth(b)]);
      assert.notEqual(ha.peerId, hb.peerId);
      assert.notEqual(ha.wallet.address, hb.wallet.address);
      assert.notEqual(a.lock!.port, b.lock!.port);
      assert.notEqual(a.lock!.token, b.lock!.token);
      const crossed = await a.fetch("/api/health", { token: b.lock!.token });
      assert.equal(crossed.status, 401, "one node's token does not open the other");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("refuses a second node on a data directory that a live node holds", async () => {
    const dataDir = join(dir.path, "n");
    const first = NodeProcess.start(dataDir);
    await first.ready();
    try {
      const second = NodeProcess.start(dataDir);
      const result = await second.exit();
      assert.notEqual(result.code, 0);
      assert.match(result.output, new RegExp(`another node \\(pid ${first.child.pid}`));
      assert.equal((await first.fetch("/api/health")).status, 200, "the first node is untouched");
    } finally {
      await first.stop();
    }
  });

  it("after kill -9, restarts with its state intact and replaces the stale lock", async () => {
    const dataDir = join(dir.path, "n");
    const first = NodeProcess.start(dataDir);
    const before = await readyHealth(first);
    const patch = await first.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "survivor" }) });
    assert.equal(patch.status, 200);
    await first.kill9();
    assert.equal(existsSync(join(dataDir, "node.lock")), true, "kill -9 leaves the lock behind");

    const second = NodeProcess.start(dataDir);
    const after = await readyHealth(second);
    try {
      assert.equal(after.peerId, before.peerId);
      assert.equal(second.lock!.pid, second.child.pid);
      assert.match(second.output, new RegExp(`stale lock file left by pid ${first.child.pid}`));
      assert.deepEqual(await (await second.fetch("/api/settings")).json(), { displayName: "survivor" });
    } finally {
      await second.stop();
    }
  });

  it("stops gracefully on SIGINT as on SIGTERM", async () => {
    const node = NodeProcess.start(join(dir.path, "n"));
    await node.ready();
    node.child.kill("SIGINT");
    const result = await node.exit();
    assert.equal(result.code, 0);
    assert.match(result.output, /stopped/);
    assert.equal(existsSync(join(dir.path, "n", "node.lock")), false);
  });

  it("refuses a corrupt state file, names it and leaves it untouched", async () => {
    const dataDir = join(dir.path, "n");
    const first = NodeProcess.start(dataDir);
    await first.ready();
    await first.stop();
    const state = join(dataDir, "state.json");
    writeFileSync(state, '{"schemaVersion": 1, "settings": {"displayName": ', { mode: 0o600 });
    const damaged = readFileSync(state);
    const result = await NodeProcess.start(dataDir).exit();
    assert.equal(result.code, 2);
    assert.match(result.output, new RegExp(`node state ${state.replaceAll("/", "\\/")} is corrupt`));
    assert.match(result.output, /Restore it from a backup, or move it away/);
    assert.deepEqual(readFileSync(state), damaged);
    assert.equal(existsSync(join(dataDir, "node.lock")), false, "a refused start leaves no lock");
  });

  it("refuses a state file of the wrong shape, naming the field", async () => {
    const dataDir = join(dir.path, "n");
    await (async () => {
      const n = NodeProcess.start(dataDir);
      await n.ready();
      await n.stop();
    })();
    writeFileSync(join(dataDir, "state.json"), JSON.stringify({ schemaVersion: 1, settings: { displayName: 42 } }));
    const result = await NodeProcess.start(dataDir).exit();
    assert.equal(result.code, 2);
    assert.match(result.output, /settings\.displayName must be string/);
  });

  it("refuses a corrupt identity key rather than silently making a new PeerId", async () => {
    const dataDir = join(dir.path, "n");
    const n = NodeProcess.start(dataDir);
    await n.ready();
    await n.stop();
    writeFileSync(join(dataDir, "identity.key"), "garbage");
    const result = await NodeProcess.start(dataDir).exit();
    assert.equal(result.code, 2);
    assert.match(result.output, /identity\.key is unreadable/);
    assert.equal(readFileSync(join(dataDir, "identity.key"), "utf8"), "garbage");
  });

  it("exits with code 2 on a wrong wallet password, keystore untouched", async () => {
    const dataDir = join(dir.path, "n");
    const n = NodeProcess.start(dataDir);
    await readyHealth(n);
    await n.stop();
    const keystore = readFileSync(join(dataDir, "wallet.json"));
    const result = await NodeProcess.start(dataDir, { password: "not the password" }).exit();
    assert.equal(result.code, 2);
    assert.match(result.output, /wrong password for the wallet keystore/);
    assert.deepEqual(readFileSync(join(dataDir, "wallet.json")), keystore);
  });

  it("reads the password from a 0600 file and refuses one that others can read", async () => {
    const dataDir = join(dir.path, "n");
    const file = join(dir.path, "pw");
    writeFileSync(file, PASSWORD + "\n", { mode: 0o644 });
    chmodSync(file, 0o644);
    const loose = await runCli(["node", "start", "--data-dir", dataDir, "--password-file", file]);
    assert.equal(loose.code, 2);
    assert.match(loose.output, /readable by others.*chmod 600/);
    chmodSync(file, 0o600);
    const node = NodeProcess.start(dataDir, { args: ["--password-file", file] });
    await readyHealth(node);
    await node.stop();
  });
});
