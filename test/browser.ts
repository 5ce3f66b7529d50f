import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { describe } from "vitest";

/**
 * Debian's Chromium (CAMPAIGN_TEST_CHROMIUM, else /usr/bin/chromium), driven by playwright-core.
 * .ci/run installs it; with CI=true the browser tests are required (they fail without it),
 * elsewhere they are skipped with a note, as the PostgreSQL tests are.
 */
export const CHROMIUM = process.env["CAMPAIGN_TEST_CHROMIUM"] ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env["CI"] !== "true")
  console.warn(`note: the browser tests are skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
export const describeBrowser = available || process.env["CI"] === "true" ? describe : describe.skip;

/** Where tests keep what a person may want to look at (gitignored): screenshots of rendered pages. */
export const ARTIFACTS = resolve("test-artifacts");

// No network at all: this machine's is closed, and a self-contained page needs none.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface RenderedPage {
  page: Page;
  /** Every request the page made, the file itself included. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

/** Opens a local HTML file from file:// in headless Chromium with a fresh profile; any other request is refused. */
export async function withPage<T>(file: string, work: (rendered: RenderedPage) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), "campaign-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const errors: string[] = [];
    await context.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => void requests.push(request.url()));
    page.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
    page.on("pageerror", (error) => void errors.push(error.message));
    await page.goto(url, { waitUntil: "load" });
    return await work({ page, requests, errors });
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** A full-page screenshot under test-artifacts/, for people to look at; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
