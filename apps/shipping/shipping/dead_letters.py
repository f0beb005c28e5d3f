"""Dead letters: events that could not be applied, kept in the state store for an operator to list.

Each record lives under its own key (written with first-write, so recording the same event twice is a no-op)
and an index key lists the record keys; the index is updated with ETags so concurrent recordings never lose
one another's entries.
"""

import hashlib
import logging
import re

from .clock import utc_now_text
from .dapr_client import ETagMismatch, SidecarError
from .shipments import STATE_STORE

INDEX_KEY = "dead-letters-index"
SIDECAR_DEAD_LETTERED = "dead-lettered by the sidecar after failed deliveries"
_INDEX_ATTEMPTS = 10
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,200}$")

log = logging.getLogger("shipping.dead_letters")


def dead_letter_topic(topic):
    return f"{topic}-dlq"


def record_key(event_id):
    # Ids come from outside: anything that could not be a state key (e.g. containing '||') is hashed.
    if _SAFE_ID.match(event_id):
        return f"dead-letter-{event_id}"
    return "dead-letter-sha256-" + hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:32]


class DeadLetterStore:
    def __init__(self, dapr, now=utc_now_text):
        self._dapr = dapr
        self._now = now

    def record(self, delivery, topic, reason, traceparent=None):
        """Keeps the delivery with its reason; returns False when that event id was already recorded."""
        key = record_key(delivery.id)
        record = {
            "id": delivery.id,
            "topic": topic,
            "receivedAt": self._now(),
            "reason": reason,
            "event": delivery.original_event(),
        }
        try:
            self._dapr.save_state(STATE_STORE, key, record, first_write=True, traceparent=traceparent)
            created = True
        except ETagMismatch:
            created = False
        # Also when the record existed: a crash may have come between the record and the index.
        self._add_to_index(key, traceparent)
        if created:
            log.warning("dead letter recorded", extra={"event_id": delivery.id, "topic": topic, "reason": reason})
        return created

    def list(self, traceparent=None):
        """Newest first."""
        index = self._dapr.get_state(STATE_STORE, INDEX_KEY, traceparent)
        keys = index.value["keys"] if index else []
        values = self._dapr.get_bulk_state(STATE_STORE, keys, traceparent)
        newest_index_first = [values[key] for key in reversed(keys) if key in values]
        return sorted(newest_index_first, key=lambda record: record["receivedAt"], reverse=True)

    def _add_to_index(self, key, traceparent):
        for _ in range(_INDEX_ATTEMPTS):
            index = self._dapr.get_state(STATE_STORE, INDEX_KEY, traceparent)
            keys = index.value["keys"] if index else []
            if key in keys:
                return
            try:
                self._dapr.save_state(
                    STATE_STORE, INDEX_KEY, {"keys": keys + [key]},
                    etag=index.etag if index else None, first_write=index is None, traceparent=traceparent)
                return
            except ETagMismatch:
                continue
        raise SidecarError(f"the dead-letter index stayed contended for {_INDEX_ATTEMPTS} attempts")
