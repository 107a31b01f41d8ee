// Talks to the assistant: Rasa's socket.io channel first (replies arrive one by one, and
// the session id keeps one conversation across reloads); Rasa's REST webhook when the
// socket cannot connect (a proxy that blocks WebSockets, for instance). Both use the same
// session id as Rasa's sender id, so they continue the same conversation.
import { io } from "socket.io-client";

const SOCKET_WAIT_MS = 4000;

/** REST replies have `buttons`; socket.io replies have `quick_replies`: one shape here. */
function fromRest(reply) {
  const message = { text: reply.text || "" };
  if (reply.buttons) message.quick_replies = reply.buttons;
  if (reply.metadata) message.metadata = reply.metadata;
  return message;
}

export class Connection {
  constructor({ assistantUrl, sessionId, onMessage, onStatus }) {
    this.assistantUrl = assistantUrl.replace(/\/+$/, "");
    this.sessionId = sessionId;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.ready = false;
    this.failed = false;
    this.waiters = [];
    this.socket = io(this.assistantUrl, {
      transports: ["websocket"],
      reconnectionDelayMax: 10000,
      autoConnect: false,
    });
    this.socket.on("connect", () => this.socket.emit("session_request", { session_id: this.sessionId }));
    this.socket.on("session_confirm", () => this.setReady(true));
    this.socket.on("bot_uttered", (message) => this.onMessage(message));
    this.socket.on("connect_error", () => this.setReady(false, true));
    this.socket.on("disconnect", () => this.setReady(false, true));
  }

  start() {
    this.socket.connect();
  }

  setReady(ready, failed = false) {
    this.ready = ready;
    this.failed = failed;
    if (ready) this.waiters.splice(0).forEach((resolve) => resolve(true));
    else if (failed) this.waiters.splice(0).forEach((resolve) => resolve(false));
    this.onStatus(ready ? "socket" : failed ? "offline" : "connecting");
  }

  /** Resolves true once the socket session is confirmed, false if it fails or takes too long. */
  socketReady() {
    if (this.ready) return Promise.resolve(true);
    if (this.failed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setTimeout(() => resolve(this.ready), SOCKET_WAIT_MS);
    });
  }

  /** Starts a new conversation (after "Clear conversation"). */
  restart(sessionId) {
    this.sessionId = sessionId;
    if (this.socket.connected) this.socket.emit("session_request", { session_id: sessionId });
  }

  /** Sends one user message; throws when neither socket.io nor REST reaches the assistant. */
  async send(text) {
    if (await this.socketReady()) {
      this.socket.emit("user_uttered", { message: text, session_id: this.sessionId });
      return "socket";
    }
    const response = await fetch(`${this.assistantUrl}/webhooks/rest/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sessionId, message: text }),
    });
    if (!response.ok) throw new Error(`assistant answered ${response.status}`);
    for (const reply of await response.json()) this.onMessage(fromRest(reply));
    return "rest";
  }

  /** Stores a vote on an answer (REST, whatever the chat uses); throws when it was not stored. */
  async sendFeedback(answerId, rating, reason) {
    const response = await fetch(`${this.assistantUrl}/webhooks/rest/feedback`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sessionId, answer_id: answerId, rating, reason }),
    });
    if (!response.ok) throw new Error(`assistant answered ${response.status}`);
  }

  /** Retry: reconnect the socket now instead of waiting for the next back-off. */
  reconnect() {
    if (!this.socket.connected) {
      this.failed = false;
      this.socket.connect();
    }
  }
}
