import { scrypt as nodeScrypt } from "node:crypto";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { Wallet, HDNodeWallet, Mnemonic, getAddress, isHexString, scrypt } from "ethers";
import { AscendError, errorMessage } from "../utils/errors.ts";
import { writeFileAtomic } from "../utils/fs.ts";
import { assertPrivateFile } from "./identity.ts";

export const WALLET_FILE = "wallet.json";
export const MIN_PASSWORD_LENGTH = 8;

export type WalletSigner = Wallet | HDNodeWallet;

// The keystore's scrypt (N = 2^17, 128 MiB) runs in OpenSSL on libuv's thread pool instead of in
// JavaScript: the API keeps answering while the wallet unlocks, and the 128 MiB are returned to the
// system afterwards instead of staying in the JavaScript heap.
scrypt.register(
  (password, salt, N, r, p, dkLen) =>
    new Promise((resolve, reject) =>
      nodeScrypt(password, salt, dkLen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
    ),
);

/** The address stored in the clear beside the encrypted key, so it can be shown before the slow unlock. */
export async function readKeystoreAddress(dataDir: string): Promise<string | undefined> {
  const path = join(dataDir, WALLET_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AscendError("STATE_CORRUPT", `cannot read the wallet keystore ${path}: ${errorMessage(err)}`);
  }
  await assertPrivateFile(path);
  try {
    const json = JSON.parse(text) as { address?: unknown; crypto?: unknown; Crypto?: unknown };
    if (typeof json.address !== "string" || (json.crypto === undefined && json.Crypto === undefined)) {
      throw new Error("not an Ethereum JSON keystore");
    }
    return getAddress(json.address.startsWith("0x") ? json.address : "0x" + json.address);
  } catch (err) {
    throw new AscendError(
      "STATE_CORRUPT",
      `the wallet keystore ${path} is unreadable (${errorMessage(err)}). Restore it from a backup, or move it away ` +
        `and run 'ascendnet key import' with your private key or mnemonic. Funds belong to the key, not this file.`,
    );
  }
}

export async function unlockKeystore(dataDir: string, password: string): Promise<WalletSigner> {
  const path = join(dataDir, WALLET_FILE);
  const text = await readFile(path, "utf8");
  try {
    return await Wallet.fromEncryptedJson(text, password);
  } catch (err) {
    if (/password/i.test(errorMessage(err))) {
      throw new AscendError("UNAUTHORIZED", `wrong password for the wallet keystore ${path}`);
    }
    throw new AscendError("STATE_CORRUPT", `cannot decrypt the wallet keystore ${path}: ${errorMessage(err)}`);
  }
}

export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AscendError("BAD_REQUEST", `the keystore password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

/** Encrypts `signer` with `password` (scrypt, the Ethereum keystore format) and stores it 0600. */
export async function writeKeystore(dataDir: string, signer: WalletSigner, password: string): Promise<void> {
  checkNewPassword(password);
  const json = await signer.encrypt(password);
  await writeFileAtomic(join(dataDir, WALLET_FILE), json, 0o600);
}

/** A private key (0x + 64 hex) or a BIP-39 mnemonic (12 to 24 words) to a signer; names what is wrong otherwise. */
export function signerFromSecret(secret: string): WalletSigner {
  const trimmed = secret.trim();
  if (isHexString(trimmed.startsWith("0x") ? trimmed : "0x" + trimmed, 32)) {
    return new Wallet(trimmed.startsWith("0x") ? trimmed : "0x" + trimmed);
  }
  const words = trimmed.split(/\s+/);
  if (words.length >= 12 && words.length <= 24) {
    if (!Mnemonic.isValidMnemonic(words.join(" "))) {
      throw new AscendError("BAD_REQUEST", "the mnemonic is not a valid BIP-39 phrase (check the words and their order)");
    }
    return HDNodeWallet.fromPhrase(words.join(" "));
  }
  throw new AscendError("BAD_REQUEST", "expected a private key (64 hex digits) or a mnemonic of 12 to 24 words");
}

/** Moves an existing keystore aside (never deletes it) before an import replaces it. */
export async function backupKeystore(dataDir: string): Promise<string | undefined> {
  const path = join(dataDir, WALLET_FILE);
  const backup = `${path}.${new Date().toISOString().replace(/[:.]/g, "-")}.bak`;
  try {
    await rename(path, backup);
    return backup;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
