import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { AscendError, errorMessage } from "../utils/errors.ts";

/**
 * Priced content is encrypted before it is added to IPFS, with a fresh key per listing version,
 * and the key reaches a buyer sealed to a key pair the buyer made for that one purchase.
 * Content: AES-256-GCM (OpenSSL through node:crypto), laid out nonce (12) || ciphertext || tag (16).
 * Sealed key: an ephemeral X25519 key agreement with the buyer's public key (@noble/curves), HKDF-SHA256
 * (@noble/hashes) over the shared secret bound to both public keys, then AES-256-GCM of the content key:
 * ephemeral public key (32) || nonce (12) || encrypted key (32) || tag (16).
 */

export const CONTENT_KEY_BYTES = 32;
export const X25519_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** bytes added to the plaintext by `encryptContent` */
export const CONTENT_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;
export const SEALED_KEY_BYTES = X25519_KEY_BYTES + NONCE_BYTES + CONTENT_KEY_BYTES + TAG_BYTES;
/** the largest plaintext accepted: content is held in memory whole */
export const MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;
const SEAL_INFO = new TextEncoder().encode("ascendnet sealed content key v1");

export interface BuyerKeyPair {
  publicKey: Uint8Array;
  /** store it 0600 beside the purchase; it is the only way to open the sealed key */
  privateKey: Uint8Array;
}

function requireBytes(name: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new AscendError("BAD_REQUEST", `${name} must be ${length} bytes, got ${value instanceof Uint8Array ? value.length : typeof value}`);
  }
}

function seal(key: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** null when the key is wrong or any byte was changed: GCM's tag covers nonce, ciphertext and tag */
function open(key: Uint8Array, sealed: Uint8Array): Buffer | null {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

/** Encrypts content under a fresh random key; the caller keeps the key for sealing to buyers. */
export function encryptContent(plaintext: Uint8Array): { ciphertext: Uint8Array; key: Uint8Array } {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new AscendError("PAYLOAD_TOO_LARGE", `content of ${plaintext.length} bytes is larger than the ${MAX_PLAINTEXT_BYTES} bytes that can be encrypted`);
  const key = randomBytes(CONTENT_KEY_BYTES);
  return { ciphertext: seal(key, plaintext), key };
}

export function decryptContent(ciphertext: Uint8Array, key: Uint8Array): Uint8Array {
  requireBytes("content key", key, CONTENT_KEY_BYTES);
  if (ciphertext.length < CONTENT_OVERHEAD_BYTES || ciphertext.length > MAX_PLAINTEXT_BYTES + CONTENT_OVERHEAD_BYTES) {
    throw new AscendError("BAD_REQUEST", `encrypted content must be ${CONTENT_OVERHEAD_BYTES} to ${MAX_PLAINTEXT_BYTES + CONTENT_OVERHEAD_BYTES} bytes, got ${ciphertext.length}`);
  }
  const plaintext = open(key, ciphertext);
  if (!plaintext) throw new AscendError("BAD_REQUEST", "the content cannot be decrypted: wrong key, or the encrypted bytes were altered");
  return plaintext;
}

/** A key pair for one purchase: the public half goes on-chain with the payment. */
export function buyerKeyPair(): BuyerKeyPair {
  const { secretKey, publicKey } = x25519.keygen();
  return { publicKey, privateKey: secretKey };
}

function wrappingKey(shared: Uint8Array, ephemeralPublic: Uint8Array, buyerPublic: Uint8Array): Uint8Array {
  const salt = new Uint8Array(2 * X25519_KEY_BYTES);
  salt.set(ephemeralPublic, 0);
  salt.set(buyerPublic, X25519_KEY_BYTES);
  return hkdf(sha256, shared, salt, SEAL_INFO, CONTENT_KEY_BYTES);
}

function agree(privateKey: Uint8Array, publicKey: Uint8Array, what: string): Uint8Array {
  try {
    return x25519.getSharedSecret(privateKey, publicKey);
  } catch (err) {
    // noble refuses low-order points (an all-zero secret), which would let anyone read the key
    throw new AscendError("BAD_REQUEST", `${what} is not a usable X25519 public key (${errorMessage(err)})`);
  }
}

/** Seals a content key so that only the holder of `buyerPublicKey`'s private half can open it. */
export function sealKey(contentKey: Uint8Array, buyerPublicKey: Uint8Array): Uint8Array {
  requireBytes("content key", contentKey, CONTENT_KEY_BYTES);
  requireBytes("buyer public key", buyerPublicKey, X25519_KEY_BYTES);
  const ephemeral = x25519.keygen();
  const key = wrappingKey(agree(ephemeral.secretKey, buyerPublicKey, "the buyer public key"), ephemeral.publicKey, buyerPublicKey);
  return Buffer.concat([ephemeral.publicKey, seal(key, contentKey)]);
}

export function openSealedKey(sealed: Uint8Array, buyerPrivateKey: Uint8Array): Uint8Array {
  requireBytes("sealed key", sealed, SEALED_KEY_BYTES);
  requireBytes("buyer private key", buyerPrivateKey, X25519_KEY_BYTES);
  const ephemeralPublic = sealed.subarray(0, X25519_KEY_BYTES);
  const buyerPublic = x25519.getPublicKey(buyerPrivateKey);
  const key = wrappingKey(agree(buyerPrivateKey, ephemeralPublic, "the sealed key's ephemeral key"), ephemeralPublic, buyerPublic);
  const contentKey = open(key, sealed.subarray(X25519_KEY_BYTES));
  if (!contentKey) throw new AscendError("BAD_REQUEST", "the sealed key cannot be opened: it was sealed to another buyer key, or its bytes were altered");
  return contentKey;
}
