#!/usr/bin/env bash
# Builds the widget into pkg/, as four builds of one crate so that no page downloads code it does
# not run: the customer's checkout (paywasm.js, paywasm_bg.wasm, paywasm.css), the same with
# Opn's methods beyond the checkout's own for a page that names one (paywasm_methods.js,
# paywasm_methods_bg.wasm), the checkout on WooshPay's PaymentIntents (paywasm_wooshpay.js,
# paywasm_wooshpay_bg.wasm) and the cashier's view (paywasm_pos.js, paywasm_pos_bg.wasm); beside them the hosted page (pkg/hosted/) and the
# Subresource Integrity hashes (pkg/integrity.json); the hand-written files are copied from js/.
# Each build: release wasm -> wasm-bindgen (the CLI of the
# crate's exact version) -> float formatting emptied (empty-float-display.mjs, nightly) ->
# Leptos's unused stream classes removed (strip-streams.mjs) ->
# wasm-opt -Oz (npm's binaryen; never Debian's, whose output breaks in Chromium), which also
# shortens the import and export names (minify-names.mjs follows in the glue) -> the JS glue
# and CSS minified.
#
# The release wasm is built with the pinned nightly toolchain (scripts/ensure-tools.sh's
# NIGHTLY_DATE, installed when missing) when it can be had (std rebuilt
# with panic=immediate-abort, no panic locations, no Debug formatting, and std's own
# optimize_for_size code paths: about 16 KB gzip less on the checkout; and no function merged
# by LLVM, so that strip-streams.mjs may empty Leptos's unused stream code: 4 KB less, and
# empty-float-display.mjs core's float formatting: 4.5 KB, and empty-io-error-kinds.mjs the
# words only the streams read: 0.4 KB, and empty-event-delegation.mjs tachys's event
# delegation, which no listener uses: 2.0 KB;
# BENCHMARKS.md), else with
# stable; pkg/build.json records which, and the size
# budget (scripts/size.mjs) is the one of that toolchain. PAYWASM_TOOLCHAIN=stable forces stable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh

toolchain=${PAYWASM_TOOLCHAIN:-}
nightly=
if [ -z "$toolchain" ]; then
  if nightly=$(bash scripts/ensure-tools.sh nightly-wasm); then toolchain=nightly; else toolchain=stable; fi
elif [ "$toolchain" = nightly ]; then
  nightly=$(bash scripts/ensure-tools.sh nightly-wasm)
fi
# The checkout's own path out of the wasm, so that builds in two folders are the same bytes.
export RUSTFLAGS="--remap-path-prefix=$PWD=. ${RUSTFLAGS:-}"

# build_wasm FEATURE: prints the path of the release wasm with only that feature. The checkout's
# builds (all but the cashier's, "pos") with `split` too, the payment's code after the tap made
# a split point, and linked with --emit-relocs: the linker's relocations, from which
# wasm-split-cli (below) finds what each function refers to. Only there: a module linked so
# keeps code the linker would otherwise drop (6 KB gzip of the cashier's build), and the cut
# is worth more than that. Each kind of link in a target folder of its own, so that neither
# rebuilds the other's crates.
build_wasm() {
  local features="$1,js-api" flags=$RUSTFLAGS target=target
  if [ "$1" != pos ]; then features="$features,split" flags="$flags -Clink-args=--emit-relocs" target=target/split; fi
  if [ "$toolchain" = nightly ]; then
    RUSTFLAGS="$flags -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Zmerge-functions=disabled" \
    CARGO_TARGET_DIR=$target/wasm-min \
      cargo "+$nightly" build --profile widget --target wasm32-unknown-unknown -p paywasm \
        --no-default-features --features "$features" -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size >&2
    echo "$target/wasm-min/wasm32-unknown-unknown/widget/paywasm.wasm"
  else
    RUSTFLAGS="$flags" CARGO_TARGET_DIR=$target cargo build --profile widget --target wasm32-unknown-unknown -p paywasm \
      --no-default-features --features "$features" >&2
    echo "$target/wasm32-unknown-unknown/widget/paywasm.wasm"
  fi
}

if [ "$toolchain" = nightly ] && ! build_wasm omise >/dev/null; then
  echo "== the nightly build failed (see above): building with stable instead" >&2
  toolchain=stable
fi

mkdir -p pkg
# The hand-written files (the npm package's entry and types, embed.js, frame.js, policy.js)
# and the hosted page, beside the widget they load.
cp js/* pkg/
node scripts/policy.mjs
rm -rf pkg/hosted && cp -r www/hosted pkg/hosted
for build in omise:paywasm methods:paywasm_methods wooshpay:paywasm_wooshpay pos:paywasm_pos; do
  feature=${build%%:*} name=${build#*:}
  wasm=$(build_wasm "$feature")
  # The payment's code after the tap cut out as a second module (split_payment.wasm) with its
  # loader (__wasm_split.js), which the first module imports. --keep-lld-exports: the function
  # table and the stack pointer, which the second module shares, stay exported.
  split=$(mktemp -d) second=
  if [ "$feature" = pos ]; then
    wasm-bindgen --target web --out-dir pkg --out-name "$name" "$wasm"
  else
    wasm-split-cli --out-name "$name" "$wasm" "$split" >&2
    second="$split/split_payment.wasm"
    wasm-bindgen --keep-lld-exports --target web --out-dir pkg --out-name "$name" "$split/$name.wasm"
    node scripts/split-module.mjs glue "$name" "$split"
  fi
  # On nightly, built with -Zmerge-functions=disabled, the streams' functions can go too
  # (strip-streams.mjs says why that needs functions unmerged), and float formatting, which only
  # serde's discarded error messages use, is emptied as -Zfmt-debug=none empties Debug, and
  # tachys's event delegation, which no listener uses.
  if [ "$toolchain" = nightly ]; then
    unmerged=--unmerged
    node scripts/empty-float-display.mjs "$name" pkg $second
    node scripts/empty-event-delegation.mjs "$name" pkg
  else
    unmerged=
  fi
  node scripts/strip-streams.mjs "$name" pkg $unmerged
  # --low-memory-unused lets wasm-opt fold constant offsets into loads and stores (-0.5 KB
  # gzip). Safe here: rustc links wasm with the stack first, so memory below 1 MB is the stack,
  # which reaches its lowest kilobyte only when it overflows anyway (data starts at 1 MB);
  # check-low-memory.mjs refuses a build whose data lies lower.
  node scripts/check-low-memory.mjs "pkg/${name}_bg.wasm"
  # --flatten --rereloop: binaryen rebuilds the control flow from scratch, which -Oz then
  # shrinks further than rustc's own shape; twice pays on both builds (-0.6 KB gzip on the
  # checkout, -0.1 on the cashier's; once made the cashier's larger).
  rebuild_flow="--flatten --rereloop -Oz --converge"
  # -ocimfs 20: wasm-opt inlines a function that has one caller only when it is small. By
  # default it inlines every such function whatever its size, which folded the component, its
  # closures and the options' reader into one 38 KB function (`mount`): larger, and gzip finds
  # far fewer repeats in it (the checkout's wasm 7 KB gzip heavier; BENCHMARKS.md).
  # shellcheck disable=SC2086 # two copies of the same pass list, split into words on purpose
  node_modules/.bin/wasm-opt -ocimfs 20 $rebuild_flow $rebuild_flow --low-memory-unused "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
  # The names between the glue and the wasm shortened, in a run of its own (--converge would
  # rename twice): minify-names.mjs rewrites the glue to them from the map the pass prints.
  # The toolchain's producers and target-features sections go too (no browser reads them).
  names=$(mktemp)
  node_modules/.bin/wasm-opt --minify-imports-and-exports-and-modules --strip-producers --strip-target-features \
    "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm" > "$names"
  node scripts/minify-names.mjs "$name" "$names"
  if [ -n "$second" ]; then
    # The second module on its own, with the first's passes (its imports, the first module's
    # memory, table and stack pointer, keep their names: the loader hands them over).
    node scripts/check-low-memory.mjs "$second"
    # shellcheck disable=SC2086 # as above
    node_modules/.bin/wasm-opt -ocimfs 20 $rebuild_flow $rebuild_flow --low-memory-unused \
      --strip-producers --strip-target-features --strip-debug "$second" -o "pkg/${name}_payment.wasm"
    node scripts/split-module.mjs loader "$name" "$split" "$names"
    node scripts/minify.mjs "pkg/${name}_split.js"
  fi
  rm -rf "$names" "$split"
  # What only the emptied streams read, std's io::ErrorKind words, as zeros (nightly, as above).
  if [ "$toolchain" = nightly ]; then node scripts/empty-io-error-kinds.mjs "pkg/${name}_bg.wasm" ${second:+"pkg/${name}_payment.wasm"}; fi
  node scripts/minify.mjs "pkg/$name.js"
  echo "== $name built with $toolchain: $(wc -c < "pkg/${name}_bg.wasm") bytes of wasm, $(wc -c < "pkg/$name.js") bytes of JS"
done
# The checkout's words in Thai, Japanese and Chinese, a file per language (the builds speak
# English): the loaders fetch the one a page's customer reads.
cargo run -q -p paywasm-core --example words -- pkg
cp src/components/checkout/checkout.css pkg/paywasm.css
# The cashier's page links one stylesheet: the checkout's styles and the cashier's own, which
# no customer's page downloads.
cat src/components/checkout/checkout.css src/components/pos/pos.css > pkg/paywasm-pos.css
# The marks of Opn's methods beyond the checkout's own, linked only by pages that offer them.
cp src/components/checkout/methods.css pkg/paywasm-methods.css
node scripts/minify.mjs pkg/paywasm.css pkg/paywasm-pos.css pkg/paywasm-methods.css pkg/index.js pkg/frame.js pkg/policy.js pkg/omise-card.js pkg/omise-card.css pkg/element.js pkg/custom-element.js pkg/hosted/hosted.js pkg/hosted/hosted.css
printf '{ "toolchain": "%s", "rustc": "%s" }\n' "$toolchain" "$(rustc "+${nightly:-stable}" --version)" > pkg/build.json
# embed.js last: it carries the hashes of the files it loads, then its own hash is printed.
node scripts/integrity.mjs stamp
node scripts/minify.mjs pkg/embed.js
node scripts/integrity.mjs
# What the sandbox serves as a CDN does: each file a browser loads, gzip -9 and brotli 11, beside
# it (the sandbox sends the one a browser accepts; npm publishes only package.json's "files").
node scripts/precompress.mjs pkg
