// Every file the tool reads is hostile until checked: a FIFO or device must not block a read, a
// huge file must not exhaust memory, and invalid UTF-8 must not turn silently into U+FFFD.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

export type FileProblemKind = "missing" | "not-regular" | "too-large" | "invalid-utf8" | "unreadable";

/** Why a file could not be read as text; `line`/`column` point at the first invalid byte. */
export interface FileProblem {
  kind: FileProblemKind;
  /** Says what is wrong, naming the file as the caller displays it. */
  message: string;
  line?: number;
  column?: number;
}

export type TextRead = { ok: true; text: string; bytes: number } | { ok: false; problem: FileProblem };

export interface ReadTextOptions {
  /** The path as the user sees it, for messages. */
  display?: string;
  /** Larger files are refused before they are read. */
  maxBytes: number;
  /** What the file is, for messages: "campaign file", "suppression list", … */
  what?: string;
}

/** Reads a regular file as strict UTF-8 (a leading BOM dropped), never blocking on FIFOs or devices. */
export async function readTextFile(path: string, options: ReadTextOptions): Promise<TextRead> {
  const read = await readRegularFile(path, options);
  if (!read.ok) return read;
  const name = `${options.what ? `${options.what} ` : ""}${options.display ?? path}`;
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) {
    return {
      ok: false,
      problem: {
        kind: "invalid-utf8",
        message: `${name} is not valid UTF-8 (line ${decoded.line}, column ${decoded.column})`,
        line: decoded.line,
        column: decoded.column,
      },
    };
  }
  return { ok: true, text: decoded.text, bytes: read.bytes.length };
}

export type BytesRead = { ok: true; bytes: Buffer } | { ok: false; problem: FileProblem };

/**
 * Reads a regular file's bytes, bounded by `maxBytes`; anything else is a problem naming it.
 * Synchronous system calls: a plan reads thousands of small files one after another, and each
 * asynchronous step (open, stat, read, close) would cost a round trip through the thread pool;
 * O_NONBLOCK and the stat before any read keep FIFOs and devices from blocking.
 */
export async function readRegularFile(path: string, options: ReadTextOptions): Promise<BytesRead> {
  return readRegularFileNow(path, options);
}

function readRegularFileNow(path: string, options: ReadTextOptions): BytesRead {
  const name = `${options.what ? `${options.what} ` : ""}${options.display ?? path}`;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return problem("missing", `${name} does not exist`);
    if (code === "ENXIO") return problem("not-regular", `${name} is a socket, not a regular file`);
    if (code === "EISDIR") return problem("not-regular", `${name} is a directory, not a regular file`);
    return problem("unreadable", `${name} cannot be read (${code ?? "error"})`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return problem("not-regular", `${name} is ${kindOf(info)}, not a regular file`);
    if (info.size > options.maxBytes)
      return problem(
        "too-large",
        `${name} is ${formatBytes(info.size)}, more than the limit of ${formatBytes(options.maxBytes)}`,
      );
    // Read at most one byte past the limit: a file that grows while it is read is caught too.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, options.maxBytes) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > options.maxBytes)
      return problem("too-large", `${name} is more than the limit of ${formatBytes(options.maxBytes)}`);
    return { ok: true, bytes: buffer.subarray(0, filled) };
  } catch (error) {
    return problem("unreadable", `${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  } finally {
    closeSync(fd);
  }
}

function problem(kind: FileProblemKind, message: string): { ok: false; problem: FileProblem } {
  return { ok: false, problem: { kind, message } };
}

/** "a directory", "a FIFO (named pipe)", …: what a path is when it is not a regular file. */
export function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "not a regular file";
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

const strict = new TextDecoder("utf-8", { fatal: true });

export type Utf8Decoded = { ok: true; text: string } | { ok: false; offset: number; line: number; column: number };

/** Strict UTF-8 (a leading BOM dropped); on failure, where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): Utf8Decoded {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count characters, as editors do: decode the valid part of the line.
    const column = strict.decode(bytes.subarray(lineStart, offset)).length + 1;
    return { ok: false, offset, line, column };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b === 0xe0) [need, min] = [2, 0xa0];
    else if (b === 0xed)
      [need, min, max] = [2, 0x80, 0x9f]; // no UTF-16 surrogates
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80];
    else if (b === 0xf0) [need, min] = [3, 0x90];
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80];
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
