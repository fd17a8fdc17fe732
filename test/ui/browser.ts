/**
 * Headless Chromium for the UI tests: Debian's `chromium` (installed by scripts/ui/setup.sh),
 * driven by puppeteer-core, which never downloads a browser.
 */
import { execFileSync } from "node:child_process";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("chromium is not installed: run `bash scripts/ui/setup.sh` (npm test's pretest does)");
  }
}

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // root in CI containers: Chromium's sandbox needs user namespaces it may not have.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Open `url` in a new 1280-wide page; browser-side errors fail the test that reads `errors`. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors };
}
