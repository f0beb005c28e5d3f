"""Reading pub/sub deliveries: the sidecar POSTs a CloudEvents 1.0 envelope with the payload under `data`."""

import base64
import binascii
import hashlib
import json

from .schemas import ValidationError, validate


class MalformedEvent(Exception):
    """The delivery cannot be applied: it is dead-lettered, never retried."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


_NOT_JSON = object()


class Delivery:
    """One delivery as received: the raw body, its CloudEvent envelope when it has one, and a stable id."""

    def __init__(self, body, parsed):
        self.body = body
        self._parsed = parsed
        self.envelope = parsed if isinstance(parsed, dict) else None
        self.id = _event_id(body, self.envelope)

    def original_event(self):
        """The event as it arrived: the parsed JSON when it was JSON, else the text."""
        if self._parsed is _NOT_JSON:
            return self.body.decode("utf-8", errors="replace")
        return self._parsed


def read_delivery(body):
    """Never fails: a body that is not a JSON object is still a Delivery (with no envelope) to dead-letter."""
    try:
        parsed = _loads(body)
    except ValueError:
        parsed = _NOT_JSON
    return Delivery(body, parsed)


def event_data(delivery, schema):
    """The payload, validated against the message schema; raises MalformedEvent with a reason naming the field."""
    if delivery.envelope is None:
        raise MalformedEvent("bad JSON: the body is not a JSON object (a CloudEvent was expected)")
    data = _payload(delivery.envelope)
    try:
        validate(data, schema, "data")
    except ValidationError as error:
        raise MalformedEvent(f"schema violation at {error}") from None
    return data


def _payload(envelope):
    if "data_base64" in envelope:
        try:
            return _loads(base64.b64decode(envelope["data_base64"], validate=True))
        except (binascii.Error, TypeError, ValueError) as error:
            raise MalformedEvent(f"bad JSON: data_base64 does not hold a JSON document ({error})") from None
    if "data" not in envelope:
        raise MalformedEvent("data: required field is missing from the CloudEvent")
    data = envelope["data"]
    # A publisher that sends JSON as text (or invalid JSON as application/json) gets it embedded as a string.
    if isinstance(data, str):
        try:
            return _loads(data.encode("utf-8"))
        except ValueError as error:
            raise MalformedEvent(f"bad JSON: data is not a JSON document ({error})") from None
    return data


def _loads(raw):
    def reject_constant(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(raw, parse_constant=reject_constant)


def _event_id(body, envelope):
    event_id = envelope.get("id") if envelope else None
    if isinstance(event_id, str) and event_id:
        return event_id
    # Without an id, the content decides, so a redelivery of the same bytes is still recognised.
    return "sha256-" + hashlib.sha256(body).hexdigest()[:32]
