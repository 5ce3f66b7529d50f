import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, runCli, tempDir, TEST_TOKEN } from "../helpers.js";

const NO_STACK = /\n\s+at .*:\d+:\d+|internal error/;

describe("LAAFFIC_BASE_URL is checked like api.baseUrl", () => {
  const BAD = [
    "ftp://x",
    "not a url",
    "http://",
    "https://",
    "http:// spaced.example",
    "https://exa mple.com",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "api.laaffic.com",
    "//api.laaffic.com",
    "http://[::1",
    "http://:80",
    "https://x:99999",
    "HTTP://X",
    "http:x",
    "\thttps://api.laaffic.com",
    "https://api.laaffic.com\n",
    "data:text/plain,x",
    "mailto:a@b.c",
  ];
  const GOOD = [
    "https://api.laaffic.com",
    "http://127.0.0.1:8765",
    "https://api.example.com/prefix",
    "http://[::1]:8080",
  ];

  test("every malformed value: exit 1, says it came from the environment, for config-reading commands", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("base-url") });
    for (const value of BAD) {
      for (const command of [["validate"], ["plan"], ["refresh"], ["state", "list"]]) {
        const run = await runCli(command, dir, {
          LAAFFIC_BASE_URL: value,
          LAAFFIC_API_KEY: "k",
          LAAFFIC_API_SECRET: "s",
        });
        const what = `${command.join(" ")} with LAAFFIC_BASE_URL=${JSON.stringify(value)}`;
        expect(run.code, what).toBe(1);
        expect(run.stderr, what).toContain("error config-invalid: LAAFFIC_BASE_URL (from the environment)");
        expect(run.stderr, what).not.toMatch(NO_STACK);
      }
    }
  });

  test("well-formed values pass; an empty one means unset", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("base-url") });
    for (const value of [...GOOD, "", "   "])
      expect((await runCli(["validate"], dir, { LAAFFIC_BASE_URL: value })).code, value).toBe(0);
  });

  test("api.baseUrl in the config that no URL parser accepts is a config error at its position", async () => {
    for (const value of ["http://:80", "https://x:99999"]) {
      const dir = await tempDir({
        "campaign.config.yaml": `api:\n  baseUrl: "${value}"\n`,
        "campaigns/a.yaml": campaignYaml("base-url"),
      });
      const run = await runCli(["plan"], dir);
      expect(run.code, value).toBe(1);
      expect(run.stderr, value).toContain("campaign.config.yaml:2:12: error invalid-value: api.baseUrl");
    }
  });
});

describe("receiver token", () => {
  const SHORT = ["a", "abc123", "x".repeat(15), "0123456789abcde"];
  const UNSAFE = [
    "has/slash-0123456789",
    "has space 0123456789",
    "percent%2F0123456789",
    "query?0123456789abc",
    "hash#0123456789abcd",
    "ünïcode-0123456789ab",
    "plus+0123456789abcd",
    " leading-0123456789ab",
  ];

  test("shorter than 16 characters, or with characters unsafe in a URL path: refused with a hint, the value never shown", async () => {
    const dir = await tempDir();
    for (const token of [...SHORT, ...UNSAFE]) {
      for (const command of [["receive", "--port", "0"], ["outcomes"]]) {
        const run = await runCli(command, dir, { CAMPAIGN_RECEIVER_TOKEN: token });
        const what = `${command[0]} with token ${JSON.stringify(token)}`;
        expect(run.code, what).toBe(1);
        expect(run.stderr, what).toContain("CAMPAIGN_RECEIVER_TOKEN (from the environment)");
        expect(run.stderr, what).toContain("hint: use a long random token");
        if (token.length >= 6) expect(run.stderr, what).not.toContain(token.trim());
      }
    }
  });

  test("receiver.token in the config follows the same rule", async () => {
    for (const token of ["short", "has/slash-0123456789"]) {
      const dir = await tempDir({ "campaign.config.yaml": `receiver:\n  token: "${token}"\n` });
      const run = await runCli(["receive", "--port", "0"], dir);
      expect(run.code, token).toBe(1);
      expect(run.stderr, token).toContain("campaign.config.yaml:2:10");
    }
  });

  test("a long URL-safe token is accepted (the test token among them)", async () => {
    const dir = await tempDir();
    for (const token of [TEST_TOKEN, "A".repeat(16), "abc_DEF-0123456789"]) {
      const run = await runCli(["outcomes"], dir, { CAMPAIGN_RECEIVER_TOKEN: token });
      expect(run.stderr, token).toContain("error not-found: the report store"); // got past the settings
    }
  });
});

describe("campaign init onto existing things", () => {
  const CASES: Record<string, { setup: Record<string, string>; dirs?: string[]; args: string[]; names: string }> = {
    "target is a file": {
      setup: { "some-file.txt": "hello\n" },
      args: ["init", "some-file.txt"],
      names: "some-file.txt is a file, not a directory",
    },
    "campaigns is a file": {
      setup: { campaigns: "not a dir\n" },
      args: ["init"],
      names: "campaigns is a file, not a directory",
    },
    ".github is a file": { setup: { ".github": "x\n" }, args: ["init"], names: ".github is a file, not a directory" },
    ".github/workflows is a file": {
      setup: { ".github/workflows": "x\n" },
      args: ["init", "--force"],
      names: ".github/workflows is a file, not a directory",
    },
    ".campaign is a file": {
      setup: { "repo/.campaign": "x\n" },
      args: ["init", "repo"],
      names: "repo/.campaign is a file, not a directory",
    },
    "the config is a directory": {
      setup: { "campaign.config.yaml/x": "x\n" },
      args: ["init", "--force"],
      names: "campaign.config.yaml is a directory, not a regular file",
    },
    ".gitignore is a directory": {
      setup: { ".gitignore/x": "x\n" },
      args: ["init"],
      names: ".gitignore is a directory",
    },
    ".gitignore is not UTF-8": { setup: {}, args: ["init"], names: ".gitignore is not valid UTF-8 (line 2, column 3)" },
  };

  for (const [name, { setup, args, names }] of Object.entries(CASES)) {
    test(`${name}: an error naming it, nothing written`, async () => {
      const dir = await tempDir(setup);
      if (name === ".gitignore is not UTF-8")
        await writeFile(join(dir, ".gitignore"), Buffer.from([0x61, 0x0a, 0x62, 0x62, 0xff, 0x0a]));
      const before = await listing(dir);
      const run = await runCli(args, dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(names);
      expect(run.stderr).not.toMatch(NO_STACK);
      expect(await listing(dir)).toEqual(before);
    });
  }

  test("a FIFO where a scaffold file goes: refused without blocking", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "campaigns"));
    execFileSync("mkfifo", [join(dir, "campaigns/example.yaml")]);
    execFileSync("mkfifo", [join(dir, ".gitignore")]);
    const run = await runCli(["init", "--force"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("FIFO");
  });
});

async function listing(dir: string, sub = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
    const rel = join(sub, entry.name);
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await listing(dir, rel)));
    else if (entry.isFile()) out.push(`${rel}=${(await readFile(join(dir, rel))).toString("base64")}`);
  }
  return out.sort();
}
