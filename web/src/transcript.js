// The conversation as shown, kept in sessionStorage under the assistant's URL: a reload
// shows the same conversation (Rasa's socket.io channel does not replay history), and it
// is gone when the tab closes, because it holds health talk that may be read on a shared
// computer. "Clear conversation" removes it at once.

const STORAGE_PREFIX = "spine-assistant:";

function newSessionId() {
  return crypto.randomUUID().replace(/-/g, "");
}

export class Transcript {
  constructor(assistantUrl) {
    this.key = STORAGE_PREFIX + assistantUrl;
    const saved = this.load();
    this.sessionId = saved?.sessionId || newSessionId();
    this.messages = Array.isArray(saved?.messages) ? saved.messages : [];
  }

  load() {
    try {
      return JSON.parse(sessionStorage.getItem(this.key) || "null");
    } catch {
      return null;
    }
  }

  save() {
    try {
      sessionStorage.setItem(this.key, JSON.stringify({ sessionId: this.sessionId, messages: this.messages }));
    } catch {
      // Storage full or disabled: the conversation still works, it is just not kept.
    }
  }

  add(message) {
    this.messages.push(message);
    this.save();
  }

  /** Quick replies are offered once: after any new user message they are gone. */
  dropQuickReplies() {
    this.messages.forEach((message) => delete message.quickReplies);
    this.save();
  }

  clear() {
    sessionStorage.removeItem(this.key);
    this.sessionId = newSessionId();
    this.messages = [];
  }
}
