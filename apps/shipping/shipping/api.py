"""The HTTP surface: Dapr's subscription callbacks, the shipments and dead-letters reads, and /healthz."""

import hmac
import json
import logging
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import logs
from .dapr_client import SidecarError
from .dead_letters import SIDECAR_DEAD_LETTERED, dead_letter_topic
from .events import MalformedEvent, event_data, read_delivery
from .shipments import PUBSUB

ORDERS_TOPIC = "orders"
ORDERS_ROUTE = "/events/orders"
ORDERS_DEAD_LETTER_ROUTE = "/events/orders-dlq"
_MAX_BODY_BYTES = 4 * 1024 * 1024

SUCCESS = {"status": "SUCCESS"}
RETRY = {"status": "RETRY"}
DROP = {"status": "DROP"}

log = logging.getLogger("shipping.api")


def subscriptions():
    return [
        {"pubsubname": PUBSUB, "topic": ORDERS_TOPIC, "route": ORDERS_ROUTE,
         "deadLetterTopic": dead_letter_topic(ORDERS_TOPIC)},
        {"pubsubname": PUBSUB, "topic": dead_letter_topic(ORDERS_TOPIC), "route": ORDERS_DEAD_LETTER_ROUTE},
    ]


class ShippingApp:
    """What each route does, independent of the HTTP plumbing; every method returns (status, JSON body)."""

    def __init__(self, shipments, dead_letters, order_schema):
        self._shipments = shipments
        self._dead_letters = dead_letters
        self._order_schema = order_schema

    def on_order_event(self, body, traceparent):
        delivery = read_delivery(body)
        try:
            order = event_data(delivery, self._order_schema)
            if order["status"] != "Confirmed":
                log.info("order event acknowledged, nothing to ship",
                         extra={"event_id": delivery.id, "order_id": order["orderId"], "status": order["status"]})
                return 200, SUCCESS
            shipment = self._shipments.dispatch(order, traceparent)
            log.info("order shipped", extra={"event_id": delivery.id, "order_id": order["orderId"],
                                              "shipment_id": shipment["shipmentId"]})
            return 200, SUCCESS
        except MalformedEvent as malformed:
            return self._dead_letter(delivery, malformed.reason, DROP, traceparent)
        except SidecarError as error:
            log.warning("order event will be redelivered", extra={"event_id": delivery.id, "error": str(error)})
            return 200, RETRY

    def on_order_dead_letter(self, body, traceparent):
        return self._dead_letter(read_delivery(body), SIDECAR_DEAD_LETTERED, SUCCESS, traceparent)

    def _dead_letter(self, delivery, reason, answer, traceparent):
        try:
            self._dead_letters.record(delivery, ORDERS_TOPIC, reason, traceparent)
        except SidecarError as error:
            log.warning("dead letter not recorded yet, will be redelivered",
                        extra={"event_id": delivery.id, "error": str(error)})
            return 200, RETRY
        return 200, answer

    def shipment(self, order_id, traceparent):
        shipment = self._shipments.find(order_id, traceparent)
        if shipment is None:
            return 404, {"error": f"no shipment for order {order_id}"}
        return 200, shipment

    def dead_letters(self, traceparent):
        return 200, self._dead_letters.list(traceparent)


def create_server(address, app, app_api_token=None):
    """A ThreadingHTTPServer serving `app`; with app_api_token, everything but GET /healthz requires it."""

    class Handler(_ShippingHandler):
        shipping = app
        token = app_api_token

    return _Server(address, Handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when the sidecar delivers concurrently.
    request_queue_size = 128


class _ShippingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, the body waits for the peer's delayed ACK (~40 ms) on
    # every keep-alive response, which capped shipping at a few events per second.
    disable_nagle_algorithm = True
    shipping = None
    token = None

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def _serve(self, method):
        traceparent = self.headers.get("traceparent")
        logs.use_traceparent(traceparent)
        path = urllib.parse.urlsplit(self.path).path
        try:
            body = self._read_body()
            if body is None:
                return
            if not (method == "GET" and path == "/healthz") and not self._authorized():
                self._send(401, {"error": "missing or invalid dapr-api-token"})
                return
            status, answer = self._route(method, path, body, traceparent)
            self._send(status, answer)
        except SidecarError as error:
            log.warning("request failed: the sidecar is unavailable", extra={"path": path, "error": str(error)})
            self._send(503, {"error": "the sidecar is unavailable", "status": "RETRY"})
        except Exception:
            log.exception("request failed", extra={"path": path})
            self._send(500, {"error": "internal error", "status": "RETRY"})

    def _route(self, method, path, body, traceparent):
        routes = {
            "/healthz": ("GET", lambda: (200, {"status": "Healthy"})),
            "/dapr/subscribe": ("GET", lambda: (200, subscriptions())),
            ORDERS_ROUTE: ("POST", lambda: self.shipping.on_order_event(body, traceparent)),
            ORDERS_DEAD_LETTER_ROUTE: ("POST", lambda: self.shipping.on_order_dead_letter(body, traceparent)),
            "/dead-letters": ("GET", lambda: self.shipping.dead_letters(traceparent)),
        }
        if path.startswith("/shipments/") and path.count("/") == 2 and len(path) > len("/shipments/"):
            order_id = urllib.parse.unquote(path[len("/shipments/"):])
            routes[path] = ("GET", lambda: self.shipping.shipment(order_id, traceparent))
        if path not in routes:
            return 404, {"error": f"no route {path}"}
        allowed, serve = routes[path]
        if method != allowed:
            return 405, {"error": f"{path} only answers {allowed}"}
        return serve()

    def _authorized(self):
        if not self.token:
            return True
        presented = self.headers.get("dapr-api-token") or ""
        return hmac.compare_digest(presented.encode("utf-8"), self.token.encode("utf-8"))

    def _read_body(self):
        if self.headers.get("Transfer-Encoding"):
            # Reading chunked bodies is not worth it here (the sidecar sends lengths); refusing keeps the stream sane.
            self.close_connection = True
            self._send(411, {"error": "send a Content-Length"})
            return None
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY_BYTES:
            self.close_connection = True
            self._send(413, {"error": f"bodies are limited to {_MAX_BODY_BYTES} bytes"})
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, status, answer):
        payload = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        log.debug("http %s", format % args)
