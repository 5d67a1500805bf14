export { KeyManager, type WalletStatus, type WalletState } from "./key_manager.ts";
export { readPassword, choosePasswordSource, PASSWORD_ENV, type PasswordSource } from "./password.ts";
export { importWallet } from "./import.ts";
