"""A tiny app for the runner's API-token test. It refuses every call without its APP_API_TOKEN (but /healthz), and
once up it checks its own sidecar: a call with its DAPR_API_TOKEN, one without, and an invocation of the app named in
PEER through its sidecar. It prints one line with the outcomes and a short digest of each token (never the tokens)."""
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["APP_PORT"])
SIDECAR = f"http://127.0.0.1:{os.environ['DAPR_HTTP_PORT']}"
DAPR_TOKEN = os.environ.get("DAPR_API_TOKEN", "")
APP_TOKEN = os.environ.get("APP_API_TOKEN", "")


class App(BaseHTTPRequestHandler):
    def do_GET(self):
        presented = self.headers.get("dapr-api-token") or ""
        if self.path != "/healthz" and not (APP_TOKEN and hmac.compare_digest(presented.encode(), APP_TOKEN.encode())):
            self.reply(401, {"error": "missing or invalid dapr-api-token"})
            return
        if self.path.startswith("/dapr/"):
            self.reply(404, {})
            return
        self.reply(200, {"appId": os.environ.get("APP_ID")})

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def status(path, token):
    request = urllib.request.Request(SIDECAR + path, headers={"dapr-api-token": token} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def check():
    peer = os.environ.get("PEER")
    deadline = time.monotonic() + 60
    invoke = 0
    while time.monotonic() < deadline:
        invoke = status(f"/v1.0/invoke/{peer}/method/hello", DAPR_TOKEN) if peer else 200
        if invoke == 200:
            break
        time.sleep(0.2)
    digest = lambda t: hashlib.sha256(t.encode()).hexdigest()[:12] if t else "none"
    print("token-check " + json.dumps({
        "withToken": status("/v1.0/metadata", DAPR_TOKEN),
        "withoutToken": status("/v1.0/metadata", None),
        "invokePeer": invoke,
        "daprToken": digest(DAPR_TOKEN),
        "appToken": digest(APP_TOKEN),
    }), flush=True)


server = ThreadingHTTPServer(("127.0.0.1", PORT), App)
threading.Thread(target=check, daemon=True).start()
server.serve_forever()
