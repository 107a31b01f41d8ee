// "Helpful" / "Not helpful" under each cited answer, for the clinic's review
// (`make review`). One vote per answer, changeable; "Not helpful" offers an optional
// reason. Votes go to POST /webhooks/rest/feedback (spine_assistant/channels/feedback.py),
// which stores them in the conversation; they never change what the assistant says next.
// The buttons are toggle buttons (aria-pressed) and the outcome is read out (role=status).

const REASON_MAX = 500;
const CHOICES = [
  ["helpful", "Helpful"],
  ["not_helpful", "Not helpful"],
];

let formCount = 0;

/**
 * Adds the controls to a cited answer's list item. `message.answerId` names the answer;
 * `message.vote` ({rating, reason}) is the saved vote, shown again after a reload.
 * `send(rating, reason)` posts the vote and rejects when it could not be stored;
 * `saved()` persists the transcript after a vote.
 */
export function renderFeedback(item, message, { send, saved }) {
  formCount += 1;
  const group = document.createElement("div");
  group.className = "feedback";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Was this answer helpful?");
  const question = document.createElement("span");
  question.className = "feedback-question";
  question.textContent = "Was this helpful?";
  question.setAttribute("aria-hidden", "true");
  group.append(question);

  const buttons = CHOICES.map(([rating, label]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.rating = rating;
    button.textContent = label;
    group.append(button);
    return button;
  });

  const reasonForm = document.createElement("form");
  reasonForm.className = "feedback-reason";
  const inputId = `feedback-reason-${formCount}`;
  reasonForm.innerHTML =
    `<label for="${inputId}">What was wrong or missing? (optional)</label>` +
    `<input id="${inputId}" type="text" maxlength="${REASON_MAX}" autocomplete="off">` +
    `<button type="submit">Send reason</button>`;
  const status = document.createElement("p");
  status.className = "feedback-status";
  status.setAttribute("role", "status");
  group.append(reasonForm, status);

  const show = (vote) => {
    for (const button of buttons) button.setAttribute("aria-pressed", String(vote?.rating === button.dataset.rating));
    reasonForm.hidden = vote?.rating !== "not_helpful";
    reasonForm.querySelector("input").value = vote?.reason || "";
  };

  const vote = async (rating, reason = null) => {
    const previous = message.vote || null;
    message.vote = { rating, reason };
    show(message.vote);
    try {
      await send(rating, reason);
      saved();
      status.textContent =
        rating === "helpful"
          ? "Thank you for your feedback."
          : reason
            ? "Thank you: your reason was sent."
            : "Thank you. You can tell us what was wrong below.";
    } catch {
      message.vote = previous;
      show(previous);
      status.textContent = "Sorry, your feedback could not be sent. Please try again.";
    }
  };

  for (const button of buttons) {
    button.addEventListener("click", () => {
      if (message.vote?.rating !== button.dataset.rating) vote(button.dataset.rating);
    });
  }
  reasonForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = reasonForm.querySelector("input").value.trim();
    if (reason) vote("not_helpful", reason);
  });

  show(message.vote);
  item.append(group);
}
