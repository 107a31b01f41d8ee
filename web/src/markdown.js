// Bot text → safe HTML. Markdown is rendered by `marked`, then DOMPurify keeps only a
// few formatting tags: whatever the bot (or anything upstream of it) sends, no script,
// event handler, style or frame ever reaches the page. User text never comes here: it is
// always shown with textContent.
import DOMPurify from "dompurify";
import { marked } from "marked";

const ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "blockquote"];
const ALLOWED_ATTR = ["href"];

const purifier = DOMPurify(window);
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** A DocumentFragment with the bot's markdown, sanitized. */
export function renderBotMarkdown(text) {
  const html = marked.parse(text, { gfm: true, breaks: true, async: false });
  return purifier.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:|#)/i,
    RETURN_DOM_FRAGMENT: true,
  });
}
