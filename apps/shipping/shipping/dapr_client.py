"""The few calls shipping makes to its sidecar through Dapr's HTTP API (state, bulk state, publish)."""

import json
import urllib.error
import urllib.parse
import urllib.request


class SidecarError(Exception):
    """The sidecar could not be reached or failed: transient, the delivery should be retried."""


class ETagMismatch(Exception):
    """A conditional save lost: the key changed since it was read, or it already exists under first-write."""


class StateEntry:
    def __init__(self, value, etag):
        self.value = value
        self.etag = etag


class DaprClient:
    def __init__(self, base_url, api_token=None, timeout_seconds=5.0):
        self._base_url = base_url.rstrip("/")
        self._api_token = api_token
        self._timeout = timeout_seconds

    def get_state(self, store, key, traceparent=None):
        """The value and its ETag, or None when the key does not exist (204)."""
        status, headers, body = self._call("GET", f"/v1.0/state/{_segment(store)}/{_segment(key)}", traceparent=traceparent)
        if status not in (200, 204):
            raise SidecarError(f"state get {key} answered {status}: {_short(body)}")
        if status == 204 or not body:
            return None
        return StateEntry(json.loads(body), headers.get("ETag"))

    def get_bulk_state(self, store, keys, traceparent=None):
        """{key: value} for the keys that exist."""
        if not keys:
            return {}
        status, _, body = self._call("POST", f"/v1.0/state/{_segment(store)}/bulk", {"keys": list(keys)}, traceparent)
        if status != 200:
            raise SidecarError(f"state bulk get answered {status}: {_short(body)}")
        return {item["key"]: item["data"] for item in json.loads(body) if "data" in item and not item.get("error")}

    def save_state(self, store, key, value, etag=None, first_write=False, traceparent=None):
        """Saves one item; with an etag, or with first_write and no etag, a conflicting write raises ETagMismatch.

        Stores report a lost race differently (SQLite and MongoDB 409, Redis and PostgreSQL 500 ERR_STATE_SAVE, MongoDB
        500 for an ETag mismatch), so a failed conditional write is never judged by its status: the key is read again,
        and it is a conflict when the key now exists (first-write) or has another ETag. An ETag is sent under
        first-write concurrency, because state.redis ignores it under last-write.
        """
        item = {"key": key, "value": value}
        if etag is not None:
            item["etag"] = etag
        if first_write or etag is not None:
            item["options"] = {"concurrency": "first-write"}
        status, _, body = self._call("POST", f"/v1.0/state/{_segment(store)}", [item], traceparent)
        if status in (200, 204):
            return
        if etag is not None or first_write:
            current = self.get_state(store, key, traceparent)
            if (etag is None and current is not None) or (etag is not None and (current is None or current.etag != etag)):
                raise ETagMismatch(key)
        raise SidecarError(f"state save {key} answered {status}: {_short(body)}")

    def publish(self, pubsub, topic, data, metadata=None, traceparent=None):
        query = urllib.parse.urlencode({f"metadata.{name}": value for name, value in (metadata or {}).items()})
        path = f"/v1.0/publish/{_segment(pubsub)}/{_segment(topic)}" + (f"?{query}" if query else "")
        status, _, body = self._call("POST", path, data, traceparent)
        if status not in (200, 204):
            raise SidecarError(f"publish to {topic} answered {status}: {_short(body)}")

    def _call(self, method, path, payload=None, traceparent=None):
        headers = {}
        data = None
        if payload is not None:
            data = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._api_token:
            headers["dapr-api-token"] = self._api_token
        if traceparent:
            headers["traceparent"] = traceparent
        request = urllib.request.Request(self._base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise SidecarError(f"{method} {path.split('?')[0]} failed: {getattr(error, 'reason', error)}") from None


def _segment(text):
    return urllib.parse.quote(text, safe="")


def _short(body):
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    return text if len(text) <= 200 else text[:200] + "..."
