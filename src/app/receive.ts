import { randomBytes } from "node:crypto";
import { ToolError } from "../errors/index.js";
import { startReceiver, type Receiver, type ReportStore } from "../reports/index.js";
import type { ReceiverStarted } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import type { Interrupts } from "./interrupts.js";
import { openReportStore, reportStoreLocation, type StoreOption } from "./report-store.js";
import { serveUntilSignal, type Serving } from "./serving.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace.js";

export type { ReceiverStarted, Serving };

export interface ReceiveInput extends StoreOption {
  port?: string;
  host?: string;
}

/**
 * `campaign receive`: the HTTP endpoint the platform pushes status reports to, started and
 * listening; its log lines (JSON, counts and ids only) go out as notices.
 */
export async function receive(
  input: ReceiveInput,
  options: WorkspaceOptions,
  context: AppContext,
  interrupts: Interrupts,
): Promise<Serving<ReceiverStarted>> {
  const workspace = await openWorkspace(options, context);
  const settings = workspace.config.settings.receiver;
  const port = Number(input.port ?? settings.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ToolError("usage", `--port must be a whole number from 0 to 65535, not ${input.port}`);
  const host = input.host ?? settings.host;
  const generated = settings.token === undefined;
  const token = settings.token ?? randomBytes(24).toString("base64url");
  const log = (entry: Record<string, unknown>) =>
    context.events.notice(JSON.stringify({ ts: new Date(context.now()).toISOString(), ...entry }) + "\n");
  return serveUntilSignal<{ receiver: Receiver; store: ReportStore }, ReceiverStarted>(interrupts, context, {
    async start() {
      const store = await openReportStore(workspace, input, context, { mustExist: false });
      const receiver = await startReceiver({
        host,
        port,
        token,
        ...(settings.allowIps ? { allowIps: settings.allowIps } : {}),
        maxBodyBytes: settings.maxBodyBytes,
        store,
        log,
        timeZone: workspace.config.settings.api.timezone,
        now: context.now,
      }).catch(async (error: NodeJS.ErrnoException) => {
        await store.close();
        throw new ToolError(
          "usage",
          `cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
          "pick another --port",
        );
      });
      return { receiver, store };
    },
    describe: ({ receiver }) => ({
      formatVersion: 1,
      command: "receive",
      url: receiver.url,
      // A token from the environment is never printed: the address names where it goes.
      reportUrl: generated ? receiver.reportUrl : `${receiver.url}/reports/<CAMPAIGN_RECEIVER_TOKEN>`,
      healthUrl: `${receiver.url}/health`,
      store: reportStoreLocation(workspace, input),
      tokenGenerated: generated,
    }),
    async stop({ receiver, store }, signal) {
      // Bounded (receiver.stop): slow clients are cut after a grace period; what was acknowledged is stored.
      log({ event: "stopping", signal });
      await receiver.stop();
      await store.close();
      log({ event: "stopped", signal });
    },
  });
}
