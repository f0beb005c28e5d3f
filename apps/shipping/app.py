"""Entry point: `python3 app.py`, started by dapr.yaml in apps/shipping with APP_PORT and DAPR_HTTP_PORT set."""

import logging
import os
import signal
import threading

from shipping import logs
from shipping.api import ShippingApp, create_server
from shipping.dapr_client import DaprClient
from shipping.dead_letters import DeadLetterStore
from shipping.schemas import load_schema
from shipping.shipments import DEFAULT_CARRIER, ShipmentService

log = logging.getLogger("shipping")


def build_server(environ):
    app_port = int(environ.get("APP_PORT") or 5105)
    dapr_port = int(environ.get("DAPR_HTTP_PORT") or 3505)
    dapr_endpoint = environ.get("DAPR_HTTP_ENDPOINT") or f"http://127.0.0.1:{dapr_port}"
    dapr = DaprClient(dapr_endpoint, api_token=environ.get("DAPR_API_TOKEN") or None)
    app = ShippingApp(
        ShipmentService(dapr, carrier=environ.get("SHIPPING_CARRIER") or DEFAULT_CARRIER),
        DeadLetterStore(dapr),
        load_schema("order-status-changed"),
    )
    host = environ.get("APP_HOST") or "127.0.0.1"
    server = create_server((host, app_port), app, app_api_token=environ.get("APP_API_TOKEN") or None)
    log.info("shipping listening", extra={"address": f"http://{host}:{server.server_port}", "dapr_endpoint": dapr_endpoint,
                                          "app_api_token_required": bool(environ.get("APP_API_TOKEN"))})
    return server


def main():
    logs.configure(getattr(logging, (os.environ.get("LOG_LEVEL") or "INFO").upper(), logging.INFO))
    server = build_server(os.environ)
    # shutdown() waits for serve_forever to return, so it cannot run on the thread the signal interrupts.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        log.info("shipping stopped")


if __name__ == "__main__":
    main()
