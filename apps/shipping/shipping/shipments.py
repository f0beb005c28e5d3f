"""Shipments: one per confirmed order, stored once, announced on topic `shipments`."""

import logging
import secrets
import uuid

from .clock import utc_now_text
from .dapr_client import ETagMismatch, SidecarError
from .events import MalformedEvent

STATE_STORE = "statestore"
PUBSUB = "pubsub"
SHIPMENTS_TOPIC = "shipments"
DEFAULT_CARRIER = "Sidecart Express"
_MARK_ATTEMPTS = 5

log = logging.getLogger("shipping.shipments")


def shipment_key(order_id):
    return f"shipment-{order_id}"


def dispatched_event_id(order_id):
    """The CloudEvent id of the order's shipment-dispatched event: the same on every publish of it."""
    return f"shipment-{order_id}"


class ShipmentService:
    def __init__(self, dapr, carrier=DEFAULT_CARRIER, now=utc_now_text):
        self._dapr = dapr
        self._carrier = carrier
        self._now = now

    def find(self, order_id, traceparent=None):
        entry = self._dapr.get_state(STATE_STORE, shipment_key(order_id), traceparent)
        return entry.value if entry else None

    def dispatch(self, order, traceparent=None):
        """Creates the order's shipment unless it exists, then publishes shipment-dispatched unless that was done.

        First-write makes concurrent deliveries of one order agree on a single shipment. The publish happens
        after the shipment is stored and is marked done afterwards, so a crash in between re-publishes the same
        event (same CloudEvent id) on redelivery rather than losing it; once marked, nothing is published again.
        """
        order_id = order["orderId"]
        if "||" in order_id:
            raise MalformedEvent("data.orderId: must not contain '||' (it cannot be part of a state key)")
        key = shipment_key(order_id)
        try:
            self._dapr.save_state(STATE_STORE, key, self._new_shipment(order_id), first_write=True, traceparent=traceparent)
            log.info("shipment created", extra={"order_id": order_id})
        except ETagMismatch:
            log.info("shipment already exists", extra={"order_id": order_id})
        entry = self._dapr.get_state(STATE_STORE, key, traceparent)
        if entry is None:
            raise SidecarError(f"shipment {key} was saved but cannot be read back")
        if entry.value.get("dispatchPublishedAt") is not None:
            return entry.value
        self._publish_dispatched(entry.value, traceparent)
        return self._mark_published(key, entry, traceparent)

    def _new_shipment(self, order_id):
        return {
            "orderId": order_id,
            "shipmentId": f"shp-{uuid.uuid4().hex[:16]}",
            "carrier": self._carrier,
            "trackingNumber": f"SCX{secrets.token_hex(6).upper()}",
            "dispatchedAt": self._now(),
            "dispatchPublishedAt": None,
        }

    def _publish_dispatched(self, shipment, traceparent):
        event = {name: shipment[name] for name in ("orderId", "shipmentId", "carrier", "trackingNumber", "dispatchedAt")}
        event_id = dispatched_event_id(shipment["orderId"])
        self._dapr.publish(PUBSUB, SHIPMENTS_TOPIC, event, {"cloudevent.id": event_id}, traceparent)
        log.info("shipment-dispatched published", extra={"order_id": shipment["orderId"], "event_id": event_id})

    def _mark_published(self, key, entry, traceparent):
        """Returns the shipment as marked (by this call or by a concurrent delivery of the same order)."""
        for _ in range(_MARK_ATTEMPTS):
            marked = dict(entry.value, dispatchPublishedAt=self._now())
            try:
                self._dapr.save_state(STATE_STORE, key, marked, etag=entry.etag, traceparent=traceparent)
                return marked
            except ETagMismatch:
                entry = self._dapr.get_state(STATE_STORE, key, traceparent)
                if entry is None:
                    raise SidecarError(f"shipment {key} disappeared while recording its publish") from None
                if entry.value.get("dispatchPublishedAt") is not None:
                    return entry.value
        raise SidecarError(f"shipment {key}: could not record the publish after {_MARK_ATTEMPTS} attempts")
