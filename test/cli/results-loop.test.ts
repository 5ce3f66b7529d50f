import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import {
  outcomesExportSchema,
  recipientOutcomesSchema,
  type CampaignPlan,
  type OutcomesExport,
  type RecipientOutcomesReport,
} from "../../src/schema/generated/index.js";
import { describeBrowser, screenshot, withPage } from "../browser.js";
import { fakePlatform, ok } from "../fakes/platform.js";
import { daytimeNow, loadDir, reportRecord, runCli, tempDir } from "../helpers.js";
import { freshSchema, PG_URL } from "../pg-helpers.js";
import { refreshed } from "./results-loop-refresh.js";

// The Bar of issue 19: four CSV recipients applied to the independent fake platform, three status
// reports (connected, no answer, connected with an opt-out intent), then every view of the loop.

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validRecipients = ajv.compile(recipientOutcomesSchema);
const validExport = ajv.compile(outcomesExportSchema);

const [N1, N2, N3, N4] = ["919700000001", "919700000002", "919700000003", "919700000004"] as const;
const RAW_NUMBER = /9197000000\d\d/;
const CSV = `calleeNumber,text1,text2\n${N1},Asha,120\n${N2},"Rao, Ravi",80\n${N3},Meera,55\n${N4},"Sam ""the"" Man",10\n`;
const CAMPAIGN = "taskName: dues-north\nappId: Jgd8oFei\nagentId: 110\nrecipientsFile: debtors.csv\n";
const HOSTILE = `<img src=x onerror=alert(1)>&"'`;
const T0 = 1_780_000_000_000;

/** The config, its store chosen once (a PostgreSQL schema of its own); `guards` adds lines under guards. */
function configOf(backend: "sqlite" | "postgres"): (guards?: string) => string {
  const store = backend === "postgres" ? `  backend: postgres\n  schema: ${freshSchema()}\n` : "  path: reports.db\n";
  return (guards = "") => `guards:\n  callingHours: false\n${guards}reports:\n${store}  optOutIntents: [STOP]\n`;
}

/** dues-north applied to the fake (task 5000), and the three reports imported. */
async function loop(backend: "sqlite" | "postgres" = "sqlite", files: Record<string, string> = {}) {
  const fake = await fakePlatform({ now: daytimeNow });
  const config = configOf(backend);
  const dir = await tempDir({
    "campaign.config.yaml": config(),
    "campaigns/dues.yaml": CAMPAIGN,
    "campaigns/debtors.csv": CSV,
    ...files,
  });
  const env = { ...fake.env, ...(PG_URL ? { CAMPAIGN_PG_URL: PG_URL } : {}) };
  const cli = (...args: string[]) => runCli(args, dir, env, fake.now());
  fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
  if (files["campaigns/hostile.yaml"])
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === HOSTILE, ok(5001));
  expect((await cli("apply", "--auto-approve")).code).toBe(0);
  fake.done();
  const records = [
    reportRecord("v1", { taskId: 5000, callee: N1, callStatus: 50, intent: "101", hangupTime: T0 }),
    reportRecord("v2", {
      taskId: 5000,
      callee: N2,
      callStatus: 20,
      intent: null,
      chargedDuration: 0,
      hangupTime: T0 + 6e4,
    }),
    reportRecord("v3", { taskId: 5000, callee: N3, callStatus: 50, intent: "STOP", hangupTime: T0 + 12e4 }),
  ];
  await writeFile(join(dir, "push.json"), JSON.stringify({ array: records }));
  expect((await cli("reports", "import", "push.json")).code).toBe(0);
  // The task ended (--unreached waits for that).
  await refreshed(fake, cli, [
    ["dues-north", 5000],
    ...(files["campaigns/hostile.yaml"] ? [[HOSTILE, 5001] as [string, number]] : []),
  ]);
  return { fake, dir, cli, config };
}

const csvRows = (text: string) => text.trimEnd().split("\n");

for (const backend of ["sqlite", "postgres"] as const) {
  const describeOn = backend === "postgres" && !PG_URL ? describe.skip : describe;
  describeOn(`closing the loop (${backend})`, () => {
    test("per recipient, the unreached as the next campaign, the opt-outs, and the plan's warning", async () => {
      const { dir, cli, config } = await loop(backend);

      const csv = await cli("outcomes", "dues-north", "--recipients", "--format", "csv");
      expect(csv.code, csv.stderr).toBe(0);
      expect(csvRows(csv.stdout)).toEqual([
        "calleeNumber,text1,text2,attempts,connectedCalls,outcome,intent,optOut,lastCallAt,billedLineSeconds",
        `9197•••••001,Asha,120,1,1,connected,101,false,${new Date(T0).toISOString()},42`,
        `9197•••••002,"Rao, Ravi",80,1,0,no-answer,,false,${new Date(T0 + 6e4).toISOString()},0`,
        `9197•••••003,Meera,55,1,1,connected,STOP,true,${new Date(T0 + 12e4).toISOString()},42`,
        `9197•••••004,"Sam ""the"" Man",10,0,0,not-called,,false,,0`,
      ]);

      const json = await cli("--json", "outcomes", "dues-north", "--recipients");
      const report = JSON.parse(json.stdout) as RecipientOutcomesReport;
      expect(validRecipients(report), JSON.stringify(validRecipients.errors)).toBe(true);
      expect(report).toMatchObject({
        taskName: "dues-north",
        taskId: 5000,
        revealed: false,
        summary: { recipients: 4, called: 3, notCalled: 1, reached: 2, optOuts: 1 },
      });
      const text = await cli("outcomes", "dues-north", "--recipients");
      expect(text.stdout).toContain("dues-north  task 5000 · 4 recipients · 3 called · 1 not called yet · 2 reached");
      expect(text.stdout).toMatch(/9197•••••004 +Sam "the" Man +10 +0 +not called yet/);
      expect(text.stdout).toMatch(/9197•••••003 +Meera +55 +1 +connected +STOP \(opt-out\)/);
      const markdown = await cli("outcomes", "dues-north", "--recipients", "--format", "markdown");
      expect(markdown.stdout).toContain("| 9197•••••002 | Rao, Ravi | 80 | 1 | no answer |");
      for (const run of [csv, json, text, markdown]) expect(run.stdout + run.stderr).not.toMatch(RAW_NUMBER);

      // The unreached: no answer, and not called yet; with the source's columns, values and full numbers.
      const unreached = await cli("outcomes", "dues-north", "--unreached", "--out", "campaigns/again.csv");
      expect(unreached.code, unreached.stderr).toBe(0);
      expect(unreached.stdout + unreached.stderr).not.toMatch(RAW_NUMBER);
      expect(unreached.stdout).toContain("Wrote 2 of 4 recipients of dues-north that no call reached");
      expect(await readFile(join(dir, "campaigns/again.csv"), "utf8")).toBe(
        `calleeNumber,text1,text2\n${N2},"Rao, Ravi",80\n${N4},"Sam ""the"" Man",10\n`,
      );
      const summary = JSON.parse(
        (await cli("--json", "outcomes", "dues-north", "--unreached", "--outcomes", "no-answer", "--out", "na.csv"))
          .stdout,
      ) as OutcomesExport;
      expect(validExport(summary), JSON.stringify(validExport.errors)).toBe(true);
      expect(summary).toMatchObject({ written: 1, latest: { noAnswer: 1, notCalled: 0 }, leftOut: { notAsked: 1 } });
      expect(JSON.stringify(summary)).not.toMatch(RAW_NUMBER);
      // The file is a valid recipientsFile for a new campaign.
      await writeFile(
        join(dir, "campaigns/again.yaml"),
        CAMPAIGN.replace("dues-north", "dues-again").replace("debtors", "again"),
      );
      const loaded = await loadDir(dir, ["campaigns/again.yaml"]);
      expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(loaded.campaigns[0]!.recipients).toEqual([
        { calleeNumber: N2, text1: "Rao, Ravi", text2: "80" },
        { calleeNumber: N4, text1: 'Sam "the" Man', text2: "10" },
      ]);
      expect((await cli("validate", "campaigns/again.yaml")).code).toBe(0);

      // The opt-outs: the one number, as a suppression list.
      const optOuts = await cli("outcomes", "--opt-outs", "--out", "opt-outs.txt");
      expect(optOuts.code, optOuts.stderr).toBe(0);
      expect(optOuts.stdout + optOuts.stderr).not.toMatch(RAW_NUMBER);
      const list = await readFile(join(dir, "opt-outs.txt"), "utf8");
      expect(list.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual([`+${N3}`]);

      // A new campaign over the same CSV: the plan warns, naming the campaign and the masked number.
      await writeFile(join(dir, "campaigns/next.yaml"), CAMPAIGN.replace("dues-north", "dues-next"));
      const planText = await cli("plan", "campaigns/next.yaml");
      expect(planText.stdout).toContain(
        'campaigns/next.yaml:1:1: warning opted-out-number: "dues-next" would call 9197•••••003, who asked not to be called again (a status report with intent STOP), and no suppression list holds it yet',
      );
      const planJson = JSON.parse((await cli("--json", "plan", "campaigns/next.yaml")).stdout) as CampaignPlan;
      expect(planJson.findings.filter((f) => f.code === "opted-out-number").map((f) => f.message)).toEqual([
        expect.stringContaining('"dues-next" would call 9197•••••003'),
      ]);
      expect((await cli("plan", "campaigns/next.yaml", "--format", "markdown")).stdout).toContain("opted-out-number");
      // The submitted campaign itself is not warned about: nothing new is sent for it.
      expect((await cli("plan")).stdout).not.toContain('"dues-north" would call');
      // Once a suppression list holds it, the opt-out is no longer a warning (the list guards it).
      await writeFile(join(dir, "campaign.config.yaml"), config("  suppressionLists: [opt-outs.txt]\n"));
      const guarded = await cli("plan", "campaigns/next.yaml");
      expect(guarded.stdout).not.toContain("opted-out-number");
      expect(guarded.stdout).toContain("suppressed-number");
    });
  });
}

describe("closing the loop with named columns and numbers as a CRM writes them", () => {
  test("the views name the variables by the file's columns; the unreached keep its header and values", async () => {
    const mapping =
      "recipientsFile:\n  path: debtors.csv\n  columns: { calleeNumber: phone, text1: borrower, text2: amount_due }\n  numberFormat: international\n";
    const crm = `phone,borrower,amount_due,notes\n+91 97000 00001,Asha,120,vip\n+91 97000-00002,"Rao, Ravi",80,\n(0091) 97000 00004,Sam,10,x\n`;
    const { dir, cli } = await loop("sqlite", {
      "campaigns/dues.yaml": CAMPAIGN.replace("recipientsFile: debtors.csv\n", mapping),
      "campaigns/debtors.csv": crm,
    });
    const json = JSON.parse(
      (await cli("--json", "outcomes", "dues-north", "--recipients")).stdout,
    ) as RecipientOutcomesReport;
    expect(json.columns).toEqual([
      { variable: "text1", name: "borrower" },
      { variable: "text2", name: "amount_due" },
    ]);
    expect(json.recipients.map((r) => [r.calleeNumber, { ...r.variables }, r.outcome])).toEqual([
      ["9197•••••001", { borrower: "Asha", amount_due: "120" }, "connected"],
      ["9197•••••002", { borrower: "Rao, Ravi", amount_due: "80" }, "noAnswer"],
      ["9197•••••004", { borrower: "Sam", amount_due: "10" }, null],
    ]);
    const csv = await cli("outcomes", "dues-north", "--recipients", "--format", "csv");
    expect(csv.stdout.split("\n")[0]).toMatch(/^calleeNumber,borrower,amount_due,attempts,/);
    expect((await cli("outcomes", "dues-north", "--unreached", "--out", "campaigns/again.csv")).code).toBe(0);
    const again = await readFile(join(dir, "campaigns/again.csv"), "utf8");
    expect(again).toBe(
      'phone,borrower,amount_due,notes\n+91 97000-00002,"Rao, Ravi",80,\n(0091) 97000 00004,Sam,10,x\n',
    );
    await writeFile(
      join(dir, "campaigns/again.yaml"),
      CAMPAIGN.replace("dues-north", "dues-again").replace(
        "recipientsFile: debtors.csv\n",
        mapping.replace("debtors", "again"),
      ),
    );
    const loaded = await loadDir(dir, ["campaigns/again.yaml"]);
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(loaded.campaigns[0]!.recipients).toEqual([
      { calleeNumber: N2, text1: "Rao, Ravi", text2: "80" },
      { calleeNumber: N4, text1: "Sam", text2: "10" },
    ]);
  });
});

describe("closing the loop: the HTML report", () => {
  test("self-contained, SVG charts with text alternatives, no numbers, hostile names escaped", async () => {
    const { dir, cli } = await loop("sqlite", {
      "campaigns/hostile.yaml": `taskName: ${JSON.stringify(HOSTILE)}\nappId: Jgd8oFei\nagentId: 110\nnumberInfoList:\n  - calleeNumber: "919700000005"\n`,
    });
    const hostileReport = reportRecord("v4", { taskId: 5001, callee: "919700000005", intent: "<script>x</script>" });
    await writeFile(join(dir, "hostile.json"), JSON.stringify(hostileReport));
    expect((await cli("reports", "import", "hostile.json")).code).toBe(0);
    const run = await cli("outcomes", "--format", "html", "--out", "report.html");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    const html = await readFile(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(RAW_NUMBER);
    // Nothing to load: no script, image, frame or link, no attribute naming a resource, no CSS import.
    expect(html).not.toMatch(
      /<(script|img|link|iframe|object|embed)\b|\s(src|href|xlink:href)\s*=\s*["']|url\(|@import|https?:\/\//i,
    );
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;");
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(6);
    expect(html.match(/<svg [^>]*role="img" aria-label="[^"]+" aria-describedby="[^"]+-desc"/g)!.length).toBe(
      html.match(/<svg /g)!.length,
    );
    expect(html).toContain("<desc id=");
    expect(html).toContain("<table>");
    // One campaign asked for: only its section (and the overview of it).
    const one = await cli("outcomes", "dues-north", "--format", "html");
    expect(one.stdout).toContain("dues-north");
    expect(one.stdout).not.toContain("onerror");
  });
});

describeBrowser("closing the loop: the HTML report in headless Chromium", () => {
  test("renders from file:// with visible charts, no console error, no request but the file, no number in the DOM", async () => {
    const { dir, cli } = await loop("sqlite", {
      "campaigns/hostile.yaml": `taskName: ${JSON.stringify(HOSTILE)}\nappId: Jgd8oFei\nagentId: 110\nnumberInfoList:\n  - calleeNumber: "919700000005"\n`,
    });
    expect((await cli("outcomes", "--format", "html", "--out", "report.html")).code).toBe(0);
    const file = join(dir, "report.html");
    await withPage(file, async ({ page, requests, errors }) => {
      const charts = page.locator("svg.chart");
      expect(await charts.count()).toBeGreaterThanOrEqual(5);
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(0);
        expect(box?.height).toBeGreaterThan(0);
      }
      expect(await page.locator("img, script, iframe, object, embed").count()).toBe(0);
      expect(await page.locator("h2").allTextContents()).toContain(HOSTILE);
      expect(await page.title()).toBe("Campaign outcomes");
      const dom = await page.content(); // the DOM as rendered, serialized
      expect(dom).not.toMatch(RAW_NUMBER);
      await screenshot(page, "outcomes-report.png");
      expect(errors).toEqual([]);
      expect(requests).toEqual([expect.stringMatching(/^file:\/\/.*report\.html$/)]);
    });
  }, 60_000);
});
