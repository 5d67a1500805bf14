export { KeyManager, type WalletStatus, type WalletState } from "./key_manager.ts";
export { readPassword, choosePasswordSource, PASSWORD_ENV, type PasswordSource } from "./password.ts";
export { importWallet } from "./import.ts";
export {
  encryptContent,
  decryptContent,
  buyerKeyPair,
  sealKey,
  openSealedKey,
  CONTENT_KEY_BYTES,
  CONTENT_OVERHEAD_BYTES,
  SEALED_KEY_BYTES,
  MAX_PLAINTEXT_BYTES,
  type BuyerKeyPair,
} from "./content_crypto.ts";
