"""Sidecart's shipping service: ships confirmed orders and announces them on topic `shipments`."""
