import type { DemoDelivery, DemoWorld } from "../app/demo.js";
import type { Paint } from "./style.js";

type DemoPaint = Record<"bold" | "dim", Paint>;

/** What the demo runs against, before its first step. */
export function demoIntro(world: Pick<DemoWorld, "simulatorUrl" | "receiverUrl" | "dir">, paint: DemoPaint): string {
  return (
    `${paint.bold("campaign demo")}: the whole loop against the built-in LAAFFIC simulator (${world.simulatorUrl}), in ${world.dir}\n` +
    `  status reports are pushed to a receiver at ${world.receiverUrl}/reports/…\n`
  );
}

/** A step's heading: what it shows, and the command a user would type for it. */
export function demoStep(title: string, command: string, paint: DemoPaint): string {
  return `\n${paint.bold(`── ${title}`)}  ${paint.dim(`$ ${command}`)}\n\n`;
}

/** After the simulated calls: how many status reports came back. */
export function demoDelivered(delivery: DemoDelivery): string {
  return `simulated clock now ${new Date(delivery.simulatedNow).toISOString()}; ${delivery.reportsSent} reports pushed in ${delivery.batchesSent} batches, ${delivery.stored} stored\n`;
}

/** The way from the demo to the real platform. */
export function demoNext(paint: DemoPaint): string {
  return [
    "",
    paint.bold("Next: point it at the real platform"),
    "  export LAAFFIC_API_KEY=…  LAAFFIC_API_SECRET=…   # from the LAAFFIC console; environment only",
    "  campaign doctor    # read-only: credentials, connection, signature, clock, answer shape, state; nothing is sent",
    "  campaign validate && campaign plan --out plan.json && campaign apply plan.json",
    "  campaign receive   # then set its printed URL as the status push address in the console; campaign outcomes",
    "  (base URL: api.baseUrl in campaign.config.yaml or LAAFFIC_BASE_URL; default https://api.laaffic.com)",
    "",
  ].join("\n");
}
