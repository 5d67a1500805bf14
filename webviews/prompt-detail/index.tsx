import { render, type ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { FromPromptDetail, PromptDetail, PromptDetailCommand, ToPromptDetail } from "../protocol.ts";
import "../toolkit.ts";
import "./style.css";
import { channel } from "../vscode_api.ts";

const { post, onMessage } = channel<ToPromptDetail, FromPromptDetail>();

function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** A long identifier in short form (the full one on hover) with a Copy button. */
function CopyableField(props: { label: string; short: string; full: string; what: string; command: PromptDetailCommand }) {
  return (
    <Field label={props.label}>
      <span class="mono" title={props.full}>
        {props.short}
      </span>{" "}
      <vscode-button appearance="secondary" aria-label={`Copy the seller's ${props.what}`} onClick={() => post({ type: "command", command: props.command })}>
        Copy
      </vscode-button>
    </Field>
  );
}

function Price({ price }: { price: PromptDetail["price"] }) {
  return (
    <section class="price" aria-label="Price">
      <p class="pays">
        You pay <strong>{price.pays}</strong>
      </p>
      <p class="split">
        of which marketplace fee ({price.feePercent}): {price.fee} · seller receives: {price.seller}
      </p>
    </section>
  );
}

function Listing({ listing, notice }: { listing: PromptDetail; notice: { kind: "updated" | "delisted"; text: string } | undefined }) {
  return (
    <main>
      <h1>{listing.title}</h1>
      {notice ? (
        <p class={`notice ${notice.kind}`} role="status">
          {notice.text}
        </p>
      ) : null}
      <p class="description">{listing.description || "No description."}</p>
      <Price price={listing.price} />
      <dl>
        <CopyableField label="Seller" short={listing.seller.peerIdShort} full={listing.seller.peerId} what="PeerId" command="copySellerPeerId" />
        <CopyableField label="Seller's wallet" short={listing.seller.walletShort} full={listing.seller.wallet} what="wallet address" command="copySellerWallet" />
        <Field label="Model">{listing.model}</Field>
        <Field label="Tags">
          {listing.tags.length === 0 ? (
            "none"
          ) : (
            <span class="tags">
              {listing.tags.map((t) => (
                <vscode-tag key={t}>{t}</vscode-tag>
              ))}
            </span>
          )}
        </Field>
        <Field label="License">{listing.license}</Field>
        <Field label="Rating">{listing.rating}</Field>
        {/* a record's version is the time its owner signed it (never below the previous version + 1) */}
        <Field label="Updated">
          {new Date(listing.version).toLocaleString()}
          {listing.createdAt !== null && listing.createdAt !== listing.version ? ` · listed ${new Date(listing.createdAt).toLocaleString()}` : ""}
        </Field>
      </dl>
      <vscode-divider />
      <h2>Preview</h2>
      {listing.preview ? <pre class="preview">{listing.preview}</pre> : <p class="empty">The seller gives no preview.</p>}
    </main>
  );
}

function App() {
  const [listing, setListing] = useState<PromptDetail | undefined>(undefined);
  const [notice, setNotice] = useState<{ kind: "updated" | "delisted"; text: string } | undefined>(undefined);
  useEffect(() => {
    const off = onMessage((m) => {
      if (m.type === "listing") {
        setListing(m.listing);
        setNotice(m.updated ? { kind: "updated", text: `Updated by the seller on ${new Date(m.listing.version).toLocaleString()}.` } : undefined);
      }
      if (m.type === "delisted") setNotice({ kind: "delisted", text: "The seller has withdrawn this listing: it is no longer offered." });
    });
    post({ type: "ready" });
    return off;
  }, []);
  return listing ? <Listing listing={listing} notice={notice} /> : <p role="status">Loading the listing…</p>;
}

render(<App />, document.getElementById("root")!);
