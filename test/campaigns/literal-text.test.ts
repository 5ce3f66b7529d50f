import { describe, expect, test } from "vitest";
import { loadDir, located, tempDir } from "../helpers.js";

const campaign = (taskName: string, extra = "") =>
  `taskName: ${taskName}\nappId: Jgd8oFei\nagentId: 110\n${extra}numberInfoList:\n  - calleeNumber: "919700000001"\n    text1: Asha\n`;

describe("text sent or kept as written, where it looks like a mistake", () => {
  test("a ${…} placeholder in a campaign no forEach generated is a warning at its line", async () => {
    const dir = await tempDir({
      "c.yaml": campaign("dues-${region}", 'description: "dues for ${region}"\n'),
    });
    expect(located(await loadDir(dir))).toEqual([
      "c.yaml:1:11: warning placeholder-outside-template: taskName holds a ${…} placeholder, but this campaign is no forEach template: it is sent as written",
      "c.yaml:4:14: warning placeholder-outside-template: description holds a ${…} placeholder, but this campaign is no forEach template: it is sent as written",
    ]);
  });

  test("a generated campaign's literal ${ (written $${) is not warned about", async () => {
    const dir = await tempDir({
      "c.yaml": `forEach: [{region: north}]\n${campaign("dues-${region}", 'description: "costs $${amount}"\n')}`,
    });
    expect(located(await loadDir(dir))).toEqual([]);
  });

  test("a taskName holding a phone number is a warning, the number masked", async () => {
    const dir = await tempDir({ "c.yaml": campaign("call-919777654321") });
    const lines = located(await loadDir(dir));
    expect(lines).toEqual([
      "c.yaml:1:11: warning task-name-holds-number: taskName holds what reads as a phone number (9197•••••321): task names are kept in the state and shown unmasked in every plan",
    ]);
    // Dates and short ids are no phone numbers.
    for (const name of ["dues-20261201", "batch-1234567", "x-2026-12-01"]) {
      const fine = await tempDir({ "c.yaml": campaign(name) });
      expect(located(await loadDir(fine)), name).toEqual([]);
    }
  });
});
