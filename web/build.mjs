// Bundles the widget (JavaScript, CSS and the section anchors) into dist/widget.js and
// copies the demo page. Run by `make web` after website.source_page wrote dist/anchors.json.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";

await mkdir("dist", { recursive: true });
const result = await build({
  entryPoints: ["src/widget.js"],
  outfile: "dist/widget.js",
  bundle: true,
  format: "iife",
  minify: true,
  sourcemap: true,
  target: ["chrome100", "firefox100", "safari15"],
  loader: { ".css": "text" },
  legalComments: "linked",
  metafile: true,
});
await copyFile("public/index.html", "dist/index.html");
const bytes = result.metafile.outputs["dist/widget.js"].bytes;
console.log(`dist/widget.js: ${(bytes / 1024).toFixed(1)} KiB`);
