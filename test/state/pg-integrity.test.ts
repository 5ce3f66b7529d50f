import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { openPgStateBackend } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";
import { describePg, freshSchema, PG_URL, pgQuery } from "../pg-helpers.js";

async function workspace(names: string[]) {
  const sim = await testSimulator({ now: daytimeNow });
  const schema = freshSchema();
  const files: Record<string, string> = {
    "campaign.config.yaml": `state:\n  backend: postgres\n  schema: ${schema}\n`,
  };
  for (const [i, name] of names.entries())
    files[`campaigns/c${i}.yaml`] = campaignYaml(`'${name}'`, "", [String(919_700_000_200 + i)]);
  const dir = await tempDir(files);
  const env = { ...simulatorEnv(sim), CAMPAIGN_PG_URL: PG_URL! };
  return { sim, schema, dir, cli: (...args: string[]) => runCli(args, dir, env, daytimeNow()) };
}

describePg("state integrity on PostgreSQL", () => {
  test("a state-less saved plan keeps its salt beside state.path; prototype names read back as names; a record of the wrong shape is state-corrupt", async () => {
    const { sim, schema, dir, cli } = await workspace(["__proto__", "constructor"]);
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    const salt = (await readFile(join(dir, ".campaign", "state.json.new-salt"), "utf8")).trim();
    expect(await readFile(join(dir, "plan.json"), "utf8")).not.toContain(salt);
    expect((await cli("apply", "plan.json")).code).toBe(0);
    expect(Object.keys(sim.stats().tasksCreatedByName).sort()).toEqual(["__proto__", "constructor"]);

    const backend = await openPgStateBackend(PG_URL, schema);
    try {
      const state = (await backend.read())!;
      expect(state.salt).toBe(salt);
      expect(Object.getPrototypeOf(state.campaigns)).toBeNull();
      expect(Object.keys(state.campaigns).sort()).toEqual(["__proto__", "constructor"]);
    } finally {
      await backend.close();
    }
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(0);
    await expect(stat(join(dir, ".campaign", "state.json.new-salt"))).rejects.toThrow();

    await pgQuery(
      `UPDATE "${schema}".campaigns SET record = jsonb_set(record, '{status}', '"sent-maybe"') WHERE task_name = 'constructor'`,
    );
    const refused = await cli("plan");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("does not match schemas/state.schema.json (/campaigns/constructor/status");
  });
});
