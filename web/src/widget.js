// The Spine Metastasis Assistant's chat widget. Embed with one script tag:
//   <script src="widget.js" data-assistant-url="https://assistant.example.org" defer></script>
// Optional: data-source-url (the rendered source page; default source.html next to widget.js).
// Everything lives in a shadow root, so the host page's styles and the widget's cannot clash.
import anchors from "../dist/anchors.json";
import { Connection } from "./connection.js";
import { renderFeedback } from "./feedback.js";
import { renderBotMarkdown } from "./markdown.js";
import { Transcript } from "./transcript.js";
import css from "./widget.css";

const REPLY_TIMEOUT_MS = 30000;
const FIRST_MESSAGE = "/help"; // the assistant's own notice, what it can do, and topic buttons
const URGENT_MARK = "\u26a0"; // utter_emergency starts with "⚠️ This could be a medical emergency"
const MAX_ANNOUNCEMENTS = 3;

const NOTICE =
  "General information from a clinic's patient page, not medical advice. For your own care, " +
  "contact your clinician. New leg weakness, can't walk, or lost bladder or bowel control: " +
  "call your local emergency number now.";

const ICONS = `
<svg class="icon-open" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>
<svg class="icon-close" viewBox="0 0 24 24" aria-hidden="true"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/></svg>`;

const TEMPLATE = `
<div class="root">
  <div class="panel" id="panel" role="dialog" aria-labelledby="title" hidden>
    <div class="header">
      <h2 id="title">Spine information assistant</h2>
      <button type="button" class="clear">Clear conversation</button>
      <button type="button" class="close" aria-label="Close chat">&times;</button>
    </div>
    <p class="notice"></p>
    <div class="status" hidden>
      <span class="status-text"></span>
      <button type="button" class="retry">Retry</button>
    </div>
    <ol class="log" aria-label="Conversation" tabindex="-1"></ol>
    <div class="typing" hidden><span class="dot"></span><span class="dot"></span><span class="dot"></span>
      <span>Assistant is typing…</span></div>
    <form class="composer">
      <label class="sr-only" for="message">Your question</label>
      <input id="message" name="message" type="text" autocomplete="off" maxlength="2000"
             placeholder="Ask about metastatic spinal tumours">
      <button type="submit">Send</button>
    </form>
  </div>
  <button type="button" class="launcher" aria-controls="panel" aria-expanded="false"
          aria-label="Open chat: spine information assistant">${ICONS}</button>
  <div class="sr-only announcer" aria-live="polite" aria-atomic="false"></div>
  <div class="sr-only urgent-announcer" role="alert"></div>
</div>`;

function isUrgent(text) {
  return text.trimStart().startsWith(URGENT_MARK);
}

/** "Source: <heading>" and the link to its anchor on the rendered source page. */
function citationTarget(citation, sourceUrl) {
  const heading = citation.subsection ? `${citation.section} › ${citation.subsection}` : citation.section;
  const anchorOf = (heading) => (Object.hasOwn(anchors, heading) ? anchors[heading] : null);
  const anchor = anchorOf(citation.subsection) || anchorOf(citation.section);
  const url = new URL(sourceUrl, document.baseURI);
  if (anchor) url.hash = anchor;
  return { heading, href: url.href };
}

class ChatWidget {
  constructor(host, { assistantUrl, sourceUrl }) {
    this.sourceUrl = sourceUrl;
    this.root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = css;
    const template = document.createElement("template");
    template.innerHTML = TEMPLATE;
    this.root.append(style, template.content);
    const $ = (selector) => this.root.querySelector(selector);
    this.launcher = $(".launcher");
    this.panel = $(".panel");
    this.log = $(".log");
    this.input = $("#message");
    this.form = $(".composer");
    this.typing = $(".typing");
    this.status = $(".status");
    this.statusText = $(".status-text");
    this.announcer = $(".announcer");
    this.urgentAnnouncer = $(".urgent-announcer");
    $(".notice").textContent = NOTICE;

    this.transcript = new Transcript(assistantUrl);
    this.pending = null; // the user message not yet delivered, kept for Retry
    this.replyTimer = null;
    this.connection = new Connection({
      assistantUrl,
      sessionId: this.transcript.sessionId,
      onMessage: (message) => this.receive(message),
      onStatus: (status) => this.connectionChanged(status),
    });

    this.launcher.addEventListener("click", () => this.toggle());
    $(".close").addEventListener("click", () => this.toggle(false));
    $(".clear").addEventListener("click", () => this.clear());
    $(".retry").addEventListener("click", () => this.retry());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.toggle(false);
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.sendUserMessage(text, text);
    });

    this.transcript.messages.forEach((message) => this.render(message));
    if (sessionStorage.getItem(this.openKey) === "1") this.toggle(true, false);
  }

  get openKey() {
    return `${this.transcript.key}:open`;
  }

  toggle(open = this.panel.hidden, moveFocus = true) {
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute(
      "aria-label",
      open ? "Close chat: spine information assistant" : "Open chat: spine information assistant",
    );
    sessionStorage.setItem(this.openKey, open ? "1" : "0");
    if (!open) {
      if (moveFocus) this.launcher.focus();
      return;
    }
    this.connection.start();
    this.scrollToEnd();
    if (moveFocus) this.input.focus();
    if (this.transcript.messages.length === 0 && !this.pending) this.deliver(FIRST_MESSAGE);
  }

  clear() {
    this.transcript.clear();
    this.log.replaceChildren();
    this.announcer.replaceChildren();
    this.urgentAnnouncer.textContent = "";
    this.connection.restart(this.transcript.sessionId);
    this.setError(null);
    this.input.focus();
    this.deliver(FIRST_MESSAGE);
  }

  /** Shows the user's words (as text, never HTML) and sends `payload` to the assistant. */
  sendUserMessage(shown, payload) {
    this.transcript.dropQuickReplies();
    this.log.querySelectorAll(".quick-replies").forEach((group) => group.remove());
    const message = { from: "user", text: shown };
    this.transcript.add(message);
    this.render(message);
    this.deliver(payload);
  }

  async deliver(payload) {
    this.pending = payload;
    this.setError(null);
    this.setTyping(true);
    try {
      const via = await this.connection.send(payload);
      if (via === "rest") this.delivered();
      else this.armReplyTimer();
    } catch {
      this.failed("The assistant can't be reached right now.");
    }
  }

  armReplyTimer() {
    clearTimeout(this.replyTimer);
    this.replyTimer = setTimeout(() => this.failed("No answer from the assistant yet."), REPLY_TIMEOUT_MS);
  }

  delivered() {
    this.pending = null;
    clearTimeout(this.replyTimer);
    this.setTyping(false);
  }

  failed(reason) {
    clearTimeout(this.replyTimer);
    this.setTyping(false);
    this.setError(`${reason} Your message is kept: press Retry to send it again.`);
  }

  retry() {
    this.connection.reconnect();
    if (this.pending) this.deliver(this.pending);
    else this.setError(null);
    this.input.focus();
  }

  connectionChanged(status) {
    if (status === "socket" && !this.pending) this.setError(null);
  }

  receive(raw) {
    if (!raw || typeof raw !== "object") return;
    this.delivered();
    const text = typeof raw.text === "string" ? raw.text : "";
    // an answer's "Source: …" line carries its citation as metadata (website/socketio_channel.py)
    const citation = raw.metadata && typeof raw.metadata.citation === "object" ? raw.metadata.citation : null;
    const quickReplies = Array.isArray(raw.quick_replies)
      ? raw.quick_replies
          .filter((reply) => reply && typeof reply.title === "string" && typeof reply.payload === "string")
          .map(({ title, payload }) => ({ title, payload }))
      : [];
    if (!text && !citation && quickReplies.length === 0) return;
    const message = { from: "bot", text, urgent: isUrgent(text) };
    if (citation && typeof citation.section === "string") message.citation = citation;
    const answerId = raw.metadata?.answer_id;
    if (message.citation && typeof answerId === "string") message.answerId = answerId;
    if (quickReplies.length) message.quickReplies = quickReplies;
    this.transcript.add(message);
    const item = this.render(message);
    this.announce(message, item);
  }

  /** New bot messages are read out: urgent ones at once (role=alert), others politely. */
  announce(message, item) {
    const spoken = item.querySelector(".spoken")?.textContent || item.textContent;
    if (message.urgent) {
      this.urgentAnnouncer.textContent = spoken;
      return;
    }
    this.announcePolitely(spoken);
  }

  announcePolitely(text) {
    const line = document.createElement("p");
    line.textContent = text;
    this.announcer.append(line);
    while (this.announcer.childElementCount > MAX_ANNOUNCEMENTS) this.announcer.firstElementChild.remove();
  }

  render(message) {
    const item = document.createElement("li");
    item.className = `message ${message.from}`;
    if (message.from === "user") {
      item.textContent = message.text;
      item.insertAdjacentHTML("afterbegin", '<span class="sr-only">You said: </span>');
    } else if (message.citation) {
      this.renderCitation(item, message.citation);
      if (message.answerId) {
        renderFeedback(item, message, {
          send: (rating, reason) => this.connection.sendFeedback(message.answerId, rating, reason),
          saved: () => this.transcript.save(),
        });
      }
    } else {
      const body = document.createElement("div");
      body.className = "spoken";
      body.append(renderBotMarkdown(message.text));
      if (message.urgent) {
        item.classList.add("urgent");
        const label = document.createElement("strong");
        label.className = "urgent-label";
        label.textContent = "Urgent";
        item.append(label);
      }
      item.append(body);
    }
    if (message.from === "bot" && message.quickReplies?.length) this.renderQuickReplies(item, message.quickReplies);
    this.log.append(item);
    this.scrollToEnd();
    // A message taller than the view is shown from its beginning (the urgent advice is).
    if (item.offsetHeight > this.log.clientHeight) this.log.scrollTop = item.offsetTop - 8;
    return item;
  }

  renderCitation(item, citation) {
    const { heading, href } = citationTarget(citation, this.sourceUrl);
    item.classList.add("citation");
    const line = document.createElement("p");
    line.className = "spoken";
    const link = document.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = heading;
    if (typeof citation.quote === "string") link.title = citation.quote;
    line.append("Source: ", link);
    item.append(line);
    const quoted = typeof citation.quote === "string" && citation.quote;
    if (quoted && typeof citation.link === "string") {
      // the full citation "source?" asked for (actions/citation.py): the quote in full view
      const quote = document.createElement("blockquote");
      quote.className = "full-quote";
      quote.textContent = citation.quote;
      item.append(quote);
    } else if (quoted) {
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = "Show the quote";
      const quote = document.createElement("blockquote");
      quote.textContent = citation.quote;
      details.append(summary, quote);
      item.append(details);
    }
    if (typeof citation.last_reviewed === "string") {
      const reviewed = document.createElement("p");
      reviewed.className = "reviewed";
      reviewed.textContent = `Last reviewed: ${citation.last_reviewed}`;
      item.append(reviewed);
    }
  }

  renderQuickReplies(item, replies) {
    const group = document.createElement("div");
    group.className = "quick-replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    for (const reply of replies) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = reply.title;
      button.addEventListener("click", () => {
        this.input.focus();
        this.sendUserMessage(reply.title, reply.payload);
      });
      group.append(button);
    }
    item.append(group);
  }

  setTyping(on) {
    this.typing.hidden = !on;
    if (on) this.scrollToEnd();
  }

  setError(text) {
    this.status.hidden = !text;
    this.statusText.textContent = text || "";
    if (text) this.announcePolitely(text);
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

function mount() {
  const script = document.currentScript;
  const assistantUrl = script?.dataset.assistantUrl;
  if (!assistantUrl) {
    console.error("spine assistant widget: data-assistant-url is missing on the script tag");
    return;
  }
  const sourceUrl = script.dataset.sourceUrl || new URL("source.html", script.src).href;
  const host = document.createElement("div");
  host.id = "spine-assistant-widget";
  const start = () => {
    document.body.append(host);
    window.spineAssistantWidget = new ChatWidget(host, { assistantUrl, sourceUrl });
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
}

mount();
