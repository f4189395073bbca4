#!/bin/sh
# Refresh the vendored front-end assets under mustafid/static/vendor/.
#
# The app never needs npm or a CDN at run time: this script is run by a
# developer when bumping a version in package.json, and its output is
# committed. It installs the pinned packages into a throw-away directory
# (no node_modules/ is left in the project) and copies exactly the files
# the app uses.
#
# Usage: sh scripts/vendor.sh      (or: npm run vendor)
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
VENDOR="$ROOT/mustafid/static/vendor"
BS_OUT="$VENDOR/bootstrap"
FONT_OUT="$VENDOR/fonts/plex-arabic"
AXE_OUT="$VENDOR/axe"
WEIGHTS="400 500 700"
SUBSETS="arabic latin"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mustafid-vendor.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

cp "$ROOT/package.json" "$WORK/"
cd "$WORK"
if [ -f "$ROOT/package-lock.json" ]; then
    cp "$ROOT/package-lock.json" "$WORK/"
    npm ci --ignore-scripts --no-audit --no-fund
else
    npm install --ignore-scripts --no-audit --no-fund
    cp "$WORK/package-lock.json" "$ROOT/package-lock.json"
    echo "vendor.sh: wrote new package-lock.json (commit it)"
fi

NM="$WORK/node_modules"
BS="$NM/bootstrap"
FS="$NM/@fontsource/ibm-plex-sans-arabic"
TTF="$NM/@expo-google-fonts/ibm-plex-sans-arabic"

rm -rf "$BS_OUT" "$FONT_OUT" "$AXE_OUT"
mkdir -p "$BS_OUT" "$FONT_OUT" "$AXE_OUT"

# --- Bootstrap: compiled CSS (LTR + RTL), JS bundle (includes Popper), maps.
# The maps are shipped because the sourceMappingURL comments reference them and
# whitenoise's CompressedManifestStaticFilesStorage fails on missing targets.
for f in bootstrap.rtl.min.css bootstrap.rtl.min.css.map \
         bootstrap.min.css bootstrap.min.css.map; do
    cp "$BS/dist/css/$f" "$BS_OUT/$f"
done
for f in bootstrap.bundle.min.js bootstrap.bundle.min.js.map; do
    cp "$BS/dist/js/$f" "$BS_OUT/$f"
done
cp "$BS/LICENSE" "$BS_OUT/LICENSE"

# --- Bootstrap trimmed to what the pages use (purgecss): base.html loads these, not the full files,
# so the render-blocking CSS is a fraction of Bootstrap's ~230 KB. A class is kept when its name
# appears in a template, in our JS, in our Python (form widgets), or in Bootstrap's bundle JS (the
# classes it toggles: show, collapsing, fade, modal-*, dropdown-*...). Classes put together at run
# time are in the safelist below: add to it when a template builds a Bootstrap class from a variable.
# CSS variables, keyframes and @font-face are never removed. The full files stay for reference.
ROOT="$ROOT" node - "$BS" "$BS_OUT" <<'JS'
const fs = require("fs");
const path = require("path");
const [bsDir, outDir] = process.argv.slice(2);
const root = process.env.ROOT;
(async () => {
  const { PurgeCSS } = await import("purgecss");
  const content = [
    `${root}/mustafid/**/templates/**/*.html`,
    `${root}/mustafid/static/js/*.js`,
    `${root}/mustafid/**/*.py`,
    path.join(bsDir, "dist/js/bootstrap.bundle.js"),
  ];
  // Bootstrap's JS components whose names appear nowhere in our own sources are not on any page:
  // their classes go even though the bundle names them (using one, e.g. a modal, brings them back).
  const fg = require(path.join(process.cwd(), "node_modules/fast-glob"));
  const ours = fg.sync(content.slice(0, 3)).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const components = ["modal", "offcanvas", "carousel", "toast", "tooltip", "popover", "dropdown",
                      "accordion", "scrollspy"];
  const unused = components.filter((c) => !new RegExp(`\\b${c}\\b`).test(ours));
  if (unused.includes("dropdown")) unused.push("dropup", "dropstart", "dropend");
  if (unused.includes("tooltip")) unused.push("bs-tooltip");
  if (unused.includes("popover")) unused.push("bs-popover");
  const blocklist = unused.map((c) => new RegExp(`^${c}(-|$)`));
  console.log(`vendor.sh: Bootstrap components not used, trimmed: ${unused.join(" ")}`);
  const safelist = {
    standard: [
      // base.html: alert-{{ message.tags }} (error -> danger).
      /^alert-(success|info|warning|danger)$/,
      // Validation states (forms.js and the server-side error rendering).
      "was-validated", "is-invalid", "invalid-feedback",
      // Toggled by bootstrap.bundle.js (kept explicitly: some names are built from parts there).
      "show", "showing", "hiding", "collapse", "collapsing", "collapse-horizontal", "fade", "active", "disabled",
    ],
    // Attribute and state selectors Bootstrap relies on (Popper's placement, theme, focus).
    greedy: [/data-bs-popper/, /data-bs-theme/, /focus-visible/],
    variables: [/^--bs-/],
  };
  for (const name of ["bootstrap.rtl.min.css", "bootstrap.min.css"]) {
    const css = fs.readFileSync(path.join(bsDir, "dist/css", name), "utf8")
      .replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");
    const [result] = await new PurgeCSS().purge({
      content, css: [{ raw: css }], safelist, blocklist,
      keyframes: false, fontFace: false, variables: false,
    });
    // The purged output keeps Bootstrap's licence banner; empty lines left by removed rules go.
    const out = result.css.replace(/\n\s*\n/g, "\n").trim() + "\n";
    const target = name.replace(/\.min\.css$/, ".purged.min.css");
    fs.writeFileSync(path.join(outDir, target), out);
    console.log(`vendor.sh: ${target} ${out.length} bytes (from ${css.length})`);
  }
})().catch((error) => { console.error(error); process.exit(1); });
JS

# --- axe-core (MPL-2.0): the accessibility checker the browser tests (e2e/) inject into each page
# they visit. Served from /static/ like any of our scripts, so the strict CSP ('self') lets it in;
# no page of the app loads it.
cp "$NM/axe-core/axe.min.js" "$AXE_OUT/axe.min.js"
cp "$NM/axe-core/LICENSE" "$AXE_OUT/LICENSE"

# --- IBM Plex Sans Arabic: woff2 subsets for the browser (from Fontsource).
for w in $WEIGHTS; do
    for s in $SUBSETS; do
        cp "$FS/files/ibm-plex-sans-arabic-$s-$w-normal.woff2" "$FONT_OUT/"
    done
done

# --- IBM Plex Sans Arabic: full TTFs for WeasyPrint (Google Fonts build,
# shipped by the @expo-google-fonts package).
cp "$TTF/400Regular/IBMPlexSansArabic_400Regular.ttf" "$FONT_OUT/IBMPlexSansArabic-Regular.ttf"
cp "$TTF/700Bold/IBMPlexSansArabic_700Bold.ttf"       "$FONT_OUT/IBMPlexSansArabic-Bold.ttf"

# OFL text as distributed with the TTFs (includes the "Plex" Reserved Font Name).
cp "$TTF/LICENSE_FONT" "$FONT_OUT/OFL.txt"

# --- fonts.css: one @font-face per woff2 file, unicode-range taken from
# Fontsource's own CSS so browsers fetch only the subsets a page needs.
# font-display: optional, not swap: a font that is not there within ~100 ms is not swapped in
# later, so text never reflows (no layout shift, CLS); base.html preloads the regular Arabic
# subset so it is normally there in time, and it is cached for the next page.
WEIGHTS="$WEIGHTS" SUBSETS="$SUBSETS" node - "$FS" "$FONT_OUT/fonts.css" <<'JS'
const fs = require("fs");
const path = require("path");
const [fsDir, outFile] = process.argv.slice(2);
const weights = process.env.WEIGHTS.split(/\s+/).filter(Boolean);
const subsets = process.env.SUBSETS.split(/\s+/).filter(Boolean);
const version = require(path.join(fsDir, "package.json")).version;
const out = [
  "/* IBM Plex Sans Arabic (SIL OFL 1.1, see OFL.txt).",
  ` * Generated by scripts/vendor.sh from @fontsource/ibm-plex-sans-arabic ${version}; do not edit. */`,
  "",
];
for (const w of weights) {
  const css = fs.readFileSync(path.join(fsDir, `${w}.css`), "utf8");
  for (const s of subsets) {
    const name = `ibm-plex-sans-arabic-${s}-${w}-normal`;
    const re = new RegExp(`/\\* ${name} \\*/\\s*@font-face\\s*\\{([^}]*)\\}`);
    const m = css.match(re);
    if (!m) throw new Error(`no @font-face for ${name} in ${w}.css`);
    const range = (m[1].match(/unicode-range:\s*([^;]+);/) || [])[1];
    if (!range) throw new Error(`no unicode-range for ${name}`);
    out.push(
      `/* ${name} */`,
      "@font-face {",
      "  font-family: 'IBM Plex Sans Arabic';",
      "  font-style: normal;",
      "  font-display: optional;",
      `  font-weight: ${w};`,
      `  src: url("${name}.woff2") format("woff2");`,
      `  unicode-range: ${range.trim()};`,
      "}",
      ""
    );
  }
}
fs.writeFileSync(outFile, out.join("\n"));
JS

echo "vendor.sh: done"
find "$VENDOR" -type f | sort | sed "s|^$ROOT/||"
