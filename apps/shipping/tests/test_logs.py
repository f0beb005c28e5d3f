import io
import json
import logging
import unittest

from shipping import logs

from .fake_sidecar import FakeSidecar
from .support import cloud_event, order
from .test_component import AppUnderTest

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class StructuredLogsTest(unittest.TestCase):
    def setUp(self):
        root = logging.getLogger()
        saved = (root.handlers[:], root.level)
        self.addCleanup(lambda: (setattr(root, "handlers", saved[0]), root.setLevel(saved[1])))
        self.output = io.StringIO()
        logs.configure(logging.INFO, self.output)

    def lines(self):
        return [json.loads(line) for line in self.output.getvalue().splitlines()]

    def test_trace_id_comes_from_the_traceparent(self):
        self.assertEqual("4bf92f3577b34da6a3ce929d0e0e4736", logs.trace_id(TRACEPARENT))
        self.assertIsNone(logs.trace_id("garbage"))
        self.assertIsNone(logs.trace_id(None))

    def test_each_line_is_a_json_object_with_the_request_trace_id_and_no_secrets(self):
        sidecar = FakeSidecar(api_token="sidecar-secret").start()
        self.addCleanup(sidecar.stop)
        app = AppUnderTest(sidecar.url, app_api_token="app-secret", dapr_api_token="sidecar-secret")
        self.addCleanup(app.stop)

        app.deliver(cloud_event(order()))
        app.deliver(cloud_event(order(total=-1)))

        lines = self.lines()
        messages = [line["message"] for line in lines]
        self.assertIn("order shipped", messages)
        self.assertIn("dead letter recorded", messages)
        for line in lines:
            self.assertEqual("4bf92f3577b34da6a3ce929d0e0e4736", line["trace_id"])
            self.assertTrue(line["timestamp"].endswith("Z"))
        self.assertNotIn("secret", self.output.getvalue())


if __name__ == "__main__":
    unittest.main()
