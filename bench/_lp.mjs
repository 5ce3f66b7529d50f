import { parsePhoneNumberFromString as pmax, getCountries, getExampleNumber } from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json";
const { createNumberClassifier } = await import("../dist/campaigns/phone-numbers.js");
const classify = createNumberClassifier();
// Random numbers near every country's example: same prefix, random tail, lengths ±1.
const nums = [];
let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (const c of getCountries()) {
  const ex = getExampleNumber(c, examples); if (!ex) continue;
  const d = ex.number.slice(1);
  for (let i = 0; i < 300; i++) {
    const keep = 1 + Math.floor(rnd() * d.length);
    let n = d.slice(0, keep); const len = d.length + Math.floor(rnd() * 3) - 1;
    while (n.length < len) n += Math.floor(rnd() * 10);
    nums.push(n);
  }
}
for (let i = 0; i < 20000; i++) nums.push(String(Math.floor(rnd() * 1e12)));
let mism = 0, stripped = 0; const bad = [];
for (const n of nums) {
  const lib = pmax("+" + n);
  const mine = classify(n);
  if (lib && lib.nationalNumber !== n.slice(lib.countryCallingCode.length)) { stripped++; if (mine.valid && !lib.isValid()) bad.push(["strip", n]); continue; }
  const l = { country: lib?.country, valid: lib ? lib.isValid() : false };
  if (l.country !== mine.country || l.valid !== mine.valid) { mism++; if (bad.length < 10) bad.push([n, l, mine]); }
}
console.log(nums.length, "numbers, mismatches", mism, "prefix-stripped by lib", stripped, bad.slice(0, 10));
const sample = nums.slice(0, 200000); let t = performance.now(); let v = 0;
for (let r = 0; r < 3; r++) for (const n of sample) if (classify(n).valid) v++;
console.log("classifier", ((performance.now() - t) * 1000 / (3 * sample.length)).toFixed(3), "us/number");
const inNums = []; for (let i = 0; i < 1e6; i++) inNums.push("91" + (6000000000 + Math.floor(rnd() * 3999999999)));
t = performance.now(); v = 0; for (const n of inNums) if (classify(n).valid) v++;
console.log("1M IN numbers", (performance.now() - t).toFixed(0), "ms", v);
