// The widget in a real browser (Debian's Chromium driven by playwright-core) against the
// real Rasa server and action server. Started by tests/e2e/test_widget_browser.py, which runs
// the servers on free ports and passes:
//   WIDGET_PAGE_URL   the demo page (served by website.static_server)
//   CHROMIUM_PATH     the browser (default /usr/bin/chromium)
//   SCREENSHOT_DIR    where the screenshots of the main states go
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import { launchChromium } from "./chromium.mjs";

const PAGE_URL = process.env.WIDGET_PAGE_URL;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || "screenshots";
// a fragment the model answers with "Did you mean" (tests/conftest.py finds one)
const UNCLEAR_FRAGMENT = process.env.UNCLEAR_FRAGMENT || "spine";
const REPLY_MS = 60000;
const INJECTION = '<img src=x onerror="window.__injected = 1"><script>window.__injected = 2</script>';

assert.ok(PAGE_URL, "WIDGET_PAGE_URL must be set (tests/e2e/test_widget_browser.py sets it)");

let browser;

before(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  browser = await launchChromium();
});

after(async () => browser?.close());

const widget = (page) => page.locator("#spine-assistant-widget");
const botMessages = (page) => widget(page).locator(".log .message.bot");

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** True when the launcher (inside the shadow root) has the keyboard focus. */
async function focused(locator) {
  return locator.evaluate((element) => element.getRootNode().activeElement === element);
}

async function tabTo(page, locator, maxPresses = 10) {
  for (let press = 0; press < maxPresses; press += 1) {
    if (await focused(locator)) return;
    await page.keyboard.press("Tab");
  }
  assert.ok(await focused(locator), "could not reach the element with Tab");
}

async function waitForBotCount(page, count) {
  await botMessages(page).nth(count - 1).waitFor({ timeout: REPLY_MS });
}

async function ask(page, text) {
  const before = await botMessages(page).count();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await waitForBotCount(page, before + 1);
  // Rasa sends an answer and its citation as separate messages: let the turn finish.
  await widget(page).locator(".typing").waitFor({ state: "hidden", timeout: REPLY_MS });
  await page.waitForTimeout(500);
}

async function seriousAxeViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target).join(", ")})`);
}

describe("the chat widget against the real assistant", { concurrency: false }, () => {
  let context;
  let page;

  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error.message));
    await page.goto(PAGE_URL);
  });

  after(async () => context?.close());

  test("keyboard only: open with Tab and Enter, ask, see the answer and a citation that opens its section", async () => {
    await screenshot(page, "01-closed");
    const launcher = widget(page).locator(".launcher");
    await tabTo(page, launcher);
    assert.equal(await launcher.getAttribute("aria-expanded"), "false");
    await page.keyboard.press("Enter");

    const panel = widget(page).locator(".panel");
    await panel.waitFor();
    assert.equal(await launcher.getAttribute("aria-expanded"), "true");
    assert.ok(await focused(widget(page).locator("#message")), "opening moves the focus to the message box");
    assert.match(await widget(page).locator(".notice").innerText(), /not medical advice/);
    // Opening asks for the assistant's notice and topic buttons.
    await widget(page).locator(".quick-replies button").first().waitFor({ timeout: REPLY_MS });
    await screenshot(page, "02-open-with-topics");

    await ask(page, "what are the symptoms?");
    const citation = widget(page).locator(".message.citation").last();
    await citation.waitFor({ timeout: REPLY_MS });
    const link = citation.locator("a");
    assert.equal(await link.innerText(), "Spinal Metastases Symptoms");
    assert.match(await citation.locator(".spoken").innerText(), /^Source: Spinal Metastases Symptoms$/);
    const quote = await link.getAttribute("title");
    assert.ok(quote && quote.length > 20, "the quote shows on hover");
    await citation.locator("summary").click();
    assert.equal(await citation.locator("blockquote").innerText(), quote);
    assert.match(await citation.locator(".reviewed").innerText(), /^Last reviewed: [A-Z][a-z]+ \d{4}$/);
    await screenshot(page, "03-answer-with-citation");

    const [sourcePage] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await sourcePage.waitForLoadState();
    assert.equal(new URL(sourcePage.url()).hash, "#spinal-metastases-symptoms");
    assert.equal(await sourcePage.locator(":target").innerText(), "Spinal Metastases Symptoms");
    assert.ok(
      (await sourcePage.locator("main").innerText()).includes(quote),
      "the quote is on the source page",
    );
    await screenshot(sourcePage, "04-source-section");
    assert.deepEqual(await seriousAxeViolations(sourcePage), [], "the source page is accessible too");
    await sourcePage.close();
  });

  test("a quick reply picked with the keyboard asks its topic", async () => {
    await widget(page).locator("#message").focus();
    const repliesBefore = await botMessages(page).count();
    // Typing a question removes the old buttons; ask for the topic list again.
    await ask(page, "what can you help with?");
    const buttons = widget(page).locator(".quick-replies button");
    await buttons.first().waitFor({ timeout: REPLY_MS });
    assert.ok((await botMessages(page).count()) > repliesBefore);

    await page.keyboard.press("Shift+Tab");
    const chosen = buttons.last();
    assert.ok(await focused(chosen), "Shift+Tab from the message box reaches the suggestions");
    const title = await chosen.innerText();
    const citationsBefore = await widget(page).locator(".message.citation").count();
    await page.keyboard.press("Enter");

    await widget(page).locator(".message.user").filter({ hasText: title }).waitFor();
    await widget(page).locator(".message.citation").nth(citationsBefore).waitFor({ timeout: REPLY_MS });
    assert.equal(await buttons.count(), 0, "the suggestions are gone once one is picked");
    assert.ok(await focused(widget(page).locator("#message")), "the focus goes back to the message box");
  });

  test('an unclear question gets "Did you mean" buttons, and one answers it', async () => {
    await widget(page).locator("#message").focus();
    await ask(page, UNCLEAR_FRAGMENT);
    const lastReply = botMessages(page).last();
    assert.match(await lastReply.innerText(), /Did you mean/);
    const buttons = lastReply.locator(".quick-replies button");
    assert.ok((await buttons.allInnerTexts()).includes("None of these"));
    const citations = await widget(page).locator(".message.citation").count();
    await buttons.first().click();
    await widget(page).locator(".message.citation").nth(citations).waitFor({ timeout: REPLY_MS });
  });

  test("an emergency stands out and is announced at once", async () => {
    await ask(page, "my dad suddenly can't walk and has lost bladder control");
    const urgent = widget(page).locator(".message.urgent");
    await urgent.waitFor({ timeout: REPLY_MS });
    assert.match(await urgent.innerText(), /medical emergency/);
    const style = await urgent.evaluate((element) => {
      const computed = getComputedStyle(element);
      return { border: computed.borderLeftColor, width: computed.borderLeftWidth, background: computed.backgroundColor };
    });
    assert.deepEqual(style, { border: "rgb(176, 0, 32)", width: "8px", background: "rgb(253, 236, 234)" });
    const alert = widget(page).locator('.urgent-announcer[role="alert"]');
    assert.match(await alert.innerText(), /This could be a medical emergency/);
    await screenshot(page, "05-emergency");
  });

  test("bot messages go to a polite live region", async () => {
    const announcer = widget(page).locator('.announcer[aria-live="polite"]');
    assert.ok((await announcer.locator("p").count()) > 0);
    assert.match(await announcer.innerText(), /\S/);
  });

  test("a reload shows the same conversation, and the assistant still knows it", async () => {
    // An expanded quote is a view state, not part of the conversation.
    for (const summary of await widget(page).locator(".log details[open] summary").all()) await summary.click();
    const shown = await widget(page).locator(".log .message").allInnerTexts();
    await page.reload();
    await widget(page).locator(".panel").waitFor();
    assert.deepEqual(await widget(page).locator(".log .message").allInnerTexts(), shown);

    // "Where does that come from?" is answered from the server-side conversation: it
    // cites the last answer, so the session id survived the reload.
    await widget(page).locator("#message").focus();
    const citations = await widget(page).locator(".message.citation").count();
    await ask(page, "where does that come from?");
    const full = widget(page).locator(".message.citation").nth(citations);
    await full.waitFor({ timeout: REPLY_MS });
    // the full citation from the action server: the page's words in view, with the review date
    assert.ok((await full.locator(".full-quote").innerText()).length > 20);
    assert.match(await full.locator(".reviewed").innerText(), /^Last reviewed: /);
    await screenshot(page, "06-after-reload");
  });

  test("keyboard only: rate an answer, change the vote, give a reason; the server stores each", async () => {
    await widget(page).locator("#message").focus();
    await ask(page, "what is an MRI scan?");
    const answer = widget(page).locator(".message.citation").last();
    const helpful = answer.getByRole("button", { name: "Helpful", exact: true });
    const notHelpful = answer.getByRole("button", { name: "Not helpful" });
    assert.equal(await answer.getByRole("group", { name: "Was this answer helpful?" }).count(), 1);
    const stored = () =>
      page.waitForResponse((response) => response.url().endsWith("/webhooks/rest/feedback"), { timeout: REPLY_MS });

    for (let press = 0; press < 8 && !(await focused(helpful)); press += 1) await page.keyboard.press("Shift+Tab");
    assert.ok(await focused(helpful), "Shift+Tab from the message box reaches the vote buttons");
    let [response] = await Promise.all([stored(), page.keyboard.press("Enter")]);
    assert.equal(response.status(), 200);
    assert.deepEqual(await response.json(), { status: "recorded", rating: "helpful", topic: "mri" });
    assert.equal(await helpful.getAttribute("aria-pressed"), "true");
    assert.match(await answer.getByRole("status").innerText(), /Thank you/);

    await page.keyboard.press("Tab");
    assert.ok(await focused(notHelpful));
    [response] = await Promise.all([stored(), page.keyboard.press("Space")]);
    assert.equal((await response.json()).rating, "not_helpful");
    assert.deepEqual([await helpful.getAttribute("aria-pressed"), await notHelpful.getAttribute("aria-pressed")], ["false", "true"]);
    const reason = answer.getByLabel("What was wrong or missing? (optional)");
    await page.keyboard.press("Tab");
    assert.ok(await focused(reason), "the optional reason comes next");
    await page.keyboard.type("I wanted to know how long it takes");
    [response] = await Promise.all([stored(), page.keyboard.press("Enter")]);
    assert.equal(response.status(), 200);
    assert.match(await answer.getByRole("status").innerText(), /reason was sent/);
    await screenshot(page, "09-answer-feedback");

    await page.reload();
    await widget(page).locator(".panel").waitFor();
    const again = widget(page).locator(".message.citation").last();
    assert.equal(await again.getByRole("button", { name: "Not helpful" }).getAttribute("aria-pressed"), "true");
    assert.equal(await again.getByLabel("What was wrong or missing? (optional)").inputValue(), "I wanted to know how long it takes");
  });

  test("HTML typed by the user is shown as text and runs nothing", async () => {
    await widget(page).locator("#message").focus();
    await ask(page, INJECTION);
    const mine = widget(page).locator(".message.user").last();
    assert.equal(await mine.evaluate((element) => element.lastChild.textContent), INJECTION);
    assert.equal(await widget(page).locator(".log img, .log script").count(), 0);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
  });

  test("axe-core finds no serious or critical violation (widget open, all message kinds)", async () => {
    assert.deepEqual(await seriousAxeViolations(page), []);
  });

  test("Escape closes the chat and gives the focus back to the launcher", async () => {
    await widget(page).locator("#message").focus();
    await page.keyboard.press("Escape");
    await widget(page).locator(".panel").waitFor({ state: "hidden" });
    assert.ok(await focused(widget(page).locator(".launcher")));
  });

  test("Clear conversation starts afresh", async () => {
    await widget(page).locator(".launcher").click();
    await widget(page).locator(".clear").click();
    await widget(page).locator(".quick-replies button").first().waitFor({ timeout: REPLY_MS });
    assert.equal(await widget(page).locator(".message.user").count(), 0);
    assert.equal(await widget(page).locator(".message.urgent").count(), 0);
  });
});

test("at 360 px wide the chat fits the screen and works", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(PAGE_URL);
    await widget(page).locator(".launcher").click();
    await widget(page).locator(".quick-replies button").first().waitFor({ timeout: REPLY_MS });
    await ask(page, "how is it treated?");
    await widget(page).locator(".message.citation").first().waitFor({ timeout: REPLY_MS });
    const box = await widget(page).locator(".panel").boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `panel ${JSON.stringify(box)} fits 360 px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 360, `no sideways scrolling (${overflow} px)`);
    const input = await widget(page).locator("#message").boundingBox();
    assert.ok(input.x + input.width <= 360 && input.y + input.height <= 740, "the message box is on screen");
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, "07-phone-360px");
  } finally {
    await context.close();
  }
});

test("unreachable assistant: a clear message, and Retry sends the kept message", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.routeWebSocket(/\/socket\.io\//, (socket) => socket.close());
    await page.route(/\/webhooks\/rest\/webhook/, (route) => route.abort("connectionrefused"));
    await page.goto(PAGE_URL);
    await widget(page).locator(".launcher").click();
    const status = widget(page).locator(".status");
    await status.waitFor({ timeout: REPLY_MS });
    assert.match(await status.innerText(), /can't be reached/);
    assert.match(await widget(page).locator(".announcer").innerText(), /can't be reached/, "and it is announced");
    await screenshot(page, "08-unreachable");

    // The socket stays blocked: Retry goes through the REST fallback.
    await page.unroute(/\/webhooks\/rest\/webhook/);
    await status.locator("button", { hasText: "Retry" }).click();
    await widget(page).locator(".quick-replies button").first().waitFor({ timeout: REPLY_MS });
    await status.waitFor({ state: "hidden" });

    // Over REST too, an answer's citation is one "Source: <section>" link.
    await widget(page).locator("#message").focus();
    await ask(page, "what are the symptoms?");
    const citation = widget(page).locator(".message.citation");
    await citation.waitFor({ timeout: REPLY_MS });
    assert.equal(await citation.locator("a").innerText(), "Spinal Metastases Symptoms");
    const plainSourceLines = widget(page).locator(".message.bot:not(.citation)", { hasText: /^Source:/ });
    assert.equal(await plainSourceLines.count(), 0);
  } finally {
    await context.close();
  }
});

test("typing indicator while waiting; bot text rendered as safe markdown (REST fallback, hostile reply)", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let releaseReply;
    const replyReleased = new Promise((resolve) => {
      releaseReply = resolve;
    });
    await page.routeWebSocket(/\/socket\.io\//, (socket) => socket.close());
    await page.route(/\/webhooks\/rest\/webhook/, async (route) => {
      await replyReleased; // held back until the typing indicator has been seen
      await route.fulfill({
        contentType: "application/json",
        body: JSON.stringify([
          {
            text: `**Bold** and [a link](javascript:alert(1)) ${INJECTION}`,
            buttons: [{ title: INJECTION, payload: "/help" }],
          },
        ]),
      });
    });
    await page.goto(PAGE_URL);
    await widget(page).locator(".launcher").click();
    await widget(page).locator(".typing").waitFor({ timeout: REPLY_MS });
    releaseReply();
    await widget(page).locator(".typing").waitFor({ state: "hidden", timeout: REPLY_MS });
    const reply = botMessages(page).first();
    await reply.waitFor({ timeout: REPLY_MS });
    assert.equal(await reply.locator("strong").innerText(), "Bold");
    assert.equal(await reply.locator("img, script, [onerror]").count(), 0);
    const href = await reply.locator("a").first().getAttribute("href");
    assert.ok(!href || !href.startsWith("javascript:"), `no javascript: link (${href})`);
    assert.equal(await reply.locator(".quick-replies button").innerText(), INJECTION);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
  } finally {
    await context.close();
  }
});
