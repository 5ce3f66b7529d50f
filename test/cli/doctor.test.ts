import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { doctorSchema, type DoctorReport } from "../../src/schema/generated/index.js";
import { fakePlatform, ok, refuse, type Body, type FakeOptions } from "../fakes/platform.js";
import { runCli, tempDir } from "../helpers.js";

// `campaign doctor` against the independent fake platform: exactly one signed task query is
// sent (the fake fails the test on anything else), nothing is ever created, cancelled or changed.

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validDoctorReport = ajv.compile(doctorSchema);

const TOKEN = "receiver-token-0123456789abcdef";
const QUERY = "POST /voice/group/call/query" as const;
const lastDayQuery = (body: Body) =>
  body.current === 1 &&
  body.size === 1 &&
  body.params.taskType === 3 &&
  typeof body.params.strTime === "string" &&
  typeof body.params.endTime === "string";
const taskPage = ok({
  total: 1,
  records: [{ taskId: 700001, taskName: "reminders", status: 2, createdTime: "2026-11-25 10:00:00" }],
});

async function project(config = "api:\n  appId: Jgd8oFei\n  timeoutMs: 2000\n"): Promise<string> {
  return tempDir({ "campaign.config.yaml": config });
}

async function doctor(
  fakeOptions: FakeOptions,
  script: (fake: Awaited<ReturnType<typeof fakePlatform>>) => void,
  env: Record<string, string> = {},
  args: string[] = [],
) {
  const fake = await fakePlatform(fakeOptions);
  script(fake);
  const dir = await project();
  const run = await runCli(
    ["doctor", ...args],
    dir,
    { ...fake.env, CAMPAIGN_RECEIVER_TOKEN: TOKEN, ...env },
    fake.now(),
  );
  return { fake, run, dir };
}

const statuses = (stdout: string): Record<string, string> =>
  Object.fromEntries((JSON.parse(stdout) as DoctorReport).checks.map((c) => [c.id, c.status]));

describe("campaign doctor", () => {
  it("passes against a healthy platform with one read and nothing else", async () => {
    const { fake, run } = await doctor({}, (f) => f.expect(QUERY, lastDayQuery, taskPage));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.requests.map((r) => r.route)).toEqual([QUERY]);
    for (const id of [
      "credentials",
      "connection",
      "signed-request",
      "clock",
      "answer-shape",
      "app-id",
      "receiver",
      "state",
      "state-lock",
    ])
      expect(run.stdout).toMatch(new RegExp(`^✓ ${id}\\b`, "m"));
    expect(run.stdout).toContain("Doctor: 9 passed, 0 warnings, 0 failed.");
    expect(run.stdout).not.toContain(fake.env.LAAFFIC_API_SECRET);
  });

  it("prints one JSON document that validates against schemas/doctor.schema.json", async () => {
    const { run } = await doctor({}, (f) => f.expect(QUERY, lastDayQuery, taskPage), {}, ["--format", "json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(validDoctorReport(report), JSON.stringify(validDoctorReport.errors)).toBe(true);
    expect(report.ok).toBe(true);
    expect(new Set(report.checks.map((c) => c.id)).size).toBe(report.checks.length);
  });

  it("names authentication and never prints the secret, for secrets of every kind", async () => {
    const secrets = ["wrong-secret-XYZ987", "7bz1lzh9", "a", "S".repeat(200), "pä$$ wörd ∑", "123456789012345"];
    for (const secret of secrets) {
      for (const format of ["text", "json"]) {
        const { fake, run } = await doctor(
          { refuseBadSignatures: true },
          () => undefined,
          { LAAFFIC_API_SECRET: secret },
          ["--format", format],
        );
        expect(run.code, secret).toBe(1);
        expect(run.stdout).toContain("authentication failed");
        expect(run.stdout).toContain("LAAFFIC_API_SECRET");
        for (const shown of [run.stdout, run.stderr])
          expect(shown.includes(secret) && secret.length > 1, `${format}: ${secret}`).toBe(false);
        if (format === "json") {
          expect(validDoctorReport(JSON.parse(run.stdout))).toBe(true);
          expect(statuses(run.stdout)["signed-request"]).toBe("fail");
        }
        expect(fake.requests).toHaveLength(1);
      }
    }
  });

  it("masks the secret and key when the platform's message echoes them", async () => {
    const { fake, run } = await doctor(
      {},
      (f) =>
        f.expect(
          QUERY,
          lastDayQuery,
          refuse("-1", `bad sign for ${f.env.LAAFFIC_API_KEY}/${f.env.LAAFFIC_API_SECRET}`),
        ),
      {},
      ["--json"],
    );
    expect(run.code).toBe(1);
    for (const secret of [fake.env.LAAFFIC_API_SECRET, fake.env.LAAFFIC_API_KEY])
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it("explains each refusal of the signed query with its fix", async () => {
    const cases: [string, RegExp][] = [
      ["-1", /fix: check LAAFFIC_API_KEY and LAAFFIC_API_SECRET/],
      ["-2", /IP restricted[\s\S]*fix: allow this machine's IP/],
      ["-16", /timestamp expired[\s\S]*fix: sync this machine's clock \(NTP\)/],
      ["-30", /API key is disabled[\s\S]*fix: enable the key/],
      ["-31", /not whitelisted[\s\S]*fix: add this machine's IP/],
      ["-32", /no permission for the application[\s\S]*fix: check api.appId/],
      ["-77", /platform code -77[\s\S]*fix: an error code this tool does not know/],
    ];
    for (const [code, expected] of cases) {
      const { run } = await doctor({}, (f) => f.expect(QUERY, lastDayQuery, refuse(code, "平台消息")));
      expect(run.code, code).toBe(1);
      expect(run.stdout, code).toMatch(/^✗ signed-request/m);
      expect(run.stdout, code).toMatch(expected);
      expect(run.stdout, code).toMatch(/^- answer-shape +not checked/m);
    }
  });

  it("compares our clock with the platform's Date header", async () => {
    const cases: [number, number, RegExp][] = [
      [10 * 60_000, 1, /✗ clock +our clock is (599|600|601) s behind the platform's/],
      [-15 * 60_000, 1, /✗ clock +our clock is (899|900|901) s ahead of the platform's/],
      [200_000, 0, /! clock +our clock is (199|200|201) s behind the platform's \(Date header\): close to the limit/],
      [0, 0, /✓ clock +our clock (agrees with|is 1 s (ahead of|behind)) the platform's/],
    ];
    for (const [offset, code, expected] of cases) {
      const { run } = await doctor({ dateOffsetMs: offset }, (f) => f.expect(QUERY, lastDayQuery, taskPage));
      expect(run.code, String(offset)).toBe(code);
      expect(run.stdout, String(offset)).toMatch(expected);
    }
  });

  it("says which layer fails when the base URL is unreachable, and sends nothing", async () => {
    const closedPort = await freePort();
    const plain = await plainTcpServer();
    const cases: [string, RegExp][] = [
      [
        `https://127.0.0.1:${plain}`,
        /✗ connection +https:\/\/127\.0\.0\.1:\d+: TLS: [^\n]+\n +fix: the server's certificate was not accepted/,
      ],
      [
        `http://127.0.0.1:${closedPort}`,
        /✗ connection +http:\/\/127\.0\.0\.1:\d+: TCP: connection refused\n +fix: nothing listens/,
      ],
      [
        "http://doctor-check.invalid",
        /✗ connection +http:\/\/doctor-check\.invalid: DNS: host name not found\n +fix: the host name does not resolve/,
      ],
    ];
    for (const [url, expected] of cases) {
      const dir = await project();
      const run = await runCli(
        ["doctor"],
        dir,
        {
          LAAFFIC_BASE_URL: url,
          LAAFFIC_API_KEY: "key-12345678",
          LAAFFIC_API_SECRET: "never-shown-secret",
          CAMPAIGN_RECEIVER_TOKEN: TOKEN,
        },
        Date.now(),
      );
      expect(run.code, url).toBe(1);
      expect(run.stdout, url).toMatch(expected);
      for (const id of ["signed-request", "clock", "answer-shape"])
        expect(run.stdout).toMatch(new RegExp(`^- ${id} +not checked: no connection`, "m"));
      expect(run.stdout + run.stderr).not.toContain("never-shown-secret");
    }
  });

  it("shows how an answer differs from what the client reads: keys and types, never values", async () => {
    const answers = [
      {
        data: { rows: [{ id: 1 }] },
        expected: /task query: the answer has no records list; it was data \{"rows": array\}/,
      },
      {
        data: { total: 1, records: [{ id: 5, name: "919812345678" }] },
        expected:
          /a record lacks its id, name or status; it was data \{"total": number, "records": array\}; first record \{"id": number, "name": string\}/,
      },
      { data: [919812345678], expected: /it was data array of 1/ },
    ];
    for (const { data, expected } of answers) {
      const { run } = await doctor({}, (f) => f.expect(QUERY, lastDayQuery, ok(data)));
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^✓ signed-request/m);
      expect(run.stdout).toMatch(/^✗ answer-shape/m);
      expect(run.stdout).toMatch(expected);
      expect(run.stdout).not.toContain("919812345678");
    }
  });

  it("without credentials checks the rest and asks the platform nothing", async () => {
    const fake = await fakePlatform();
    const dir = await project("{}\n");
    const run = await runCli(["doctor", "--format", "json"], dir, { LAAFFIC_BASE_URL: fake.url }, fake.now());
    expect(run.code).toBe(1);
    expect(fake.requests).toHaveLength(0);
    expect(statuses(run.stdout)).toEqual({
      credentials: "fail",
      connection: "skip",
      "signed-request": "skip",
      clock: "skip",
      "answer-shape": "skip",
      "app-id": "warn",
      receiver: "warn",
      state: "pass",
      "state-lock": "pass",
    });
  });

  it("reports a held lock as a warning with its holder, an unreadable one as a failure with its id", async () => {
    const held = JSON.stringify({
      id: "lock-abc123",
      pid: 4242,
      host: "ci-runner-7",
      user: "ci",
      command: "campaign apply",
      startedAt: "2026-11-25T11:00:00.000Z",
    });
    for (const [lock, code, expected] of [
      [
        held,
        0,
        /! state-lock +locked by campaign apply \(pid 4242 on ci-runner-7[\s\S]*fix: wait for it to end; only if that process is gone: campaign force-unlock lock-abc123/,
      ],
      [
        "{not json",
        1,
        /✗ state-lock +the lock file cannot be read[\s\S]*fix: campaign force-unlock unreadable-[0-9a-f]{12}/,
      ],
    ] as const) {
      const fake = await fakePlatform();
      fake.expect(QUERY, lastDayQuery, taskPage);
      const dir = await tempDir({
        "campaign.config.yaml": "api:\n  appId: Jgd8oFei\n",
        ".campaign/state.json.lock": lock,
      });
      const run = await runCli(["doctor"], dir, { ...fake.env, CAMPAIGN_RECEIVER_TOKEN: TOKEN }, fake.now());
      expect(run.code).toBe(code);
      expect(run.stdout).toMatch(expected);
    }
  });
});

/** Answers every connection with bytes that are no TLS handshake; closed after the test file. */
async function plainTcpServer(): Promise<number> {
  const server = createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
