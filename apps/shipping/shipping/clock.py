from datetime import datetime, timezone


def utc_now_text():
    """RFC 3339 UTC with milliseconds, e.g. 2026-01-01T10:00:00.123Z (sorts as text in time order)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
