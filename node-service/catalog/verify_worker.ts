// A verification thread (see verify_pool.ts): checks records as verifyRecord does and answers with
// each one's canonical JSON and hash, or the reason it was rejected.
import { parentPort } from "node:worker_threads";
import { errorMessage } from "../utils/errors.ts";
import { verifyToCanonical } from "./signing.ts";
import type { VerifyRequest, VerifyResponse } from "./verify_pool.ts";

parentPort!.on("message", ({ id, records }: VerifyRequest) => {
  const results = records.map((value) => {
    try {
      return verifyToCanonical(value);
    } catch (err) {
      return { reason: errorMessage(err) };
    }
  });
  parentPort!.postMessage({ id, results } satisfies VerifyResponse);
});
