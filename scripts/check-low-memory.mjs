// Refuses a linked widget whose data lies in the lowest kilobyte of memory: the build's wasm-opt
// runs with --low-memory-unused, which lets it fold constant offsets into loads and stores on the
// promise that no address below 1024 is used. rustc links the stack first (data from 1 MB, the
// stack growing down from there, reaching the low kilobyte only when it overflows anyway); a
// toolchain that placed data lower would make that pass miscompile silently.
//   node scripts/check-low-memory.mjs pkg/NAME_bg.wasm
import binaryen from "binaryen";
import { readFileSync } from "node:fs";

const [wasmPath] = process.argv.slice(2);
const module = binaryen.readBinary(readFileSync(wasmPath));
for (let i = 0; i < module.getNumDataSegments(); i++) {
  const { name, offset, passive } = module.getDataSegmentInfo(module.getDataSegmentByIndex(i));
  if (!passive && offset < 1024) {
    throw new Error(`${wasmPath}: data segment ${name} at ${offset}, in the low kilobyte: drop --low-memory-unused from the build`);
  }
}
module.dispose();
