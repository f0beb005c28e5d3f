"""A tiny app for the runner tests: answers every GET with its pid, port and Dapr environment as JSON."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["APP_PORT"])


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({
            "pid": os.getpid(),
            "port": PORT,
            "path": self.path,
            "appId": os.environ.get("APP_ID"),
            "daprHttpPort": os.environ.get("DAPR_HTTP_PORT"),
            "daprGrpcPort": os.environ.get("DAPR_GRPC_PORT"),
            "greeting": os.environ.get("GREETING"),
            "cwd": os.getcwd(),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Echo)
print(f"echo app listening on {PORT}", flush=True)
print("echo app says hello on stderr", file=sys.stderr, flush=True)
server.serve_forever()
