/** Size limits of the files the tool reads (README: "Limits"). */
export const FILE_LIMITS = {
  /** One YAML campaign file (its recipients belong in a CSV). */
  campaignFile: 20 * 1024 * 1024,
  /** One recipients CSV: 200,000 rows of a number and ten 30-character variables fit well inside. */
  recipientsCsv: 256 * 1024 * 1024,
  /** One suppression list (a few million numbers). */
  suppressionList: 256 * 1024 * 1024,
  /** The config file. */
  config: 1024 * 1024,
  /** The state file and its journal. */
  state: 256 * 1024 * 1024,
  /** A saved plan (it holds no recipients, only counts and hashes). */
  plan: 64 * 1024 * 1024,
  /** `campaign reports import` input. */
  reportsImport: 1024 * 1024 * 1024,
  /** A lock file (a few hundred bytes when whole). */
  lock: 64 * 1024,
} as const;
