// Empties, in the final wasm of a nightly build, the words of std's `io::ErrorKind` ("entity not
// found", "permission denied", ... "uncategorized error": 749 bytes, 0.38 KB gzip of each page):
// zeros in their place, which gzip and brotli all but drop.
//   node scripts/empty-io-error-kinds.mjs pkg/NAME_bg.wasm [SECOND]  (after wasm-opt, nightly
//                                                                    only; SECOND: a split build's
//                                                                    second module)
// Their one user in the widget is wasm-streams' byte-stream code (an `io::Error` made into a
// JavaScript error), which strip-streams.mjs empties after the link: its code goes, but a
// linked module's data cannot be dropped (it has no relocations left), so the words stayed.
// The words are `&str`s: zeros in their place are still valid UTF-8 of the same length, so even
// a reader that remained would print blanks, never read out of bounds.
// To make sure none remains, the step refuses (exit 1) a build in which any code can still
// reach them: an `i32.const` or a load's constant offset inside the words or inside the table
// of their addresses (`ErrorKind::as_str` reads them through it), and a build in which they are
// not exactly std's list, in std's order (a new toolchain: look again, then update the list).
// Not on stable: there strip-streams.mjs keeps the streams' code, which reaches the words.
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

// SECOND: a split build's second module, which shares the memory: its code is checked too.
const [wasmPath, secondPath] = process.argv.slice(2);
if (!wasmPath) {
  console.error("usage: node scripts/empty-io-error-kinds.mjs pkg/NAME_bg.wasm");
  process.exit(2);
}
// std's io::ErrorKind descriptions, in the order of the pinned nightly's data.
const KINDS = [
  "entity not found", "permission denied", "connection refused", "connection reset", "host unreachable",
  "network unreachable", "connection aborted", "not connected", "address in use", "address not available",
  "network down", "broken pipe", "entity already exists", "operation would block", "not a directory",
  "is a directory", "directory not empty", "read-only filesystem or storage medium",
  "filesystem loop or indirection limit (e.g. symlink loop)", "stale network file handle",
  "invalid input parameter", "invalid data", "timed out", "write zero", "no storage space",
  "seek on unseekable file", "quota exceeded", "file too large", "resource busy", "executable file busy",
  "deadlock", "cross-device link or rename", "too many links", "invalid filename", "argument list too long",
  "operation interrupted", "unsupported", "unexpected end of file", "out of memory", "in progress",
  "other error", "uncategorized error",
];
const words = Buffer.from(KINDS.join(""));

function fail(message) {
  console.error(`${wasmPath}: ${message}; io::ErrorKind's words left as they are would cost 0.38 KB: find what reaches them, or drop this step`);
  process.exit(1);
}

function leb(bytes, at, signed = false) {
  let value = 0n, shift = 0n, byte;
  do {
    byte = bytes[at++];
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (signed && byte & 0x40) value -= 1n << shift;
  return [Number(BigInt.asIntN(64, value)), at];
}

// The active data segments: where each lies in memory and in the file.
const bytes = readFileSync(wasmPath);
const segments = [];
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at++];
  let size;
  [size, at] = leb(bytes, at);
  if (id === 11) {
    let count, p;
    [count, p] = leb(bytes, at);
    for (let i = 0; i < count; i++) {
      let flags, memory, length;
      [flags, p] = leb(bytes, p);
      if (flags !== 0 || bytes[p++] !== 0x41) fail("a data segment that is not active at a constant address");
      [memory, p] = leb(bytes, p, true);
      if (bytes[p++] !== 0x0b) fail("a data segment's address is not a lone i32.const");
      [length, p] = leb(bytes, p);
      segments.push({ memory, file: p, length });
      p += length;
    }
  }
  at += size;
}

// Each word where it lies: once, as std's list has it, or (a split build, whose data
// wasm-split-cli lays out symbol by symbol) each on its own, once.
function occurrences(needle) {
  return segments.flatMap((segment) => {
    const data = bytes.subarray(segment.file, segment.file + segment.length);
    const found = [];
    for (let index = data.indexOf(needle); index >= 0; index = data.indexOf(needle, index + 1)) {
      found.push({ memory: segment.memory + index, file: segment.file + index, length: needle.length });
    }
    return found;
  });
}
const listed = occurrences(words);
let spans;
if (listed.length === 1) {
  spans = [listed[0]];
} else {
  if (listed.length > 1) fail(`std's ${KINDS.length} words in std's order found ${listed.length} times`);
  spans = KINDS.map((kind) => {
    const found = occurrences(Buffer.from(kind));
    if (found.length !== 1) fail(`std's word "${kind}" found ${found.length} times (neither std's list in std's order nor each word once)`);
    return found[0];
  });
}
const inWords = (address) => spans.some((span) => address >= span.memory && address < span.memory + span.length);

// The table of their addresses: aligned words of data that point at one of them.
const starts = new Set();
if (spans.length === 1) {
  let offset = 0;
  for (const kind of KINDS) {
    starts.add(spans[0].memory + offset);
    offset += Buffer.byteLength(kind);
  }
} else {
  for (const span of spans) starts.add(span.memory);
}
const table = [];
for (const segment of segments) {
  for (let k = 0; k + 4 <= segment.length; k += 4) {
    const address = segment.memory + k;
    const value = bytes.readUInt32LE(segment.file + k);
    if (address % 4 === 0 && inWords(value)) {
      if (!starts.has(value)) fail(`a word of data at ${address} points into the middle of a word`);
      table.push(address);
    }
  }
}
const tableStart = Math.min(...table);
const tableEnd = Math.max(...table) + 4;

// Every constant address the code names: i32.const values and loads' constant offsets.
const wat = [wasmPath, secondPath]
  .filter(Boolean)
  .map((path) =>
    execFileSync("node_modules/.bin/wasm-opt", [path, "--all-features", "--print"], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    }).toString(),
  )
  .join("\n");
// (Not the data segments' own addresses: a word may begin a segment.)
const code = wat
  .split("\n")
  .filter((line) => !line.startsWith(" (data "))
  .join("\n");
const named = [...code.matchAll(/i32\.const (-?\d+)|offset=(\d+)/g)].map((m) => Number(m[1] ?? m[2]) >>> 0);
const inside = (lo, hi) => named.filter((address) => address >= lo && address < hi);
const reached = [...named.filter(inWords), ...(table.length ? inside(tableStart, tableEnd) : [])];
if (reached.length) fail(`the code names ${reached.length} addresses in them or their table (${reached.slice(0, 3).join(", ")})`);

for (const span of spans) bytes.fill(0, span.file, span.file + span.length);
writeFileSync(wasmPath, bytes);
console.log(`== ${wasmPath}: io::ErrorKind's words emptied (${words.length} bytes in ${spans.length} places; ${table.length} table entries, unread)`);
