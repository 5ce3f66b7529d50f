import { request } from "undici";
import { describe, expect, test } from "vitest";
import { TEST_TOKEN, reportRecord, testReceiver } from "../helpers.js";

async function push(url: string, body: Buffer) {
  const response = await request(`${url}/reports/${TEST_TOKEN}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  return { status: response.statusCode, text: await response.body.text() };
}

// Invalid sequences of each kind: a lone continuation byte, an overlong form, a surrogate, a cut-off
// sequence, a byte that never occurs in UTF-8.
const INVALID = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf5, 0x80, 0x80, 0x80]];

describe("receiver and invalid UTF-8", () => {
  test("a body with invalid UTF-8 is refused whole (400): two different bad ids never collapse into one", async () => {
    const { receiver, store } = await testReceiver();
    for (const [i, bad] of INVALID.entries()) {
      for (const other of INVALID.slice(i + 1)) {
        // Two records whose voiceIds differ only in their invalid bytes.
        const [head, middle, tail] = JSON.stringify([reportRecord("\u0000A"), reportRecord("\u0000B")]).split(
          /\\u0000[AB]/,
        );
        const body = Buffer.concat([
          Buffer.from(head!),
          Buffer.from(bad),
          Buffer.from(middle!),
          Buffer.from(other),
          Buffer.from(tail!),
        ]);
        const answer = await push(receiver.url, body);
        expect(answer.status).toBe(400);
        expect(answer.text).toContain("not valid UTF-8");
      }
    }
    expect(await store.count()).toBe(0);
  });

  test("valid UTF-8 ids that differ are both stored, exactly as received", async () => {
    const { receiver, store } = await testReceiver();
    const ids = ["vé-1", "ve\u0301-1", "v-\u{1f4de}", "v-\u00e9"];
    const answer = await push(receiver.url, Buffer.from(JSON.stringify(ids.map((id) => reportRecord(id)))));
    expect(answer.status).toBe(200);
    expect(await store.count()).toBe(ids.length);
  });
});
