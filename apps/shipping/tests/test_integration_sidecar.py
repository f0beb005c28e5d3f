"""shipping (`python3 app.py`) behind the repository's real local sidecar, both as child processes on free ports,
with in-memory state and pub/sub and API tokens in both directions."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
from pathlib import Path

from .support import REPOSITORY, call, free_port, order

APP_DIR = REPOSITORY / "apps" / "shipping"
APP_TOKEN = "integration-app-token"
SIDECAR_TOKEN = "integration-sidecar-token"
RESOURCES = {
    "statestore.yaml": """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
spec:
  type: state.in-memory
  version: v1
  metadata: []
""",
    "pubsub.yaml": """\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: pubsub
spec:
  type: pubsub.in-memory
  version: v1
  metadata: []
""",
}


def sidecar_build():
    """The LocalSidecar.dll `make build` produces (CONFIGURATION, default Debug), or None."""
    configuration = os.environ.get("CONFIGURATION") or "Debug"
    candidates = sorted((REPOSITORY / "sidecar" / "LocalSidecar" / "bin" / configuration).glob("net*/LocalSidecar.dll"))
    return candidates[-1] if candidates else None


class RealSidecarTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        dll = sidecar_build()
        missing = None
        if dll is None:
            missing = "the local sidecar is not built (run `make build` or `dotnet build sidecar/LocalSidecar`)"
        elif shutil.which("dotnet") is None:
            missing = "dotnet is not on PATH"
        if missing:
            if os.environ.get("CI") == "true":
                raise AssertionError(f"CI=true and {missing}")
            raise unittest.SkipTest(f"integration test against the real sidecar skipped: {missing}")

        cls.workdir = Path(tempfile.mkdtemp(prefix="shipping-it-"))
        resources = cls.workdir / "resources"
        resources.mkdir()
        for name, text in RESOURCES.items():
            (resources / name).write_text(text, encoding="utf-8")
        app_port, dapr_port = free_port(), free_port()
        cls.app_url = f"http://127.0.0.1:{app_port}"
        cls.sidecar_url = f"http://127.0.0.1:{dapr_port}"
        environment = dict(os.environ, APP_PORT=str(app_port), DAPR_HTTP_PORT=str(dapr_port), PYTHONUNBUFFERED="1",
                           APP_API_TOKEN=APP_TOKEN, DAPR_API_TOKEN=SIDECAR_TOKEN)
        cls.processes = []
        try:
            cls.app_log = cls.start("app", [sys.executable, "app.py"], APP_DIR, environment)
            cls.wait_for("the app's /healthz", lambda: call("GET", cls.app_url + "/healthz", timeout=1).status == 200)
            cls.sidecar_log = cls.start("sidecar", [
                "dotnet", str(dll), "--app-id", "shipping", "--app-port", str(app_port),
                "--dapr-http-port", str(dapr_port), "--resources-path", str(resources)], cls.workdir, environment)
            cls.wait_for("the sidecar to subscribe to orders and orders-dlq", cls.subscribed)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for process in reversed(cls.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    @classmethod
    def start(cls, name, command, cwd, environment):
        log_path = cls.workdir / f"{name}.log"
        with open(log_path, "wb") as log:
            cls.processes.append(subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT))
        return log_path

    @classmethod
    def wait_for(cls, what, condition, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in cls.processes:
                if process.poll() is not None:
                    raise AssertionError(f"{process.args[0]} exited with {process.returncode} while waiting for {what}\n{cls.logs()}")
            try:
                if condition():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}\n{cls.logs()}")

    @classmethod
    def logs(cls):
        return "\n".join(f"--- {path.name} ---\n{path.read_text(errors='replace')[-4000:]}"
                         for path in sorted(cls.workdir.glob("*.log")))

    @classmethod
    def subscribed(cls):
        response = call("GET", cls.sidecar_url + "/v1.0/metadata", headers={"dapr-api-token": SIDECAR_TOKEN}, timeout=1)
        if response.status != 200:
            return False
        topics = {subscription["topic"] for subscription in response.json().get("subscriptions", [])}
        return {"orders", "orders-dlq"} <= topics

    def publish(self, topic, data=None, raw=None, event_id=None):
        query = "?" + urllib.parse.urlencode({"metadata.cloudevent.id": event_id}) if event_id else ""
        response = call("POST", f"{self.sidecar_url}/v1.0/publish/pubsub/{topic}{query}", data, raw=raw,
                        headers={"dapr-api-token": SIDECAR_TOKEN})
        self.assertEqual(204, response.status, response.body)

    def through_sidecar(self, path):
        return call("GET", f"{self.sidecar_url}/v1.0/invoke/shipping/method{path}", headers={"dapr-api-token": SIDECAR_TOKEN})

    def dead_letter(self, event_id):
        records = {record["id"]: record for record in self.through_sidecar("/dead-letters").json()}
        return records.get(event_id)

    def test_a_confirmed_order_published_through_the_sidecar_is_shipped(self):
        self.publish("orders", order(orderId="ord-it-1"))
        self.wait_for("the shipment", lambda: self.through_sidecar("/shipments/ord-it-1").status == 200)

        shipment = self.through_sidecar("/shipments/ord-it-1").json()
        self.assertEqual("ord-it-1", shipment["orderId"])
        stored = call("GET", f"{self.sidecar_url}/v1.0/state/statestore/shipment-ord-it-1",
                      headers={"dapr-api-token": SIDECAR_TOKEN})
        self.assertEqual(200, stored.status)
        self.assertEqual(shipment["shipmentId"], stored.json()["shipmentId"])
        self.wait_for("the publish of shipment-dispatched to be recorded",
                      lambda: self.through_sidecar("/shipments/ord-it-1").json()["dispatchPublishedAt"] is not None)

    def test_the_app_refuses_calls_without_the_app_token(self):
        self.assertEqual(401, call("GET", self.app_url + "/dead-letters").status)
        self.assertEqual(200, call("GET", self.app_url + "/healthz").status)

    def test_malformed_events_end_up_in_the_dead_letters_with_their_reason(self):
        self.publish("orders", order(orderId="ord-it-bad", items=[{"sku": "A", "quantity": -1}]), event_id="it-negative")
        self.publish("orders", raw=b"{\"orderId\": ", event_id="it-bad-json")
        self.wait_for("both dead letters", lambda: self.dead_letter("it-negative") and self.dead_letter("it-bad-json"))

        negative = self.dead_letter("it-negative")
        self.assertIn("data.items[0].quantity: -1 is less than the minimum 1", negative["reason"])
        self.assertEqual("orders", negative["topic"])
        self.assertEqual("ord-it-bad", negative["event"]["data"]["orderId"])
        self.assertIn("bad JSON", self.dead_letter("it-bad-json")["reason"])
        self.assertEqual(404, self.through_sidecar("/shipments/ord-it-bad").status)

    def test_an_event_on_the_dead_letter_topic_is_recorded(self):
        self.publish("orders-dlq", order(orderId="ord-it-dlq"), event_id="it-from-dlq")
        self.wait_for("the dead letter", lambda: self.dead_letter("it-from-dlq"))
        record = self.dead_letter("it-from-dlq")
        self.assertEqual("dead-lettered by the sidecar after failed deliveries", record["reason"])
        self.assertEqual(json.loads(json.dumps(order(orderId="ord-it-dlq"))), record["event"]["data"])


if __name__ == "__main__":
    unittest.main()
