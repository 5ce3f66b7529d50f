/** The simulated endpoints that faults can be injected into. */
export const ENDPOINT_NAMES = [
  "create",
  "query",
  "cancel",
  "recallQueryPage",
  "recallQueryDetail",
  "recallUpdate",
  "recallCancel",
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/**
 * A fault for one endpoint. Before-store faults leave nothing behind; after-store faults are the
 * cases that make an outcome unknown: the task exists, the client never hears about it.
 */
export interface Fault {
  /** Added latency before the request is handled. */
  latencyMs?: number;
  /** Answer with this HTTP status instead of handling the request (nothing stored). */
  httpStatus?: number;
  /** With httpStatus: a Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** Answer with this platform code (e.g. "-18") instead of handling the request. */
  platformCode?: string;
  /** With platformCode: the message the platform gives (default "system exception"), e.g. one echoing a number. */
  platformMessage?: string;
  /** Close the connection before anything is stored. */
  resetBeforeStore?: boolean;
  /** Store, then never answer (until the simulator stops). */
  hangAfterStore?: boolean;
  /** Store, then close the connection without an answer. */
  resetAfterStore?: boolean;
  /** How many requests the fault applies to; absent = every request until cleared. */
  times?: number;
}

export interface FaultTable {
  set(endpoint: EndpointName, fault: Fault | null): void;
  /** The fault for this request, counting it against `times`. */
  take(endpoint: EndpointName): Fault | undefined;
}

export function isEndpointName(value: unknown): value is EndpointName {
  return typeof value === "string" && (ENDPOINT_NAMES as readonly string[]).includes(value);
}

export function createFaultTable(): FaultTable {
  const faults = new Map<EndpointName, Fault>();
  return {
    set(endpoint, fault) {
      if (fault) faults.set(endpoint, { ...fault });
      else faults.delete(endpoint);
    },
    take(endpoint) {
      const fault = faults.get(endpoint);
      if (!fault) return undefined;
      if (fault.times !== undefined) {
        fault.times--;
        if (fault.times <= 0) faults.delete(endpoint);
      }
      return fault;
    },
  };
}
