/**
 * Text as one markdown table cell (or inline text) that cannot break out of it: line breaks become
 * spaces, and the characters markdown or HTML would read (| ` * _ [ ] < > & \) become entities.
 * Not inside a code span, where entities show as written.
 */
export const mdCell = (text: string): string =>
  text.replace(/[\r\n]+/g, " ").replace(/[|\\<>&`*_[\]]/g, (c) => `&#${c.charCodeAt(0)};`);
