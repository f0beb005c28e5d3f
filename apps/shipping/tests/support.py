"""Helpers shared by the tests: sample events, free ports, plain HTTP calls."""

import copy
import json
import socket
import urllib.error
import urllib.request
import uuid
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
SCHEMAS_DIR = REPOSITORY / "docs" / "schemas"

CONFIRMED_ORDER = {
    "orderId": "ord-1001",
    "customerId": "cust-42",
    "status": "Confirmed",
    "items": [{"sku": "HEADLAMP-400", "quantity": 2}],
    "total": 79.0,
    "currency": "EUR",
    "reason": None,
    "occurredAt": "2026-01-01T10:00:00Z",
}


def order(**changes):
    """CONFIRMED_ORDER with some fields replaced (a value of `...` removes the field)."""
    result = copy.deepcopy(CONFIRMED_ORDER)
    for name, value in changes.items():
        if value is ...:
            del result[name]
        else:
            result[name] = value
    return result


def cloud_event(data, topic="orders", event_id=None):
    """The envelope a sidecar delivers (https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/)."""
    return {
        "id": event_id or str(uuid.uuid4()),
        "source": "ordering",
        "type": "com.dapr.event.sent",
        "specversion": "1.0",
        "datacontenttype": "application/json",
        "data": data,
        "topic": topic,
        "pubsubname": "pubsub",
        "traceid": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "tracestate": "",
        "time": "2026-01-01T10:00:01Z",
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Response:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body)


def call(method, url, payload=None, raw=None, headers=None, content_type="application/json", timeout=10):
    """An HTTP call that returns the status and body whatever the status."""
    data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.read())
