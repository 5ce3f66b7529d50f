// The tool's edge for reading files: regular files only, bounded, strict UTF-8.
export {
  decodeUtf8,
  firstInvalidUtf8,
  formatBytes,
  kindOf,
  readRegularFile,
  readTextFile,
  type FileProblem,
  type FileProblemKind,
  type ReadTextOptions,
  type TextRead,
  type Utf8Decoded,
} from "./read-text.js";
export { FILE_LIMITS } from "./limits.js";
export {
  appendOutputFile,
  checkOutputPath,
  writeOutputFile,
  type OutputTarget,
  type ProtectedFile,
} from "./output-path.js";
