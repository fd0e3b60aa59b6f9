// Builds static/assets/ from the pinned npm packages: compiled CSS and GOV.UK Frontend's JS.
// Nothing from GOV.UK's fonts or images is copied: they carry GOV.UK branding.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "casetracker", "static", "assets");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "assets", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "application.css"), result.css);
copyFileSync(
  join(root, "node_modules", "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
  join(out, "govuk-frontend.min.js"),
);
copyFileSync(join(root, "assets", "application.mjs"), join(out, "application.mjs"));
copyFileSync(join(root, "assets", "favicon.svg"), join(out, "favicon.svg"));
console.log(`assets built in ${out}`);
