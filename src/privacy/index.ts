export { maskPhoneNumber } from "./mask.js";
export { maskSensitiveText, type MaskOptions } from "./sensitive-text.js";
export { escapeControlChars, escapeControlCharsDeep, escapeTerminalOutput, findControlChar } from "./terminal.js";
export { maskConnectionString } from "./connection-string.js";
