import { parse } from "csv-parse/sync";
import { describe, expect, test } from "vitest";
import type { OutcomesReport, RecipientOutcomesReport } from "../../src/schema/generated/index.js";
import { csvText } from "../../src/views/csv.js";
import { renderOutcomesHtml } from "../../src/views/outcomes-html.js";
import { renderRecipientOutcomes } from "../../src/views/recipient-outcomes.js";

const HOSTILE = `<script>alert("x")</script>&'`;

describe("csv", () => {
  test("quotes what a reader would misread, and reads back to the same values", () => {
    const rows = [
      ["919700000001", 'a "quoted", name'],
      ["919700000002", " padded "],
      ["919700000003", "line\nbreak"],
    ];
    const text = csvText(["calleeNumber", "text1"], rows);
    expect(text.split("\n")[1]).toBe('919700000001,"a ""quoted"", name"');
    expect(parse(text, { bom: true, trim: true, skip_empty_lines: true })).toEqual([
      ["calleeNumber", "text1"],
      ...rows,
    ]);
  });
});

const recipients: RecipientOutcomesReport = {
  formatVersion: 1,
  taskName: HOSTILE,
  taskId: 1,
  revealed: false,
  columns: [{ variable: "text1", name: "borrower" }],
  recipients: [
    {
      calleeNumber: "9197•••••001",
      variables: { borrower: '=HYPERLINK("http://x")|<b>' },
      attempts: 1,
      connectedCalls: 0,
      outcome: "noAnswer",
      intent: null,
      optOut: false,
      lastCallAt: "2026-05-28T20:26:40.000Z",
      billedLineSeconds: 0,
    },
  ],
  summary: {
    recipients: 1,
    called: 1,
    notCalled: 0,
    reached: 0,
    optOuts: 0,
    latest: { connected: 0, noAnswer: 1, busy: 0, voicemail: 0, failed: 0 },
  },
};

describe("recipient outcomes views", () => {
  test("csv: named columns, formulas shown and never evaluated", () => {
    const [header, row] = renderRecipientOutcomes(recipients, "csv").trimEnd().split("\n");
    expect(header).toBe(
      "calleeNumber,borrower,attempts,connectedCalls,outcome,intent,optOut,lastCallAt,billedLineSeconds",
    );
    expect(row).toBe(`9197•••••001,"'=HYPERLINK(""http://x"")|<b>",1,0,no-answer,,false,2026-05-28T20:26:40.000Z,0`);
  });

  test("markdown: a cell cannot break the table or inject HTML", () => {
    const markdown = renderRecipientOutcomes(recipients, "markdown");
    expect(markdown).toContain('| 9197•••••001 | =HYPERLINK("http://x")&#124;&#60;b&#62; | 1 | no answer |');
    // The name stands in a code span, where GitHub shows HTML as text; elsewhere it is escaped.
    expect(markdown.split("\n")[0]).toBe('### Recipients of &#60;script&#62;alert("x")&#60;/script&#62;&#38;\'');
    expect(markdown.split("\n").slice(1).join("\n")).not.toMatch(/<script>|<b>/);
  });
});

describe("the HTML report", () => {
  const report: OutcomesReport = {
    formatVersion: 2,
    campaigns: [
      {
        taskName: HOSTILE,
        taskId: 1,
        recipients: 2,
        calls: 3,
        outcomes: { connected: 1, noAnswer: 1, busy: 1, voicemail: 0, failed: 0 },
        connectRate: 0.3333,
        intents: { [HOSTILE]: 1 },
        billedLineSeconds: 10,
        aiAgentBilledSeconds: 0,
        cost: 0,
        aiAgentFee: 0,
        currency: null,
        recallRounds: 1,
        lastReportAt: null,
      },
    ],
    unmatched: [{ taskId: null, calls: 2, reason: "no-task-id" }],
    unreadableTimes: 0,
  };
  const details = new Map([
    [
      HOSTILE,
      {
        rounds: [
          { round: 0, calls: 2, connected: 1 },
          { round: 1, calls: 1, connected: 0 },
        ],
        timeline: [
          { hour: Date.UTC(2026, 10, 1, 8), calls: 2, connected: 1 },
          { hour: Date.UTC(2026, 10, 21, 8), calls: 1, connected: 0 },
        ],
      },
    ],
  ]);

  test("every text escaped, a chart per view with its alternative, caveats first, long spans in days", () => {
    const html = renderOutcomesHtml({ report, details, generatedAt: "2026-11-25T12:00:00.000Z" });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;");
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html.match(/<desc id="[^"]+">/g)).toHaveLength(5);
    expect(html.match(/<table>/g)).toHaveLength(5);
    expect(html).toContain('<p class="caveat">2 reports carry no task id and match no single campaign</p>');
    expect(html).toContain("Calls over time (per day, UTC)");
    expect(html).toContain("recall 1: 1 calls, 0 connected");
    expect(html).toContain("2026-11-10: 0 calls"); // the empty days between are drawn too
  });

  test("nothing to show: says so", () => {
    const html = renderOutcomesHtml({
      report: { formatVersion: 2, campaigns: [], unmatched: [], unreadableTimes: 0 },
      details: new Map(),
      generatedAt: "2026-11-25T12:00:00.000Z",
    });
    expect(html).toContain("No outcomes yet");
    expect(html).not.toContain("<svg");
  });
});
