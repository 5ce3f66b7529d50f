import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignOutcomes } from "../../src/reports/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

/** Names that are members of Object.prototype: as keys of `{}` they would read, or set, the prototype. */
const NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
  "toLocaleString",
];
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  const plain = {} as Record<string, unknown>;
  for (const key of ["status", "taskId", "recipients", "definitionHash"]) expect(plain[key]).toBeUndefined();
}

describe("taskNames that are Object.prototype members are names like any other", () => {
  test("validate → plan → apply (simulator) → state list/show/forget → refresh → plan again: no crash, no pollution", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir(
      Object.fromEntries(
        NAMES.map((name, i) => [`campaigns/c${i}.yaml`, campaignYaml(`'${name}'`, "", [`91970000010${i}`])]),
      ),
    );
    const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
    const noTrace = (run: { stderr: string }) => expect(run.stderr).not.toMatch(/internal error|\n\s+at /);

    const validated = await cli("validate");
    noTrace(validated);
    expect(validated.code).toBe(0);
    const plan = await cli("plan", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`Plan: ${NAMES.length} to create, 0 unchanged.`);
    const applied = await cli("apply", "--auto-approve");
    noTrace(applied);
    expect(applied.code).toBe(0);
    expect(Object.entries(sim.stats().tasksCreatedByName).sort()).toEqual(NAMES.map((n) => [n, 1]).sort());

    const state = (await readStateFile(join(dir, ".campaign", "state.json")))!;
    expect(Object.keys(state.campaigns).sort()).toEqual([...NAMES].sort());
    expect(Object.getPrototypeOf(state.campaigns)).toBeNull();
    const raw = JSON.parse(await readFile(join(dir, ".campaign", "state.json"), "utf8")) as { campaigns: object };
    expect(Object.keys(raw.campaigns).sort()).toEqual([...NAMES].sort());

    const list = await cli("--json", "state", "list");
    expect(Object.keys((JSON.parse(list.stdout) as { campaigns: object }).campaigns).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) {
      const show = await cli("--json", "state", "show", name);
      expect(show.code, name).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ taskName: name, status: "submitted" });
    }
    const again = await cli("plan", "--detailed-exitcode");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Plan: 0 to create, ${NAMES.length} unchanged.`);
    const refreshed = await cli("refresh");
    noTrace(refreshed);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toContain(`Refreshed ${NAMES.length} campaigns`);

    for (const name of ["__proto__", "constructor"]) expect((await cli("state", "forget", name)).code).toBe(0);
    const after = (await readStateFile(join(dir, ".campaign", "state.json")))!;
    expect(Object.keys(after.campaigns).sort()).toEqual(
      NAMES.filter((n) => n !== "__proto__" && n !== "constructor").sort(),
    );
    expectNoPollution();
  });

  test("state show / forget / resolve of an unknown campaign (prototype names too): exit 1, the state unchanged", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha") });
    const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    const before = await readFile(join(dir, ".campaign", "state.json"));
    for (const name of ["nope", ...NAMES]) {
      for (const args of [
        ["state", "show", name],
        ["state", "forget", name],
        ["state", "resolve", name, "--not-submitted"],
        ["state", "resolve", name, "--check"],
        ["outcomes", name],
      ]) {
        const run = await cli(...args);
        expect(run.code, args.join(" ")).toBe(1);
        expect(run.stderr, args.join(" ")).toContain(`"${name}" is not in the state`);
      }
    }
    expect(await readFile(join(dir, ".campaign", "state.json"))).toEqual(before);
    expectNoPollution();
  });

  test("outcomes: intents and campaigns named like prototype members are counted, not merged into Object.prototype", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({
      "campaigns/a.yaml": campaignYaml("'__proto__'"),
      "campaigns/b.yaml": campaignYaml("'constructor'", "", ["919700000002"]),
    });
    expect((await runCli(["apply", "--auto-approve"], dir, simulatorEnv(sim), daytimeNow())).code).toBe(0);
    const state = (await readStateFile(join(dir, ".campaign", "state.json")))!;
    const row = (taskId: number, intent: string) => ({
      taskId,
      sourceTaskId: null,
      calleeHash: null,
      recallRound: null,
      outcome: "connected" as const,
      intent,
      calls: 2,
      billedLineSeconds: 10,
      aiAgentBilledSeconds: 10,
      cost: 0.1,
      aiAgentFee: 0.1,
      currency: "USD",
      lastHangupTime: 1_900_000_000_000,
      unreadableTimes: 0,
    });
    const rows = [
      row(state.campaigns["__proto__"]!.taskId!, "__proto__"),
      row(state.campaigns["constructor"]!.taskId!, "constructor"),
      row(state.campaigns["constructor"]!.taskId!, "toString"),
    ];
    const report = campaignOutcomes(rows, state);
    expect(report.campaigns.map((c) => [c.taskName, c.calls, { ...c.intents }])).toEqual([
      ["__proto__", 2, JSON.parse('{"__proto__": 2}')],
      ["constructor", 4, { constructor: 2, toString: 2 }],
    ]);
    expect(Object.keys(report.campaigns[0]!.intents)).toEqual(["__proto__"]);
    expect(JSON.parse(JSON.stringify(report)).campaigns[0].intents).toEqual(JSON.parse('{"__proto__": 2}'));
    expectNoPollution();
  });
});
