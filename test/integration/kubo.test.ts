import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { KuboContentStore, contentCid } from "../../node-service/storage/index.ts";
import { AscendError } from "../../node-service/utils/errors.ts";

const log = pino({ level: "silent" });
const KUBO_API = process.env.ASCENDNET_TEST_KUBO_API;

describe("content: the Kubo backend", function () {
  this.timeout(30_000);

  it("is in error, and says which API does not answer, when no daemon listens", async () => {
    // port 1 on loopback: nothing listens there, so the connection is refused at once
    const store = await KuboContentStore.open({ url: "http://127.0.0.1:1", log });
    assert.equal(store.state, "error");
    await assert.rejects(store.add(new Uint8Array([1, 2, 3])), (err: unknown) => err instanceof AscendError && err.code === "UNAVAILABLE" && /^the Kubo API at http:\/\/127\.0\.0\.1:1 does not answer/.test(err.message));
    await assert.rejects(store.get("not-a-cid"), /cid: 'not-a-cid' is not a CID/);
  });

  describe("against a running daemon (ASCENDNET_TEST_KUBO_API)", function () {
    let store: KuboContentStore;
    before(async function () {
      if (!KUBO_API) {
        console.log("      skipped: set ASCENDNET_TEST_KUBO_API to a Kubo RPC API URL to run these (Kubo cannot run on this machine: its npm package downloads the binary and there is no Debian package)");
        this.skip();
      }
      store = await KuboContentStore.open({ url: KUBO_API, log });
      assert.equal(store.state, "ready", `the Kubo API at ${KUBO_API} answers`);
    });

    it("adds with the embedded store's CID, gets verified bytes back, pins and unpins", async () => {
      const bytes = randomBytes(3 * 1024 * 1024);
      const cid = await store.add(bytes);
      assert.equal(cid, (await contentCid(bytes)).toString(), "the same CID as the embedded store gives");
      assert.deepEqual(Buffer.from(await store.get(cid)), bytes);
      assert.equal(await store.has(cid), true);
      assert.equal(await store.isPinned(cid), true);
      await store.unpin(cid);
      assert.equal(await store.isPinned(cid), false);
      await store.pin(cid);
      assert.equal(await store.isPinned(cid), true);
      assert.ok((await store.stats()).pins >= 1);
      await assert.rejects(store.get(cid, { maxBytes: 1024 }), (err: unknown) => err instanceof AscendError && err.code === "PAYLOAD_TOO_LARGE");
    });

    it("gives up on a CID nobody has with an error that says so", async () => {
      const missing = (await contentCid(randomBytes(64))).toString();
      await assert.rejects(store.get(missing, { timeoutMs: 1_000 }), { message: `content ${missing} was not found on any connected peer within 1 s` });
    });
  });
});
