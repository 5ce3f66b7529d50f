/** An account on the simulated platform: credentials, applications and agents with their intents. */
export interface SimAccount {
  apiKey: string;
  apiSecret: string;
  appIds: string[];
  /** agent id → the intent codes of its industry (recallIntent must use these). */
  agents: Record<string, string[]>;
}

/** The intent code for "called but not connected" (laaffic-api.md). */
export const NOT_CONNECTED_INTENT = "99999";

/** Works with the example campaigns in campaigns/ out of the box; printed at start-up. */
export const DEMO_ACCOUNT: SimAccount = {
  apiKey: "demo-key",
  apiSecret: "demo-secret",
  appIds: ["Jgd8oFei"],
  agents: {
    "110": [NOT_CONNECTED_INTENT, "101", "102", "103"],
    "111": [NOT_CONNECTED_INTENT, "101", "102", "103"],
    "120": [NOT_CONNECTED_INTENT, "201", "202"],
  },
};
