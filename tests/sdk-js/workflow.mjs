// A Dapr Workflow app in JavaScript against the sidecar at 127.0.0.1:$DAPR_GRPC_PORT / $DAPR_HTTP_PORT: the official
// SDK's WorkflowRuntime is the worker (it takes work items from the sidecar's GetWorkItems stream), its gRPC
// DaprWorkflowClient drives one instance and the HTTP client (DaprClient.workflow, always v1.0-beta1) two more. Prints
// one JSON line of what it saw and exits 0; the .NET test that starts it checks the line. Every wait has a deadline,
// so a sidecar that never answers makes the script fail with the step it was at instead of hanging.
import {
  CommunicationProtocolEnum,
  DaprClient,
  DaprWorkflowClient,
  LogLevel,
  WorkflowRuntime,
  WorkflowRuntimeStatus,
} from "@dapr/dapr";

const PATIENCE_MS = 30_000;
const grpcPort = process.env.DAPR_GRPC_PORT;
const httpPort = process.env.DAPR_HTTP_PORT;
const item = process.env.ITEM ?? "widget";
const quantity = Number(process.env.QUANTITY ?? "3");
const price = Number(process.env.PRICE ?? "7");

/** Rejects with the step's name once `ms` have passed without `promise` settling. */
async function within(step, promise, ms = PATIENCE_MS) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${step}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `read` until `done` holds for what it returns, with a deadline; returns that value. */
async function until(step, read, done, ms = PATIENCE_MS) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    const remaining = end - Date.now();
    if (remaining <= 0) {
      throw new Error(`timed out after ${ms} ms: ${step}; last seen ${JSON.stringify(last)}`);
    }

    last = await within(`${step} (last seen ${JSON.stringify(last)})`, read(), remaining);
    if (done(last)) {
      return last;
    }

    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// What the activities saw, in the order they ran (the worker runs them in this process).
const activityRuns = [];

const shout = (ctx, text) => {
  activityRuns.push({ name: "shout", instanceId: ctx.getWorkflowInstanceId(), taskId: ctx.getWorkflowActivityId(), input: text });
  return `${text.toUpperCase()}!`;
};

const priceOrder = (ctx, order) => {
  activityRuns.push({ name: "price", instanceId: ctx.getWorkflowInstanceId(), taskId: ctx.getWorkflowActivityId(), input: order });
  return order.quantity * order.price;
};

// Two activities in a chain, then an external event, then a result composed of all three.
// The SDK runs a workflow only when it returns an async iterator, so it must be an `async function*`.
const orderWorkflow = async function* (ctx, order) {
  const shouted = yield ctx.callActivity("shout", order.item);
  const total = yield ctx.callActivity("price", { quantity: order.quantity, price: order.price });
  const approval = yield ctx.waitForExternalEvent("approval");
  return { item: shouted, total, approvedBy: approval.by, summary: `${shouted} x${order.quantity} = ${total}, approved by ${approval.by}` };
};

const connection = { daprHost: "127.0.0.1", daprPort: grpcPort, logger: { level: LogLevel.Error } };
const runtime = new WorkflowRuntime(connection)
  .registerWorkflowWithName("jsOrderWorkflow", orderWorkflow)
  .registerActivityWithName("shout", shout)
  .registerActivityWithName("price", priceOrder);
const workflows = new DaprWorkflowClient(connection);
const http = new DaprClient({
  daprHost: "127.0.0.1",
  daprPort: httpPort,
  communicationProtocol: CommunicationProtocolEnum.HTTP,
  logger: { level: LogLevel.Error },
});

const statusName = (status) => WorkflowRuntimeStatus[status] ?? String(status);
const describe = (state) =>
  state === undefined
    ? null
    : {
        instanceId: state.instanceId,
        name: state.name,
        runtimeStatus: statusName(state.runtimeStatus),
        input: state.serializedInput ?? null,
        output: state.serializedOutput ?? null,
        failure: state.workflowFailureDetails ? state.workflowFailureDetails.message ?? String(state.workflowFailureDetails) : null,
      };

/** The HTTP client's error carries the status and body as JSON in its message. */
function httpError(e) {
  try {
    const parsed = JSON.parse(e.message);
    return { status: parsed.status, body: parsed.error_msg ? JSON.parse(parsed.error_msg) : null };
  } catch {
    return { status: null, message: e.message };
  }
}

let runtimeStarted = false;
try {
  const order = { item, quantity, price };
  const result = { grpc: {}, http: {}, httpTerminated: {} };

  await within("WorkflowRuntime.start", runtime.start());
  runtimeStarted = true;

  // The gRPC client: schedule, wait for the start, raise the event, wait for the completion.
  const grpcId = await within("scheduleNewWorkflow (gRPC)", workflows.scheduleNewWorkflow("jsOrderWorkflow", order));
  result.grpc.instanceId = grpcId;
  result.grpc.started = describe(await within("waitForWorkflowStart", workflows.waitForWorkflowStart(grpcId, true, PATIENCE_MS / 1000)));
  await within("raiseEvent (gRPC)", workflows.raiseEvent(grpcId, "approval", { by: "grpc-client" }));
  result.grpc.completed = describe(await within("waitForWorkflowCompletion", workflows.waitForWorkflowCompletion(grpcId, true, PATIENCE_MS / 1000)));
  result.grpc.state = describe(await within("getWorkflowState", workflows.getWorkflowState(grpcId, true)));
  result.grpc.unknown = describe(await within("getWorkflowState (unknown id)", workflows.getWorkflowState(`unknown-${grpcId}`, true)));

  // The HTTP client (v1.0-beta1): it generates the id, sends the object input as JSON; get, raiseEvent, purge.
  const httpId = await within("workflow.scheduleNewWorkflow (HTTP)", http.workflow.scheduleNewWorkflow("jsOrderWorkflow", { ...order, item: `${item}-http` }));
  result.http.instanceId = httpId;
  result.http.running = await until("HTTP get until RUNNING", () => http.workflow.getWorkflowState(httpId), (s) => s.runtimeStatus === "RUNNING");
  await within("workflow.raiseEvent (HTTP)", http.workflow.raiseEvent(httpId, "approval", { by: "http-client" }));
  result.http.completed = await until("HTTP get until COMPLETED", () => http.workflow.getWorkflowState(httpId), (s) => s.runtimeStatus === "COMPLETED");
  result.http.grpcView = describe(await within("getWorkflowState of the HTTP instance", workflows.getWorkflowState(httpId, true)));
  await within("workflow.purge (HTTP)", http.workflow.purge(httpId));
  result.http.afterPurge = await within(
    "HTTP get after purge",
    http.workflow.getWorkflowState(httpId).then(
      (s) => ({ found: s }),
      (e) => httpError(e),
    ),
  );

  // The HTTP client: terminate a waiting instance, then purge it.
  const terminatedId = await within("workflow.scheduleNewWorkflow (HTTP, to terminate)", http.workflow.scheduleNewWorkflow("jsOrderWorkflow", { ...order, item: `${item}-terminated` }));
  result.httpTerminated.instanceId = terminatedId;
  await until("HTTP get until RUNNING (to terminate)", () => http.workflow.getWorkflowState(terminatedId), (s) => s.runtimeStatus === "RUNNING");
  await within("workflow.terminate (HTTP)", http.workflow.terminate(terminatedId));
  result.httpTerminated.terminated = await until("HTTP get until TERMINATED", () => http.workflow.getWorkflowState(terminatedId), (s) => s.runtimeStatus === "TERMINATED");
  await within("workflow.purge (HTTP, terminated)", http.workflow.purge(terminatedId));
  result.httpTerminated.grpcViewAfterPurge = describe(await within("getWorkflowState after purge", workflows.getWorkflowState(terminatedId, true)));

  result.activityRuns = activityRuns;

  await within("WorkflowRuntime.stop", runtime.stop());
  runtimeStarted = false;
  await within("DaprWorkflowClient.stop", workflows.stop());
  await within("DaprClient.stop", http.stop());

  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.error(`workflow.mjs failed: ${e?.stack ?? e}`);
  console.error(`activity runs so far: ${JSON.stringify(activityRuns)}`);
  if (runtimeStarted) {
    await within("WorkflowRuntime.stop after a failure", runtime.stop(), 5_000).catch(() => {});
  }

  process.exit(1);
}
