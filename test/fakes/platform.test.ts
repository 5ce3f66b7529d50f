import { createHash } from "node:crypto";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { fakePlatform, ok, type Route } from "./platform.js";

// The fake is what the Bar tests stand on: it must refuse what the doc refuses and fail loudly.

function signed(fake: { env: Record<string, string>; now(): number }, tweak: Record<string, string> = {}) {
  const timestamp = String(Math.floor(fake.now() / 1000));
  const sign = createHash("md5")
    .update(`${fake.env.LAAFFIC_API_KEY}${fake.env.LAAFFIC_API_SECRET}${timestamp}`)
    .digest("hex");
  return {
    "Api-Key": fake.env.LAAFFIC_API_KEY!,
    Timestamp: timestamp,
    Sign: sign,
    "Content-Type": "application/json;charset=UTF-8",
    ...tweak,
  };
}

async function post(url: string, path: string, body: unknown, headers: Record<string, string>) {
  const res = await request(url + path, { method: "POST", body: JSON.stringify(body), headers });
  return (await res.body.json()) as { code: string; msg: string; data: unknown };
}

describe("fake platform", () => {
  test("answers a scripted request once, records it, and done() passes", async () => {
    const fake = await fakePlatform();
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, ok(null));
    expect(await post(fake.url, "/voice/recallFlow/cancel", { type: 1, id: 900 }, signed(fake))).toEqual({
      code: "0",
      msg: "success",
      data: null,
    });
    expect(fake.requests.map((r) => [r.route, r.body])).toEqual([
      ["POST /voice/recallFlow/cancel", { type: 1, id: 900 }],
    ]);
    fake.done();
  });

  test.each<{ name: string; path: string; body: unknown; headers: Record<string, string> }>([
    { name: "an unscripted route", path: "/voice/group/call/cancel", body: { taskIdList: [1] }, headers: {} },
    { name: "a body that does not match", path: "/voice/recallFlow/cancel", body: { type: 2, id: 900 }, headers: {} },
    {
      name: "a wrong Sign",
      path: "/voice/recallFlow/cancel",
      body: { type: 1, id: 900 },
      headers: { Sign: "0".repeat(32) },
    },
    {
      name: "another Api-Key",
      path: "/voice/recallFlow/cancel",
      body: { type: 1, id: 900 },
      headers: { "Api-Key": "someone-else" },
    },
    {
      name: "a stale Timestamp",
      path: "/voice/recallFlow/cancel",
      body: { type: 1, id: 900 },
      headers: { Timestamp: "1630468800" },
    },
    {
      name: "no JSON content type",
      path: "/voice/recallFlow/cancel",
      body: { type: 1, id: 900 },
      headers: { "Content-Type": "text/plain" },
    },
  ])("$name: answered -99, and done() names it and the unused answer", async ({ path, body, headers }) => {
    const fake = await fakePlatform();
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, ok(null));
    expect(await post(fake.url, path, body, signed(fake, headers))).toMatchObject({ code: "-99" });
    expect(() => fake.done()).toThrow(
      /unexpected: POST \/voice\/[\s\S]*never requested: POST \/voice\/recallFlow\/cancel/,
    );
    fake.reset();
  });

  test("a body check and an answer computed from the body; a route outside the doc is refused at once", async () => {
    const fake = await fakePlatform();
    fake.expect(
      "POST /voice/recallFlow/queryDetail",
      (b) => b.keyId === 7,
      (b) => ok({ keyId: b.keyId }),
    );
    expect(await post(fake.url, "/voice/recallFlow/queryDetail", { keyId: 7 }, signed(fake))).toMatchObject({
      data: { keyId: 7 },
    });
    expect(() => fake.expect("POST /voice/recallflow/cancel" as Route, {}, ok(null))).toThrow(
      "not a documented endpoint",
    );
    fake.done();
  });
});
