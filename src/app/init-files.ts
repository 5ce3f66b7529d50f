// What `campaign init` writes, besides the copied schema and workflow: a starting config, an
// example campaign that explains its fields, and the .gitignore lines for the tool's own files.
// `**/`: beside each environment's state too (.campaign/staging/state.json.lock).
const GITIGNORE_LINES = [
  ".campaign/**/*.lock",
  ".campaign/**/*.new-salt",
  ".campaign/**/*.tmp",
  ".campaign/**/.*.tmp",
  ".campaign/**/reports.db*",
  "plan.json",
  "plan.md",
];

export const CONFIG_TEMPLATE = `# laaffic-campaign configuration. Credentials never go here: set LAAFFIC_API_KEY and
# LAAFFIC_API_SECRET in the environment (in CI: each GitHub environment's secrets).
campaignsDir: campaigns
state:
  path: .campaign/state.json # each environment keeps its own beside it: .campaign/<name>/state.json
  # backend: postgres # shared by several runners: URL from CAMPAIGN_PG_URL (README: Shared backends)
api:
  baseUrl: https://api.laaffic.com # or LAAFFIC_BASE_URL
  timezone: Asia/Shanghai # the platform's wall clock, in which sendTime is read
  parallelism: 4
defaults: # merged under every campaign; a campaign's own value wins
  maxRingingTime: 60
guards: # checked at plan time and again right before apply's first request
  callingHours: { start: "08:00", end: "21:00" } # in each callee's local time
  # suppressionLists: [lists/opt-out.txt] # numbers never to call
  # maxRecipientsPerApply: 100000 # more needs plan and apply with --allow-large
  # maxCostPerApply: 500 # budget on the worst case, in pricing.currency (--allow-large to go past)
# pricing: # each create's cost estimate in the plan (without it: minutes and finish times only)
#   currency: USD
#   perMinute: { IN: 0.05 } # a billed minute by callee country
# Every command that reads the state or calls the platform runs in one of these: --env NAME (or
# CAMPAIGN_ENV). An environment overrides any key above (maps merged, lists and values replaced;
# suppressionLists added to the ones above) and has its own state and report store.
environments:
  staging: # a test account; its own credentials in CI (the GitHub environment "staging")
    # Its own campaigns, calling testers: with production's campaigns/ it would ring every
    # customer a second time, from the staging account.
    campaignsDir: staging/campaigns
    api: { appId: YOUR_STAGING_APP_ID } # sent by its campaigns that write no appId of their own
    guards:
      maxRecipientsPerApply: 100 # staging calls testers, not customers
  production: {} # the keys above as they are (campaigns/); applied after a reviewer approves
`;

export const EXAMPLE_CAMPAIGN = `# yaml-language-server: $schema=../.campaign/campaign.schema.json
#
# One campaign = one LAAFFIC AI-agent group-call task. Fields mirror the platform's request body.
# Run \`campaign validate\`, then \`campaign plan\` to see what would be submitted.
taskName: example-reminders # the identity: 2-64 characters, unique on the account; never reuse it
description: An example to copy # for people; never sent
appId: YOUR_APP_ID # the AI agent application id from the LAAFFIC console
agentId: 110 # the AI agent that speaks
maxCalls: 180 # maximum call duration, seconds
sendTime: "2030-01-15 14:00:00" # in api.timezone (11:30 in India); remove it to call as soon as apply runs
numberInfoList:
  - calleeNumber: "919700000001" # country code + number, digits only, always in quotes
    text1: Asha # text1..text10: variables of the agent's script, at most 30 characters
# recipientsFile: recipients.csv  # or a CSV with a calleeNumber column (and text1..text10)
recallFlow: # optional: call again
  recallType: 1 # 0 everyone, 1 the failed calls, 3 by intent (needs recallIntent)
  recallInterval: 60 # minutes between rounds
  recallNum: 1 # rounds; nodeList needs exactly one entry per round
  nodeList:
    - agentId: "110"
`;

export const STAGING_CAMPAIGN = `# yaml-language-server: $schema=../../.campaign/campaign.schema.json
#
# Staging's campaigns: the staging account calls only the people testing the agent. Never point
# staging at production's campaigns/ (every customer would be called twice).
taskName: tester-reminders
description: The agent tried on a tester's phone
# no appId: staging's own (api.appId under environments.staging in campaign.config.yaml) is sent
agentId: 110
maxCalls: 180
# Years ahead, so that the placeholder below rings no one on a first apply: set your testers'
# numbers first, then a sendTime of your own (or remove it to call as soon as apply runs).
sendTime: "2030-01-15 14:00:00"
numberInfoList:
  - calleeNumber: "919700000002" # a placeholder, someone's real number perhaps: your testers' own, country code first
    text1: Tester
`;

/** The .gitignore lines not in it yet. */
export function missingGitignoreLines(current: string): string[] {
  const have = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  return GITIGNORE_LINES.filter((l) => !have.has(l));
}

/** The .gitignore with the missing lines appended under a heading. */
export function gitignoreWith(current: string, missing: readonly string[]): string {
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  return `${prefix}# laaffic-campaign\n${missing.join("\n")}\n`;
}
