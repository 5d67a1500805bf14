import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  buyerKeyPair,
  CONTENT_KEY_BYTES,
  CONTENT_OVERHEAD_BYTES,
  decryptContent,
  encryptContent,
  MAX_PLAINTEXT_BYTES,
  openSealedKey,
  SEALED_KEY_BYTES,
  sealKey,
} from "../../node-service/auth/index.ts";
import { AscendError } from "../../node-service/utils/errors.ts";

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof AscendError && err.code === "BAD_REQUEST" && message.test(err.message));
}

describe("content crypto", () => {
  const prompt = new TextEncoder().encode("You are a senior reviewer. Review {{code}} for {{language}} idioms.");

  describe("content encryption (AES-256-GCM)", () => {
    it("round-trips, with a fresh 32-byte key and nonce each time", () => {
      const one = encryptContent(prompt);
      const two = encryptContent(prompt);
      assert.equal(one.key.length, CONTENT_KEY_BYTES);
      assert.equal(one.ciphertext.length, prompt.length + CONTENT_OVERHEAD_BYTES);
      assert.notDeepEqual(one.key, two.key);
      assert.notDeepEqual(one.ciphertext.subarray(0, 12), two.ciphertext.subarray(0, 12));
      assert.deepEqual(new Uint8Array(decryptContent(one.ciphertext, one.key)), prompt);
    });

    it("round-trips empty and megabyte content", () => {
      for (const plaintext of [new Uint8Array(), randomBytes(3 * 1024 * 1024)]) {
        const { ciphertext, key } = encryptContent(plaintext);
        assert.deepEqual(Buffer.from(decryptContent(ciphertext, key)), Buffer.from(plaintext));
      }
    });

    it("refuses a wrong key instead of returning garbage", () => {
      const { ciphertext } = encryptContent(prompt);
      refused(() => decryptContent(ciphertext, randomBytes(32)), /wrong key, or the encrypted bytes were altered/);
    });

    it("refuses tampered nonce, ciphertext and tag", () => {
      const { ciphertext, key } = encryptContent(prompt);
      for (const at of [0, 11, 12, 12 + Math.floor(prompt.length / 2), ciphertext.length - 16, ciphertext.length - 1]) {
        refused(() => decryptContent(flip(ciphertext, at), key), /cannot be decrypted/);
      }
      refused(() => decryptContent(ciphertext.subarray(0, ciphertext.length - 1), key), /cannot be decrypted/);
    });

    it("names what is the wrong size", () => {
      const { ciphertext } = encryptContent(prompt);
      refused(() => decryptContent(ciphertext, randomBytes(16)), /^content key must be 32 bytes, got 16$/);
      refused(() => decryptContent(randomBytes(27), randomBytes(32)), /^encrypted content must be 28 to \d+ bytes, got 27$/);
      assert.throws(() => encryptContent(new Uint8Array(MAX_PLAINTEXT_BYTES + 1)), (err: unknown) => err instanceof AscendError && err.code === "PAYLOAD_TOO_LARGE");
    });
  });

  describe("sealed keys (X25519 + HKDF-SHA256 + AES-256-GCM)", () => {
    it("opens with the buyer's private key and has a fixed size", () => {
      const buyer = buyerKeyPair();
      assert.equal(buyer.publicKey.length, 32);
      assert.equal(buyer.privateKey.length, 32);
      const { key } = encryptContent(prompt);
      const sealed = sealKey(key, buyer.publicKey);
      assert.equal(sealed.length, SEALED_KEY_BYTES);
      assert.deepEqual(new Uint8Array(openSealedKey(sealed, buyer.privateKey)), new Uint8Array(key));
      assert.notDeepEqual(sealKey(key, buyer.publicKey), sealed, "each sealing uses a fresh ephemeral key");
    });

    it("takes a buyer from key pair to plaintext: the whole delivery", () => {
      const buyer = buyerKeyPair();
      const { ciphertext, key } = encryptContent(prompt);
      const delivered = sealKey(key, buyer.publicKey);
      assert.deepEqual(new Uint8Array(decryptContent(ciphertext, openSealedKey(delivered, buyer.privateKey))), prompt);
    });

    it("cannot be opened by another private key", () => {
      const sealed = sealKey(randomBytes(32), buyerKeyPair().publicKey);
      refused(() => openSealedKey(sealed, buyerKeyPair().privateKey), /sealed to another buyer key, or its bytes were altered/);
    });

    it("refuses a sealed key with any byte altered", () => {
      const buyer = buyerKeyPair();
      const sealed = sealKey(randomBytes(32), buyer.publicKey);
      for (const at of [0, 31, 32, 44, 60, SEALED_KEY_BYTES - 1]) {
        assert.throws(() => openSealedKey(flip(sealed, at), buyer.privateKey), (err: unknown) => err instanceof AscendError && err.code === "BAD_REQUEST");
      }
    });

    it("names wrong sizes and refuses a low-order public key", () => {
      const buyer = buyerKeyPair();
      refused(() => sealKey(randomBytes(31), buyer.publicKey), /^content key must be 32 bytes, got 31$/);
      refused(() => sealKey(randomBytes(32), randomBytes(33)), /^buyer public key must be 32 bytes, got 33$/);
      refused(() => openSealedKey(randomBytes(SEALED_KEY_BYTES - 1), buyer.privateKey), /^sealed key must be 92 bytes, got 91$/);
      refused(() => openSealedKey(randomBytes(SEALED_KEY_BYTES), randomBytes(16)), /^buyer private key must be 32 bytes, got 16$/);
      // the all-zero point: any secret agreed with it is zero, so sealing to it would publish the key
      refused(() => sealKey(randomBytes(32), new Uint8Array(32)), /not a usable X25519 public key/);
    });
  });
});
