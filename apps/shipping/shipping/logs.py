"""Structured logs: one JSON object per line on stdout, carrying the trace id of the request being served."""

import contextvars
import json
import logging
import sys
from datetime import datetime, timezone

_current_traceparent = contextvars.ContextVar("traceparent", default=None)
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def use_traceparent(traceparent):
    """Binds the incoming W3C traceparent to the current thread's context (each request has its own thread)."""
    _current_traceparent.set(traceparent or None)


def current_traceparent():
    return _current_traceparent.get()


def trace_id(traceparent):
    """The trace id of a `00-<trace-id>-<span-id>-<flags>` header, or None."""
    parts = (traceparent or "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1]
    return None


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": trace_id(_current_traceparent.get()),
        }
        # Fields passed with extra=... ; callers pass identifiers and reasons, never headers or tokens.
        entry.update({key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(level=logging.INFO, stream=None):
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
