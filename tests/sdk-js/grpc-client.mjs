// Drives the sidecar at 127.0.0.1:$DAPR_GRPC_PORT through the official Dapr JavaScript SDK over gRPC and prints one
// JSON line of what it saw; the .NET test that starts it checks the line.
import { DaprClient, CommunicationProtocolEnum } from "@dapr/dapr";

const client = new DaprClient({
  daprHost: "127.0.0.1",
  daprPort: process.env.DAPR_GRPC_PORT,
  communicationProtocol: CommunicationProtocolEnum.GRPC,
});

const key = process.env.STATE_KEY;
const result = {};
await client.state.save("statestore", [{ key, value: { writtenBy: "js" } }]);
result.readBack = await client.state.get("statestore", key);
result.writtenByDotnet = await client.state.get("statestore", process.env.DOTNET_KEY);
result.publish = await client.pubsub.publish("pubsub", process.env.TOPIC, { from: "js" });
result.bulk = await client.pubsub.publishBulk("pubsub", process.env.TOPIC, [{ n: 1 }, { n: 2 }]);
result.secret = await client.secret.get("secretstore", "db-password");
result.appId = (await client.metadata.get()).id;
try {
  await client.state.get("nostore", key);
  result.unknownStore = "no error";
} catch (e) {
  result.unknownStore = e.message;
}

console.log(JSON.stringify(result));
process.exit(0);
