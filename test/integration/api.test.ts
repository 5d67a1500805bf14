import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, ROOT, rawRequest, tempDir } from "../helpers/node_process.ts";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("local API of a real node-service process", function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  let node: NodeProcess;

  before(async () => {
    dir = tempDir();
    node = NodeProcess.start(join(dir.path, "node"));
    await node.ready();
  });
  after(async () => {
    await node?.stop();
    dir?.remove();
  });

  const stateFile = () => join(node.dataDir, "state.json");
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it("answers /api/health with the node's identity, and the wallet becomes ready", async () => {
    const events = await EventTap.open(node.lock!.port, node.lock!.token);
    try {
      const res = await node.fetch("/api/health");
      assert.equal(res.status, 200);
      const health = (await res.json()) as { version: string; peerId: string; pid: number; subsystems: { api: string } };
      assert.equal(health.version, VERSION);
      assert.match(health.peerId, /^12D3KooW/);
      assert.equal(health.pid, node.child.pid);
      assert.equal(health.subsystems.api, "ready");
      assert.match(await events.walletReady(), /^0x[0-9a-fA-F]{40}$/);
    } finally {
      events.close();
    }
  });

  it("refuses requests without the token or with a wrong one (401)", async () => {
    for (const token of [null, "0".repeat(64), node.lock!.token.slice(1)]) {
      const res = await node.fetch("/api/health", { token });
      assert.equal(res.status, 401);
      assert.equal((await errorOf(res)).code, "UNAUTHORIZED");
    }
  });

  it("refuses a foreign Origin and a foreign Host even with the token (403)", async () => {
    const withOrigin = await node.fetch("/api/health", { headers: { origin: "https://evil.example" } });
    assert.equal(withOrigin.status, 403);
    assert.match((await errorOf(withOrigin)).message, /Origin/);
    const rebinding = await rawRequest(node.lock!.port, { path: "/api/health", headers: { host: `attacker.example:${node.lock!.port}`, authorization: `Bearer ${node.lock!.token}` } });
    assert.equal(rebinding.status, 403);
    assert.match(rebinding.body, /Host/);
  });

  it("refuses the event stream without the token", async () => {
    await assert.rejects(EventTap.open(node.lock!.port, "wrong"), /401/);
  });

  it("rejects malformed JSON (400) and writes nothing", async () => {
    const res = await node.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "application/json" }, body: '{"displayName": "bob' });
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, "BAD_REQUEST");
    assert.equal(existsSync(stateFile()), false);
  });

  it("rejects a body that breaks the schema with a message naming the field (400)", async () => {
    const res = await node.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "x".repeat(65), colour: "red" }) });
    assert.equal(res.status, 400);
    const err = await errorOf(res);
    assert.match(err.message, /displayName/);
    assert.match(err.message, /colour/);
    assert.equal(existsSync(stateFile()), false);
  });

  it("rejects an oversized body (413) and writes nothing", async () => {
    const res = await node.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "x".repeat(100_000) }) });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, "PAYLOAD_TOO_LARGE");
    assert.equal(existsSync(stateFile()), false);
  });

  it("rejects a body that is not JSON (415) and an unknown route (404) in the error format", async () => {
    const text = await node.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "text/plain" }, body: "displayName=bob" });
    assert.equal(text.status, 415);
    assert.equal((await errorOf(text)).code, "UNSUPPORTED_MEDIA_TYPE");
    const missing = await node.fetch("/api/nothing-here");
    assert.equal(missing.status, 404);
    assert.match((await errorOf(missing)).message, /\/api\/nothing-here/);
  });

  it("stores valid settings atomically (0600) and pushes them as an event", async () => {
    const events = await EventTap.open(node.lock!.port, node.lock!.token);
    try {
      const res = await node.fetch("/api/settings", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "Ada's node ✨" }) });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { displayName: "Ada's node ✨" });
      const pushed = await events.waitFor("settings");
      assert.equal(pushed.settings.displayName, "Ada's node ✨");
      const onDisk = JSON.parse(readFileSync(stateFile(), "utf8")) as { settings: { displayName: string } };
      assert.equal(onDisk.settings.displayName, "Ada's node ✨");
      const again = await node.fetch("/api/settings");
      assert.deepEqual(await again.json(), { displayName: "Ada's node ✨" });
    } finally {
      events.close();
    }
  });
});
