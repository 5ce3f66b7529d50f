import { describe, expect, test } from "vitest";
import { maskConnectionString } from "../../src/privacy/index.js";
import { maskPgUrl } from "../../src/pg/index.js";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const ALPHABET = "abcXYZ019/@#:?&=%+ !$'()*,;[]~-._";

describe("PostgreSQL URLs are masked whatever the password holds", () => {
  test("generated passwords, users, schemes, hosts and queries", () => {
    const next = random(3);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    for (let n = 0; n < 3000; n++) {
      let password = "";
      const length = 1 + Math.floor(next() * 16);
      for (let i = 0; i < length; i++) password += ALPHABET[Math.floor(next() * ALPHABET.length)];
      password = "Q" + password; // always something that is not in the rest of the URL
      const user = pick(["campaigns", "u", "user.name", "app_user"]);
      const scheme = pick(["postgres://", "postgresql://", ""]);
      const host = pick(["127.0.0.1:5432", "db.example.org", "[::1]:5433", "host"]);
      const query = pick(["", "?sslmode=require", "?sslmode=require&password=Qquery"]);
      const url = `${scheme}${user}:${password}@${host}/db${query}`;
      const masked = maskPgUrl(url);
      expect(masked, url).toBe(`${scheme}${user}:***@${host}/db${query.replace("Qquery", "***")}`);
      // Inside a driver's message that echoes the URL and the password, decoded or not.
      const message = `connect to ${url} failed: password "${password}" (${decodeSafely(password)}) rejected`;
      const inText = maskConnectionString(message, { knownUrls: [url] });
      if (password.length >= 4) {
        expect(inText, message).not.toContain(password);
        expect(inText).not.toContain(decodeSafely(password));
      }
      if (!/\s/.test(password)) expect(inText).not.toContain(`${user}:${password}`);
    }
  });

  test("unparsable URLs, no scheme, no password, user with odd characters, conninfo strings", () => {
    expect(maskPgUrl("postgres://user:p@ss/w#rd@host/db")).toBe("postgres://user:***@host/db");
    expect(maskPgUrl("postgres://p@ss@host/db")).toBe("postgres://***@host/db");
    expect(maskPgUrl("user:secret@host:5432/db")).toBe("user:***@host:5432/db");
    expect(maskPgUrl("postgres://user@host/db")).toBe("postgres://user@host/db");
    expect(maskPgUrl("postgres://host/db")).toBe("postgres://host/db");
    expect(maskPgUrl("postgres://us/er:pw@host/db")).toBe("postgres://***@host/db");
    expect(maskPgUrl("postgresql://u:pa ss word@host/db")).toBe("postgresql://u:***@host/db");
    expect(maskPgUrl("host=h port=5432 password=s3cret dbname=d")).toBe("host=h port=5432 password=*** dbname=d");
    expect(maskPgUrl("host=h password = 'a b@c' user=u")).toBe("host=h password = *** user=u");
    expect(maskPgUrl("postgres://h/db?sslpassword=x&PASSWORD=y")).toBe("postgres://h/db?sslpassword=***&PASSWORD=***");
    expect(maskConnectionString("see postgres://a:b@c/d and http://x:y@z/ too")).toBe(
      "see postgres://a:***@c/d and http://x:***@z/ too",
    );
  });
});

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
