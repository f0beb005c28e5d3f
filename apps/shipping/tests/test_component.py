"""The app over HTTP on a free port, against a fake sidecar."""

import json
import socket
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor

from shipping.api import ShippingApp, create_server
from shipping.dapr_client import DaprClient
from shipping.dead_letters import DeadLetterStore
from shipping.schemas import load_schema, validate
from shipping.shipments import ShipmentService

from .fake_sidecar import FakeSidecar
from .support import SCHEMAS_DIR, call, cloud_event, free_port, order

APP_TOKEN = "app-token-for-tests"
SIDECAR_TOKEN = "sidecar-token-for-tests"


class AppUnderTest:
    def __init__(self, sidecar_url, app_api_token=None, dapr_api_token=None):
        dapr = DaprClient(sidecar_url, api_token=dapr_api_token, timeout_seconds=2)
        app = ShippingApp(ShipmentService(dapr), DeadLetterStore(dapr), load_schema("order-status-changed", SCHEMAS_DIR))
        self.server = create_server(("127.0.0.1", 0), app, app_api_token=app_api_token)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.headers = {"dapr-api-token": app_api_token} if app_api_token else {}
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def deliver(self, event, route="/events/orders"):
        raw = event if isinstance(event, bytes) else json.dumps(event).encode()
        return call("POST", self.url + route, raw=raw, content_type="application/cloudevents+json",
                    headers=dict(self.headers, traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))

    def get(self, path):
        return call("GET", self.url + path, headers=self.headers)


class ShippingComponentTest(unittest.TestCase):
    def setUp(self):
        self.sidecar = FakeSidecar(api_token=SIDECAR_TOKEN).start()
        self.addCleanup(self.sidecar.stop)
        self.app = AppUnderTest(self.sidecar.url, app_api_token=APP_TOKEN, dapr_api_token=SIDECAR_TOKEN)
        self.addCleanup(self.app.stop)

    def shipments_published(self):
        return self.sidecar.published_to("shipments")

    def test_subscribes_to_orders_with_a_dead_letter_topic_and_to_that_topic(self):
        response = self.app.get("/dapr/subscribe")
        self.assertEqual(200, response.status)
        self.assertEqual([
            {"pubsubname": "pubsub", "topic": "orders", "route": "/events/orders", "deadLetterTopic": "orders-dlq"},
            {"pubsubname": "pubsub", "topic": "orders-dlq", "route": "/events/orders-dlq"},
        ], response.json())

    def test_a_confirmed_order_creates_one_shipment_and_publishes_shipment_dispatched(self):
        response = self.app.deliver(cloud_event(order()))
        self.assertEqual((200, {"status": "SUCCESS"}), (response.status, response.json()))
        shipment = self.sidecar.state("shipment-ord-1001")
        self.assertEqual("ord-1001", shipment["orderId"])
        self.assertIsNotNone(shipment["dispatchPublishedAt"])
        [(data, metadata)] = self.shipments_published()
        validate(data, load_schema("shipment-dispatched", SCHEMAS_DIR))
        self.assertEqual({name: shipment[name] for name in data}, data)
        self.assertEqual({"cloudevent.id": "shipment-ord-1001"}, metadata)

    def test_the_shipment_is_served_by_order_id(self):
        self.app.deliver(cloud_event(order()))
        response = self.app.get("/shipments/ord-1001")
        self.assertEqual(200, response.status)
        self.assertEqual(self.sidecar.state("shipment-ord-1001"), response.json())
        self.assertEqual(404, self.app.get("/shipments/ord-unknown").status)

    def test_the_same_event_twice_ships_once_and_publishes_once(self):
        event = cloud_event(order())
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(event).json())
        first = self.sidecar.state("shipment-ord-1001")
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(event).json())
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(cloud_event(order())).json())
        self.assertEqual(first, self.sidecar.state("shipment-ord-1001"))
        self.assertEqual(1, len(self.shipments_published()))

    def test_concurrent_deliveries_of_one_order_create_one_shipment(self):
        event = cloud_event(order(orderId="ord-race"))
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: self.app.deliver(event).json(), range(8)))
        self.assertEqual([{"status": "SUCCESS"}] * 8, answers)
        self.assertEqual(["shipment-ord-race"], [key for key in self.sidecar.keys() if key.startswith("shipment-")])
        stored = self.sidecar.state("shipment-ord-race")
        published = self.shipments_published()
        self.assertGreaterEqual(len(published), 1)
        # Racing deliveries may each publish before one records it, but always the stored shipment, under one id.
        for data, metadata in published:
            self.assertEqual(stored["shipmentId"], data["shipmentId"])
            self.assertEqual("shipment-ord-race", metadata["cloudevent.id"])
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(event).json())
        self.assertEqual(len(published), len(self.shipments_published()))

    def test_a_shipment_stored_before_a_crash_is_announced_on_redelivery_under_the_same_event_id(self):
        stored = {"orderId": "ord-1001", "shipmentId": "shp-before-crash", "carrier": "Sidecart Express",
                  "trackingNumber": "SCX000000000001", "dispatchedAt": "2026-01-01T10:00:02.000Z", "dispatchPublishedAt": None}
        self.sidecar.put_state("shipment-ord-1001", stored)
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(cloud_event(order())).json())
        [(data, metadata)] = self.shipments_published()
        self.assertEqual("shp-before-crash", data["shipmentId"])
        self.assertEqual("shipment-ord-1001", metadata["cloudevent.id"])
        self.assertIsNotNone(self.sidecar.state("shipment-ord-1001")["dispatchPublishedAt"])

    def test_an_order_id_that_cannot_be_a_state_key_is_dead_lettered(self):
        self.assertEqual({"status": "DROP"}, self.app.deliver(cloud_event(order(orderId="a||b"), event_id="pipes")).json())
        [record] = self.app.get("/dead-letters").json()
        self.assertIn("data.orderId: must not contain '||'", record["reason"])

    def test_orders_in_other_statuses_are_acknowledged_without_a_shipment(self):
        for status in ["Pending", "Rejected", "Cancelled", "Shipped"]:
            with self.subTest(status=status):
                response = self.app.deliver(cloud_event(order(status=status, orderId=f"ord-{status}")))
                self.assertEqual({"status": "SUCCESS"}, response.json())
        self.assertEqual([], [key for key in self.sidecar.keys() if key.startswith("shipment-")])
        self.assertEqual([], self.sidecar.published)
        self.assertEqual([], self.app.get("/dead-letters").json())

    def test_malformed_events_are_dropped_and_kept_with_their_reason(self):
        malformed = {
            "bad-json": (dict(cloud_event(None, event_id="bad-json"), data="{\"orderId\": "), "bad JSON"),
            "missing": (cloud_event(order(customerId=...), event_id="missing"), "data.customerId: required field is missing"),
            "wrong-type": (cloud_event(order(total="79"), event_id="wrong-type"), "data.total: expected number, got string"),
            "negative": (cloud_event(order(items=[{"sku": "A", "quantity": -1}]), event_id="negative"),
                         "data.items[0].quantity: -1 is less than the minimum 1"),
            "zero": (cloud_event(order(items=[{"sku": "A", "quantity": 0}]), event_id="zero"),
                     "data.items[0].quantity: 0 is less than the minimum 1"),
            "status": (cloud_event(order(status="Lost"), event_id="status"), "data.status: \"Lost\" is not one of"),
            "currency": (cloud_event(order(currency="eur"), event_id="currency"), "data.currency: \"eur\" does not match"),
        }
        for name, (event, _) in malformed.items():
            with self.subTest(event=name):
                response = self.app.deliver(event)
                self.assertEqual((200, {"status": "DROP"}), (response.status, response.json()))
        self.assertEqual([], self.sidecar.published)
        self.assertEqual([], [key for key in self.sidecar.keys() if key.startswith("shipment-")])

        records = {record["id"]: record for record in self.app.get("/dead-letters").json()}
        self.assertEqual(set(malformed), set(records))
        for name, (event, reason) in malformed.items():
            with self.subTest(record=name):
                self.assertIn(reason, records[name]["reason"])
                self.assertEqual(event, records[name]["event"])
                self.assertEqual("orders", records[name]["topic"])

    def test_a_body_that_is_not_json_is_kept_as_text(self):
        self.assertEqual({"status": "DROP"}, self.app.deliver(b"\x00not json at all").json())
        [record] = self.app.get("/dead-letters").json()
        self.assertEqual("\x00not json at all", record["event"])
        self.assertIn("bad JSON", record["reason"])

    def test_dead_letters_are_listed_newest_first_and_recorded_once(self):
        for event_id in ["first", "second", "third"]:
            self.app.deliver(cloud_event(order(total=-1), event_id=event_id))
        self.app.deliver(cloud_event(order(total=-1), event_id="first"))
        records = self.app.get("/dead-letters").json()
        self.assertEqual(["third", "second", "first"], [record["id"] for record in records])
        self.assertEqual(sorted((record["receivedAt"] for record in records), reverse=True),
                         [record["receivedAt"] for record in records])

    def test_an_event_arriving_on_the_dead_letter_topic_is_recorded_unless_already_recorded(self):
        dropped = cloud_event(order(total=-1), event_id="dropped-by-app")
        self.app.deliver(dropped)
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(dropped, "/events/orders-dlq").json())
        dead_lettered = cloud_event(order(orderId="ord-undeliverable"), event_id="retries-exhausted")
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(dead_lettered, "/events/orders-dlq").json())

        records = {record["id"]: record for record in self.app.get("/dead-letters").json()}
        self.assertEqual({"dropped-by-app", "retries-exhausted"}, set(records))
        self.assertIn("data.total", records["dropped-by-app"]["reason"])
        self.assertEqual("dead-lettered by the sidecar after failed deliveries", records["retries-exhausted"]["reason"])
        self.assertEqual(dead_lettered, records["retries-exhausted"]["event"])
        self.assertEqual([], self.sidecar.published)

    def test_concurrent_dead_letters_all_reach_the_index(self):
        events = [cloud_event(order(total=-1), event_id=f"bad-{n}") for n in range(10)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda event: self.app.deliver(event).json(), events))
        self.assertEqual([{"status": "DROP"}] * 10, answers)
        self.assertEqual({f"bad-{n}" for n in range(10)}, {record["id"] for record in self.app.get("/dead-letters").json()})

    def test_a_store_that_answers_a_lost_race_with_500_ships_once_and_records_once(self):
        # state.redis and state.postgresql answer a first-write conflict 500 ERR_STATE_SAVE, not 409.
        self.sidecar.conflict_status = 500
        event = cloud_event(order(orderId="ord-redis"))
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(lambda _: self.app.deliver(event).json(), range(6)))
        self.assertEqual([{"status": "SUCCESS"}] * 6, answers)
        self.assertEqual(["shipment-ord-redis"], [key for key in self.sidecar.keys() if key.startswith("shipment-")])
        self.assertIsNotNone(self.sidecar.state("shipment-ord-redis")["dispatchPublishedAt"])

        bad = cloud_event(order(total=-1), event_id="bad-on-redis")
        self.assertEqual({"status": "DROP"}, self.app.deliver(bad).json())
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(bad, "/events/orders-dlq").json())
        events = [cloud_event(order(total=-1), event_id=f"redis-{n}") for n in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            self.assertEqual([{"status": "DROP"}] * 8, list(pool.map(lambda e: self.app.deliver(e).json(), events)))
        ids = [record["id"] for record in self.app.get("/dead-letters").json()]
        self.assertEqual(sorted(["bad-on-redis"] + [f"redis-{n}" for n in range(8)]), sorted(ids))

    def test_a_failing_sidecar_makes_the_delivery_retry(self):
        self.sidecar.failing = True
        self.assertEqual({"status": "RETRY"}, self.app.deliver(cloud_event(order())).json())
        self.assertEqual({"status": "RETRY"}, self.app.deliver(cloud_event(order(total=-1))).json())
        self.assertEqual(503, self.app.get("/shipments/ord-1001").status)
        self.sidecar.failing = False
        self.assertEqual({"status": "SUCCESS"}, self.app.deliver(cloud_event(order())).json())
        self.assertEqual(1, len(self.shipments_published()))

    def test_healthz_answers_without_a_token(self):
        response = call("GET", self.app.url + "/healthz")
        self.assertEqual(200, response.status)

    def test_everything_else_needs_the_app_api_token(self):
        for method, path in [("GET", "/dapr/subscribe"), ("POST", "/events/orders"), ("POST", "/events/orders-dlq"),
                             ("GET", "/shipments/ord-1001"), ("GET", "/dead-letters"), ("POST", "/healthz")]:
            for headers in [{}, {"dapr-api-token": "wrong"}]:
                with self.subTest(path=path, headers=headers):
                    payload = cloud_event(order()) if method == "POST" else None
                    self.assertEqual(401, call(method, self.app.url + path, payload, headers=headers).status)
        self.assertEqual([], self.sidecar.keys())

    def test_a_chunked_body_is_refused_rather_than_misread(self):
        with socket.create_connection(("127.0.0.1", self.app.server.server_port), timeout=5) as connection:
            connection.sendall(b"POST /events/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               b"dapr-api-token: " + APP_TOKEN.encode() + b"\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            self.assertTrue(connection.recv(1024).startswith(b"HTTP/1.1 411"))

    def test_unknown_routes_and_methods(self):
        self.assertEqual(404, self.app.get("/nothing-here").status)
        self.assertEqual(405, call("POST", self.app.url + "/dead-letters", {}, headers=self.app.headers).status)


class SidecarDownTest(unittest.TestCase):
    def test_an_unreachable_sidecar_makes_the_delivery_retry(self):
        app = AppUnderTest(f"http://127.0.0.1:{free_port()}")
        self.addCleanup(app.stop)
        self.assertEqual({"status": "RETRY"}, app.deliver(cloud_event(order())).json())
        self.assertEqual({"status": "RETRY"}, app.deliver(b"not json").json())
        self.assertEqual(200, app.get("/healthz").status)


if __name__ == "__main__":
    unittest.main()
