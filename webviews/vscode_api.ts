import type { FromWebview, ToWebview } from "./protocol.ts";

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Typed channel to the extension host. */
export function post(message: FromWebview): void {
  api.postMessage(message);
}

export function onMessage(handler: (m: ToWebview) => void): () => void {
  const listener = (e: MessageEvent<ToWebview>) => handler(e.data);
  window.addEventListener("message", listener);
  return () => window.removeEventListener("message", listener);
}
