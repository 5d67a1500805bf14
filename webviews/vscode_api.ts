interface VsCodeApi<Out> {
  postMessage(message: Out): void;
}
declare function acquireVsCodeApi<Out>(): VsCodeApi<Out>;

/**
 * The typed channel of one webview to the extension host: `In` what the extension sends, `Out` what
 * the page sends back (both from protocol.ts). Call once per page: VS Code hands out its API once.
 */
export function channel<In, Out>(): { post(message: Out): void; onMessage(handler: (m: In) => void): () => void } {
  const api = acquireVsCodeApi<Out>();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => {
      const listener = (e: MessageEvent<In>) => handler(e.data);
      window.addEventListener("message", listener);
      return () => window.removeEventListener("message", listener);
    },
  };
}
