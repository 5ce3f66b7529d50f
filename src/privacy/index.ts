export { maskPhoneNumber, maskDigitRuns } from "./mask.js";
