"""A fake Dapr sidecar for component tests: state (get, bulk get, save with ETag/first-write) and publish,
per https://docs.dapr.io/reference/api/state_api/, on a free port."""

import itertools
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSidecar:
    def __init__(self, api_token=None):
        self.api_token = api_token
        self.failing = False  # when True every API call answers 500, as a sidecar whose store is down would
        self.conflict_status = 409  # how a lost conditional write is answered: 409 (SQLite) or 500 (Redis, PostgreSQL)
        self.published = []  # (topic, data, metadata) in publish order
        self._state = {}  # key -> (value, etag)
        self._etags = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def put_state(self, key, value):
        with self._lock:
            self._state[key] = (value, str(next(self._etags)))

    def state(self, key):
        with self._lock:
            entry = self._state.get(key)
        return entry[0] if entry else None

    def keys(self):
        with self._lock:
            return sorted(self._state)

    def published_to(self, topic):
        with self._lock:
            return [(data, metadata) for published_topic, data, metadata in self.published if published_topic == topic]

    def _save(self, items):
        with self._lock:
            for item in items:
                current = self._state.get(item["key"])
                etag = item.get("etag")
                first_write = (item.get("options") or {}).get("concurrency") == "first-write"
                if etag is not None and (current is None or current[1] != etag):
                    return self.conflict_status, {"errorCode": "ERR_STATE_SAVE", "message": "possible etag mismatch"}
                if etag is None and first_write and current is not None:
                    return self.conflict_status, {"errorCode": "ERR_STATE_SAVE", "message": "possible etag mismatch"}
            for item in items:
                self._state[item["key"]] = (item["value"], str(next(self._etags)))
        return 204, None

    def _get(self, key):
        with self._lock:
            return self._state.get(key)

    def _publish(self, topic, data, metadata):
        with self._lock:
            self.published.append((topic, data, metadata))

    def _handler_class(self):
        sidecar = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self._serve()

            def do_POST(self):
                self._serve()

            def _serve(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if sidecar.api_token and self.headers.get("dapr-api-token") != sidecar.api_token:
                    return self._reply(401, b"invalid api token", "text/plain")
                if sidecar.failing:
                    return self._json(500, {"errorCode": "ERR_STATE_GET", "message": "store is down"})
                url = urllib.parse.urlsplit(self.path)
                parts = [urllib.parse.unquote(part) for part in url.path.split("/")[1:]]
                if parts[:3] == ["v1.0", "state", "statestore"] and self.command == "GET" and len(parts) == 4:
                    entry = sidecar._get(parts[3])
                    if entry is None:
                        return self._reply(204, b"", None)
                    return self._reply(200, json.dumps(entry[0]).encode(), "application/json", {"ETag": entry[1]})
                if parts == ["v1.0", "state", "statestore", "bulk"] and self.command == "POST":
                    entries = [(key, sidecar._get(key)) for key in json.loads(body)["keys"]]
                    return self._json(200, [{"key": key, "data": entry[0], "etag": entry[1]} if entry else {"key": key}
                                            for key, entry in entries])
                if parts == ["v1.0", "state", "statestore"] and self.command == "POST":
                    return self._json(*sidecar._save(json.loads(body)))
                if parts[:3] == ["v1.0", "publish", "pubsub"] and self.command == "POST" and len(parts) == 4:
                    query = dict(urllib.parse.parse_qsl(url.query))
                    metadata = {name[len("metadata."):]: value for name, value in query.items() if name.startswith("metadata.")}
                    sidecar._publish(parts[3], json.loads(body), metadata)
                    return self._reply(204, b"", None)
                return self._json(404, {"errorCode": "ERR_NOT_FOUND", "message": self.path})

            def _json(self, status, answer):
                if answer is None:
                    return self._reply(status, b"", None)
                return self._reply(status, json.dumps(answer).encode(), "application/json")

            def _reply(self, status, payload, content_type, headers=None):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
