import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { withDemoWorld } from "../../src/app/demo.js";
import { appContext } from "./context-fixture.js";

describe("withDemoWorld", () => {
  test("a temporary project on the simulator's account, taken down again afterwards", async () => {
    const seen = await withDemoWorld(appContext("/", { PATH: "/bin", LAAFFIC_API_KEY: "real-key" }), async (world) => {
      expect(world.env).toMatchObject({
        PATH: "/bin",
        LAAFFIC_BASE_URL: world.simulatorUrl,
        LAAFFIC_API_KEY: "demo-key",
      });
      expect((await stat(join(world.dir, "campaigns", "minimal.yaml"))).isFile()).toBe(true);
      expect(await world.deliverReports()).toMatchObject({ reportsSent: 0, stored: 0 });
      return world.dir;
    });
    await expect(stat(seen)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
