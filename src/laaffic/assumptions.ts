/**
 * Every assumption about the LAAFFIC platform that its documentation leaves open, in one place
 * (laaffic-api.md, "What the docs leave open — and the safe reading of each"). Each constant
 * names the gap it fills; the day the platform proves otherwise, the change is one line here.
 * `campaign doctor` reports what the platform actually answered against these.
 *
 * This module is pure data (no imports) so that the pure core (src/plan/) may read it too.
 */

/**
 * Timestamp skew the platform tolerates before answering -16. Gap: "timestamp skew tolerance"
 * is not documented; 300 s is what the simulator allows and what doctor holds our clock to.
 */
export const ASSUMED_SIGNATURE_SKEW_SECONDS = 300;

/**
 * Dials a minute per unit of calloutRate when guards.dialsPerMinute is not set. Gap: "pacing of
 * calls" — the platform publishes no pacing; used for how long a round rings (calling hours).
 */
export const ASSUMED_DIALS_PER_MINUTE_PER_CALLOUT_RATE = 30;

/**
 * Longest call of a campaign that leaves maxCalls out, for the cost estimate's worst case and the
 * budget guards. Gap: the docs give no default for maxCalls (their example sends 300); the top of
 * the range assumed for it (1-999, as the sibling voice API) keeps a budget guard on the safe side.
 */
export const ASSUMED_MAX_CALL_SECONDS_WHEN_UNSET = 999;

/**
 * Minutes either side of a submission searched for its task by `campaign refresh`. Gap: "the
 * query window's time field (created or send time)" — a generous window, never one narrow query.
 */
export const ASSUMED_QUERY_WINDOW_MINUTES = 120;

/**
 * The platform's time zone for sendTime and query windows (default of `api.timezone`). Gap: "the
 * time zone of sendTime and of query windows" — every example in the docs fits UTC+8.
 */
export const ASSUMED_PLATFORM_TIME_ZONE = "Asia/Shanghai";

/**
 * Recall-flow statuses after which nothing more rings. Gap: the docs list "exception" without
 * saying whether the flow can resume; it is taken as ended (the platform stopped running it).
 */
export const ASSUMED_RECALL_FLOW_ENDED: ReadonlySet<string> = new Set(["completed", "cancelled", "exception"]);

/**
 * Answers to a cancel (task, flow or node) that mean nothing is left to cancel there. Gap: the
 * docs give no cancel-specific codes; -54 "submitted task is wrong" is what a finished or
 * cancelled task answers, -24 "data does not exist" an id the platform does not hold. Only -24
 * says a recall flow is absent (a search that lists nothing proves nothing).
 */
export const CANCEL_CODE_DOES_NOT_EXIST = "-24";
export const CANCEL_CODES_ALREADY_ENDED: ReadonlySet<string> = new Set(["-54", CANCEL_CODE_DOES_NOT_EXIST]);

/**
 * A recall node's (round's) status codes. Gap: the recall-flow detail documents `nodeStatus`
 * without its values; a node without a task has not started.
 */
export const ASSUMED_RECALL_NODE_STATUS = { 0: "waiting", 1: "running", 2: "finished", 3: "cancelled" } as const;

/**
 * Status report `callStatus` → outcome class. Gap: "the report fields after `intent`" — callStatus
 * is not in the AI-agent push's docs; these are the sibling voice push's codes (10 busy, 20 no
 * answer, 30 not connected (other), 40 voicemail, 50 connected, 60 other).
 */
export const ASSUMED_CALL_STATUS_OUTCOME: Readonly<
  Record<string, "connected" | "noAnswer" | "busy" | "voicemail" | "failed">
> = { 10: "busy", 20: "noAnswer", 30: "failed", 40: "voicemail", 50: "connected", 60: "failed" };

/**
 * Status report `sipCode` → outcome class, read when callStatus is absent. Gap: the docs list
 * `sipCode` without its values; these are the SIP standard's (RFC 3261 / 3398) meanings. A code
 * not listed here says nothing: terminationCode decides.
 */
export const ASSUMED_SIP_CODE_OUTCOME: Readonly<Record<string, "connected" | "noAnswer" | "busy" | "failed">> = {
  200: "connected",
  486: "busy",
  600: "busy",
  480: "noAnswer",
  408: "noAnswer",
  487: "noAnswer",
  404: "failed",
  484: "failed",
  604: "failed",
};

/**
 * terminationCode values that mean the call connected, read when neither callStatus nor a known
 * sipCode is present. Gap: the docs say "0 = success, else failure"; "200" is accepted too, as a
 * platform echoing the SIP answer would send it. Anything else counts as failed.
 */
export const ASSUMED_CONNECTED_TERMINATION_CODES: readonly string[] = ["0", "200"];

/**
 * Report times (submitTime … hangupTime). Gap: the docs give no format; epoch milliseconds (number or
 * numeric string) and `yyyyMMddHHmmss` (14 digits, on the platform's clock: api.timezone) are both
 * read, and `yyyy-MM-dd HH:mm:ss` (the sendTime format). 0 or "" means "did not happen" (an unanswered
 * call's answerTime). A time outside this window is no time at all: dropped and counted, never shown.
 */
export const ASSUMED_REPORT_TIME_WINDOW = {
  earliest: Date.UTC(2000, 0, 1),
  latestAheadMs: 366 * 24 * 60 * 60 * 1000,
} as const;

/**
 * Keys of a create answer's `data` object read as the task id, in this order (one level deep);
 * an integer or numeric string `data` is the id itself. Gap: "the create answer's `data`" — no
 * page shows it. A success with none of them is `submitted` without a task id, filled in by
 * refresh (exact name).
 */
export const CREATE_ANSWER_ID_KEYS = ["taskId", "id", "jobId", "keyId"] as const;

/**
 * Platform codes answered to a create that leave its outcome unknown, never a rejection. Gap:
 * "whether a -18 / 5xx / unreadable answer to a create means not stored" — -18 is a system
 * exception, which may come after the task was stored.
 */
export const CREATE_CODES_OUTCOME_UNKNOWN: ReadonlySet<string> = new Set(["-18"]);

/**
 * The code a create gets when its taskName is already used on the account (-20, data exists).
 * Most likely our own earlier attempt whose answer was lost: never resent, looked up by exact name.
 */
export const CREATE_CODE_NAME_TAKEN = "-20";

/**
 * How far back a create answered -20 searches for the task holding its name. Gap: the query
 * window's time field and retention are not documented; a lost earlier attempt may be days old.
 */
export const NAME_TAKEN_LOOKBACK_DAYS = 7;
