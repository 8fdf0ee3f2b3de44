/**
 * The one place webview HTML is made: a strict Content-Security-Policy with a
 * fresh nonce per render, scripts and styles only from the extension's media
 * folder, nothing remote. Data reaches the page only by postMessage and is
 * rendered with textContent (never innerHTML), so user names are escaped.
 */
import * as crypto from "node:crypto";
import * as vscode from "vscode";

export function nonce(): string { return crypto.randomBytes(18).toString("base64").replace(/[^A-Za-z0-9]/g, ""); }

/** Escapes text for HTML (used for the static shell; data goes through textContent). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function webviewHtml(webview: vscode.Webview, mediaRoot: vscode.Uri, opts: { title: string; script: string; body: string }): string {
  const n = nonce();
  const src = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, f)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `script-src 'nonce-${n}'`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(opts.title)}</title>
<link rel="stylesheet" nonce="${n}" href="${src("panel.css")}">
</head>
<body>
${opts.body}
<script nonce="${n}" src="${src(opts.script)}"></script>
</body>
</html>`;
}

export function mediaRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, "media");
}
