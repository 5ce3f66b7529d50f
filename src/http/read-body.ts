import type { IncomingMessage } from "node:http";

/** Why a body could not be read: it did not arrive in time, or the client went away first. */
export class BodyReadError extends Error {
  readonly reason: "timeout" | "aborted";

  constructor(reason: "timeout" | "aborted") {
    super(
      reason === "timeout" ? "the body did not arrive in time" : "the connection closed before the whole body arrived",
    );
    this.name = "BodyReadError";
    this.reason = reason;
  }
}

/**
 * A request's body, or undefined when it is larger than `limit` bytes (the rest is drained).
 * Rejects with a BodyReadError when the whole body has not arrived within `timeoutMs` (a client
 * trickling a byte at a time) or the connection closes first; the timer and the listeners go
 * away as soon as it settles.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs?: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    };
    const onEnd = () => settle(over ? undefined : Buffer.concat(chunks));
    // 'close' also follows a complete body; by then the promise has settled and this is a no-op.
    const onClose = () => settle(new BodyReadError("aborted"));
    const timer =
      timeoutMs === undefined ? undefined : setTimeout(() => settle(new BodyReadError("timeout")), timeoutMs);
    const settle = (result: Buffer | undefined | BodyReadError): void => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      if (result instanceof BodyReadError) reject(result);
      else resolve(result);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    // A reset is reported by 'close' as well; this only keeps it from being an unhandled error.
    req.on("error", () => undefined);
  });
}
