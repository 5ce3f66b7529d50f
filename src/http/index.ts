export { BodyReadError, readBody } from "./read-body.js";
export { sendJson } from "./send-json.js";
