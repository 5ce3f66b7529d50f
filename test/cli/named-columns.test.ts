import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fakePlatform, ok } from "../fakes/platform.js";
import { daytimeNow, runCli, tempDir } from "../helpers.js";

// Issue 18, section 4, against the independent fake platform: a CRM export read through
// recipientsFile.columns and numberFormat is sent as the digits and text variables it holds.

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "crm");
const fixture = (name: string) => readFile(join(FIXTURES, name), "utf8");
const CONFIG = "api:\n  timezone: Asia/Shanghai\nguards:\n  callingHours: false\n";
const HEAD = "taskName: dues-crm\nappId: Jgd8oFei\nagentId: 110\n";
const CRM_FILE = `${HEAD}recipientsFile:
  path: debtors.csv
  columns: { calleeNumber: phone, text1: borrower, text2: amount_due }
  numberFormat: international
`;
const SENT = [
  { calleeNumber: "919777654321", text1: "Asha Rao", text2: "1,200.00" },
  { calleeNumber: "447400123456", text1: "Ben Carter", text2: "80.00" },
  { calleeNumber: "447400123457", text1: "Chitra Iyer", text2: "15,000.00" },
  { calleeNumber: "447400123458", text1: "Dev Patel", text2: "420.50" },
  { calleeNumber: "919777654322", text1: "Esha Nair", text2: "99.00" },
];
// Every number of the fixtures, as digits and in the ways the files write them.
const RAW = [
  ...SENT.map((r) => r.calleeNumber),
  "97776-54321",
  "97776 54321",
  "7400 123456",
  "7400 123457",
  "7400 123458",
  "9777654322",
  "97776 54323",
  "7400 123459",
];

async function project(files: Record<string, string>) {
  const fake = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({ "campaign.config.yaml": CONFIG, ...files });
  const outputs: string[] = [];
  const cli = async (...args: string[]) => {
    const result = await runCli(args, dir, fake.env, fake.now());
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  return { fake, dir, cli, outputs };
}

describe("a CRM export as the recipients file", () => {
  test("borrower goes into text1, the numbers as digits; the plan names the columns and counts the rewritten numbers", async () => {
    const { fake, dir, cli, outputs } = await project({
      "campaigns/dues.yaml": CRM_FILE,
      "campaigns/debtors.csv": await fixture("debtors.csv"),
    });

    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(
      "recipients = 5 (9197•••••321, 4474•••••456, 4474•••••457, …; text1 (borrower), text2 (amount_due) set; 4 numbers rewritten to digits (numberFormat))",
    );

    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.stdout).toMatch(
      /\| `dues-crm` \| 5 \| .*calls on apply; .*text1 \(borrower\), text2 \(amount_due\) set; 4 numbers rewritten to digits \(numberFormat\)/,
    );

    const json = JSON.parse((await cli("plan", "--json", "--out", "plan.json")).stdout) as {
      entries: { taskName: string; textVariables: string[]; recipientColumns?: object; numbersRewritten?: number }[];
    };
    expect(json.entries[0]).toMatchObject({
      taskName: "dues-crm",
      textVariables: ["text1", "text2"],
      recipientColumns: { calleeNumber: "phone", text1: "borrower", text2: "amount_due" },
      numbersRewritten: 4,
    });

    fake.expect("POST /voice/group/call/send/agent", (body) => body.taskName === "dues-crm", ok(7001));
    expect((await cli("apply", "plan.json")).code).toBe(0);
    fake.done();
    // What the platform received: the digits and the CRM's values, nothing of recipientsFile.
    expect(fake.requests[0]?.body).toEqual({
      appId: "Jgd8oFei",
      taskName: "dues-crm",
      agentId: 110,
      numberInfoList: SENT,
    });

    // The same people as a plain file of digits: the same body, so the same definition — no change.
    await writeFile(join(dir, "campaigns/dues.yaml"), `${HEAD}recipientsFile: digits.csv\n`);
    await writeFile(join(dir, "campaigns/digits.csv"), await fixture("debtors-digits.csv"));
    const same = await cli("plan", "--detailed-exitcode");
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("No changes");
    // A changed value is a change of what would be sent: blocked for a submitted task.
    await writeFile(
      join(dir, "campaigns/digits.csv"),
      (await fixture("debtors-digits.csv")).replace("Asha Rao", "Asha R."),
    );
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(1);
    expect(fake.requests).toHaveLength(1);

    const files = await Promise.all([".campaign/state.json", "plan.json"].map((f) => readFile(join(dir, f), "utf8")));
    const everything = [...outputs, ...files].join("\n");
    for (const number of RAW) expect(everything).not.toContain(number);
  });

  test("numbers that cannot be read: plan exits 1 naming each row and column, masked; nothing is sent", async () => {
    const { fake, cli, outputs } = await project({
      "campaigns/dues.yaml": CRM_FILE.replace("debtors.csv", "unreadable.csv").replace(", text2: amount_due", ""),
      "campaigns/unreadable.csv": await fixture("unreadable.csv"),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      'campaigns/unreadable.csv:2:1: error unreadable-number: calleeNumber "+91 •••••••••••••••• 12" has an extension or a dialling code',
    );
    expect(plan.stderr).toContain(
      'campaigns/unreadable.csv:3:1: error unreadable-number: calleeNumber "1-80••••••ERS" has letters',
    );
    expect(plan.stderr).toContain("campaigns/unreadable.csv:4:1: error unreadable-number:");
    expect(plan.stderr).toContain("holds more than one number");
    expect(plan.stderr).toContain(
      'campaigns/unreadable.csv:5:1: error unreadable-number: calleeNumber "0740•••••459" starts with 0: it is written without its country code',
    );
    const json = JSON.parse((await cli("validate", "--json")).stdout) as {
      diagnostics: { code: string; file: string; line: number; column: number; field?: string }[];
    };
    expect(
      json.diagnostics.filter((d) => d.code === "unreadable-number").map((d) => [d.line, d.column, d.field]),
    ).toEqual([
      [2, 1, "/calleeNumber"],
      [3, 1, "/calleeNumber"],
      [4, 1, "/calleeNumber"],
      [5, 1, "/calleeNumber"],
    ]);
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(fake.requests).toEqual([]);
    for (const number of RAW) expect(outputs.join("\n")).not.toContain(number);
  });

  test("a mapped column the file lacks: plan exits 1 at the header line, naming the mapping's line", async () => {
    const { fake, cli } = await project({
      "campaigns/dues.yaml": CRM_FILE.replace("text2: amount_due", "text2: amount"),
      "campaigns/debtors.csv": await fixture("debtors.csv"),
    });
    for (const format of ["text", "json"]) {
      const plan = await cli("plan", "--format", format);
      expect(plan.code, format).toBe(1);
      const said = format === "json" ? plan.stdout : plan.stderr;
      expect(said, format).toContain("campaigns/debtors.csv");
      expect(said, format).toContain("recipients file has no column");
      expect(said, format).toContain("(recipientsFile.columns.text2, campaigns/dues.yaml:6)");
    }
    expect(fake.requests).toEqual([]);
  });
});
