// botfront's rasa-webchat 1.0.1 (the widget many Rasa sites already embed) against the
// real assistant, in Debian's Chromium. Started by tests/e2e/test_webchat_browser.py, which
// runs the servers and passes:
//   WEBCHAT_ORIGIN   a web origin the assistant allows (CORS_ORIGINS)
//   ASSISTANT_URL    the Rasa server (socket.io channel)
//   WEBCHAT_BUNDLE   rasa-webchat's published bundle (`make webchat`)
//   GREETING, SOURCE_LINE (what the answer asked here must show), SCREENSHOT_DIR
// The page is served from the allowed origin by intercepting its requests, as a clinic's
// site embedding rasa-webchat would be.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "./chromium.mjs";

const ORIGIN = process.env.WEBCHAT_ORIGIN;
const ASSISTANT_URL = process.env.ASSISTANT_URL;
const BUNDLE = process.env.WEBCHAT_BUNDLE;
const GREETING = process.env.GREETING;
const SOURCE_LINE = process.env.SOURCE_LINE;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || "screenshots";
const REPLY_MS = 60000;
// The test fulfils the page itself, so it has no address of its own, and Chromium's
// local-network checks would stop it reaching the loopback assistant. A clinic page and
// its assistant on real hosts do not meet these checks.
const LOCAL_PAGE_ARGS = [
  "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults",
];

for (const [name, value] of Object.entries({ ORIGIN, ASSISTANT_URL, BUNDLE, GREETING, SOURCE_LINE })) {
  assert.ok(value, `${name} must be set (tests/e2e/test_webchat_browser.py sets it)`);
}

// rasa-webchat's own set-up snippet, with its usual initPayload
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic page with rasa-webchat</title></head>
<body>
<h1>Clinic page</h1>
<script src="/rasa-webchat.js"></script>
<script>
  window.WebChat.default({
    initPayload: "/greet",
    customData: { language: "en" },
    socketUrl: ${JSON.stringify(ASSISTANT_URL)},
    socketPath: "/socket.io/",
    title: "Spine Metastasis Assistant",
    params: { storage: "session" },
  }, null);
</script>
</body></html>`;

let browser;

before(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  browser = await launchChromium(LOCAL_PAGE_ARGS);
});

after(async () => browser?.close());

/** The clinic page with rasa-webchat opened and its `initPayload` greeting shown. */
async function greetedClinicPage() {
  const page = await browser.newPage();
  const errors = [];
  const consoleLines = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => consoleLines.push(message.text()));
  await page.route(`${ORIGIN}/`, (route) => route.fulfill({ contentType: "text/html", body: PAGE }));
  await page.route(`${ORIGIN}/rasa-webchat.js`, (route) =>
    route.fulfill({ contentType: "text/javascript", body: readFileSync(BUNDLE, "utf-8") }),
  );
  await page.goto(`${ORIGIN}/`);
  try {
    await page.locator(".rw-launcher").click({ timeout: REPLY_MS });
  } catch (error) {
    throw new Error(`no rasa-webchat launcher: ${error}\nconsole: ${consoleLines.join("\n")}`);
  }
  await lastResponse(page, GREETING.slice(0, 40));
  return { page, errors };
}

async function closeWithoutPageErrors({ page, errors }) {
  assert.deepEqual(errors, []);
  await page.close();
}

const responses = (page) => page.locator(".rw-response");

async function ask(page, text) {
  const input = page.locator(".rw-new-message");
  await input.fill(text);
  await input.press("Enter");
}

/** The text of the latest bot message matching `pattern`, once it has arrived. */
async function lastResponse(page, pattern) {
  const response = responses(page).filter({ hasText: pattern }).last();
  await response.waitFor({ timeout: REPLY_MS });
  return response.innerText();
}

test("initPayload /greet gets the greeting", async () => {
  const opened = await greetedClinicPage();
  assert.doesNotMatch((await responses(opened.page).allInnerTexts()).join("\n"), /the page I answer from doesn.t/);
  await closeWithoutPageErrors(opened);
});

test("an answer shows its Source line", async () => {
  const opened = await greetedClinicPage();
  await ask(opened.page, "how is a spinal tumour diagnosed?");
  assert.equal((await lastResponse(opened.page, /^Source: /)).trim(), SOURCE_LINE);
  await opened.page.screenshot({ path: join(SCREENSHOT_DIR, "rasa-webchat-answer-with-source.png") });
  await closeWithoutPageErrors(opened);
});

test("an emergency gets the urgent advice", async () => {
  const opened = await greetedClinicPage();
  await ask(opened.page, "my legs have suddenly gone weak and I can't walk");
  assert.match(await lastResponse(opened.page, /^⚠️/u), /medical emergency/);
  await closeWithoutPageErrors(opened);
});
