import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeTag } from "@vscode/webview-ui-toolkit";
import type { HTMLAttributes } from "preact";

// Registers only the toolkit components the panels use, keeping the bundle small.
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDivider(), vsCodeTag());

type El = HTMLAttributes<HTMLElement> & { appearance?: "primary" | "secondary" | "icon" };
declare module "preact" {
  namespace JSX {
    interface IntrinsicElements {
      "vscode-button": El;
      "vscode-divider": El;
      "vscode-tag": El;
    }
  }
}
