import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { LogRecord } from "../../node-service/api/protocol.ts";
import type { FromWebview, NodeView, ToWebview } from "../protocol.ts";
import "../toolkit.ts";
import "./style.css";
import { channel } from "../vscode_api.ts";

const { post, onMessage } = channel<ToWebview, FromWebview>();

const MAX_LINES = 200;

function Row(props: { label: string; value: string; mono?: boolean }) {
  return (
    <div class="row">
      <span class="label">{props.label}</span>
      <span class={props.mono ? "value mono" : "value"}>{props.value}</span>
    </div>
  );
}

function Summary({ node }: { node: NodeView }) {
  if (node.kind !== "connected") {
    const text = node.kind === "starting" ? `Starting: ${node.detail}` : node.kind === "offline" ? `Offline: ${node.reason}` : `Error: ${node.message}`;
    return <p class={`state ${node.kind}`} role="status">{text}</p>;
  }
  const h = node.health;
  return (
    <section aria-label="Node">
      <p class="state connected" role="status">
        Connected · {h.peers} peer{h.peers === 1 ? "" : "s"} · up {Math.round(h.uptimeMs / 1000)} s · v{h.version}
      </p>
      <Row label="PeerId" value={h.peerId} mono />
      <Row label="Wallet" value={`${h.wallet.address ?? "being created"} (${h.wallet.state})`} mono />
      <Row label="Data directory" value={h.dataDir} mono />
      <div class="tags">
        {Object.entries(h.subsystems).map(([name, state]) => (
          <vscode-tag key={name} class={`sub ${state}`}>
            {name}: {state}
          </vscode-tag>
        ))}
      </div>
      <div class="actions">
        <vscode-button appearance="secondary" onClick={() => post({ type: "command", command: "copyPeerId" })}>Copy PeerId</vscode-button>
        <vscode-button appearance="secondary" onClick={() => post({ type: "command", command: "copyAddress" })}>Copy Address</vscode-button>
      </div>
    </section>
  );
}

function App() {
  const [node, setNode] = useState<NodeView>({ kind: "starting", detail: "waiting for the extension" });
  const [lines, setLines] = useState<LogRecord[]>([]);
  useEffect(() => {
    const off = onMessage((m) => {
      if (m.type === "node") setNode(m.node);
      if (m.type === "log") setLines((prev) => [...prev.slice(-(MAX_LINES - 1)), m.record]);
    });
    post({ type: "ready" });
    return off;
  }, []);
  return (
    <main>
      <h1>AscendNet Node</h1>
      <Summary node={node} />
      <div class="actions">
        <vscode-button appearance="primary" onClick={() => post({ type: "command", command: "restartNode" })}>Restart Node</vscode-button>
        <vscode-button appearance="secondary" onClick={() => post({ type: "command", command: "openLogs" })}>Open Logs</vscode-button>
      </div>
      <vscode-divider />
      <h2>Live log</h2>
      <ol class="log" aria-live="polite">
        {lines.length === 0 ? <li class="empty">No log lines since this panel opened.</li> : null}
        {lines.map((r, i) => (
          <li key={i} class={`lvl-${r.level}`}>
            <span class="time">{new Date(r.time).toLocaleTimeString()}</span> {r.module ? `[${r.module}] ` : ""}
            {r.msg}
          </li>
        ))}
      </ol>
    </main>
  );
}

render(<App />, document.getElementById("root")!);
