import base64
import json
import unittest

from shipping.events import MalformedEvent, event_data, read_delivery
from shipping.schemas import SchemaError, ValidationError, check_supported, load_schema, validate

from .support import CONFIRMED_ORDER, SCHEMAS_DIR, cloud_event, order

MESSAGES = ["order-status-changed", "shipment-dispatched", "stock-received", "product-updated"]


class SchemaFilesTest(unittest.TestCase):
    def test_every_message_has_a_schema_file_whose_examples_validate(self):
        for message in MESSAGES:
            with self.subTest(message=message):
                schema = load_schema(message, SCHEMAS_DIR)
                self.assertTrue(schema["examples"], "each schema carries at least one example")
                for example in schema["examples"]:
                    validate(example, schema)

    def test_schema_titles_are_the_message_names(self):
        for message in MESSAGES:
            self.assertEqual(message, load_schema(message, SCHEMAS_DIR)["title"])

    def test_a_keyword_the_validator_cannot_check_is_refused_not_ignored(self):
        with self.assertRaisesRegex(SchemaError, "oneOf"):
            check_supported({"type": "object", "properties": {"a": {"oneOf": []}}}, "test")
        with self.assertRaisesRegex(SchemaError, "email"):
            check_supported({"type": "string", "format": "email"}, "test")


class OrderStatusChangedSchemaTest(unittest.TestCase):
    schema = load_schema("order-status-changed", SCHEMAS_DIR)

    def assert_invalid(self, data, field, problem):
        with self.assertRaises(ValidationError) as raised:
            validate(data, self.schema, "data")
        self.assertEqual(f"data.{field}", raised.exception.path)
        self.assertIn(problem, raised.exception.problem)

    def test_valid_orders_of_every_status_pass(self):
        for status in ["Pending", "Confirmed", "Rejected", "Cancelled", "Shipped"]:
            validate(order(status=status), self.schema)
        validate(order(reason="out of stock", total=0, items=[{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 3.0}]),
                 self.schema)

    def test_missing_fields_are_named(self):
        for field in CONFIRMED_ORDER:
            with self.subTest(field=field):
                self.assert_invalid(order(**{field: ...}), field, "required field is missing")
        self.assert_invalid(order(items=[{"sku": "A"}]), "items[0].quantity", "required field is missing")

    def test_wrong_types_are_named(self):
        self.assert_invalid(order(orderId=1001), "orderId", "expected string, got integer")
        self.assert_invalid(order(items={"sku": "A"}), "items", "expected array, got object")
        self.assert_invalid(order(total="79.00"), "total", "expected number, got string")
        self.assert_invalid(order(reason=42), "reason", "expected string or null, got integer")
        self.assert_invalid(order(items=[{"sku": "A", "quantity": 1.5}]), "items[0].quantity", "expected integer, got number")
        self.assert_invalid(order(items=[{"sku": "A", "quantity": True}]), "items[0].quantity", "expected integer, got boolean")

    def test_quantities_below_one_and_negative_totals_fail(self):
        self.assert_invalid(order(items=[{"sku": "A", "quantity": -2}]), "items[0].quantity", "less than the minimum 1")
        self.assert_invalid(order(items=[{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 0}]),
                            "items[1].quantity", "less than the minimum 1")
        self.assert_invalid(order(total=-0.01), "total", "less than the minimum 0")

    def test_an_order_needs_at_least_one_item(self):
        self.assert_invalid(order(items=[]), "items", "at least 1 item")

    def test_unknown_status_fails(self):
        self.assert_invalid(order(status="Delivered"), "status", "is not one of")
        self.assert_invalid(order(status="confirmed"), "status", "is not one of")

    def test_currency_must_be_three_upper_case_letters(self):
        for currency in ["eur", "EURO", "E1R", ""]:
            with self.subTest(currency=currency):
                self.assert_invalid(order(currency=currency), "currency", "does not match")

    def test_occurred_at_must_be_an_rfc3339_date_time(self):
        validate(order(occurredAt="2026-01-01T10:00:00.123456+02:00"), self.schema)
        for text in ["2026-01-01", "2026-01-01 10:00:00Z", "2026-02-30T10:00:00Z", "yesterday"]:
            with self.subTest(text=text):
                self.assert_invalid(order(occurredAt=text), "occurredAt", "date-time")


class OtherMessagesTest(unittest.TestCase):
    def test_stock_received_needs_a_positive_integer_quantity(self):
        schema = load_schema("stock-received", SCHEMAS_DIR)
        with self.assertRaisesRegex(ValidationError, r"\$\.quantity: -5 is less than the minimum 1"):
            validate({"sku": "A", "quantity": -5, "receiptId": "r-1"}, schema)
        with self.assertRaisesRegex(ValidationError, r"\$\.receiptId: required"):
            validate({"sku": "A", "quantity": 5}, schema)

    def test_product_updated_needs_a_price_above_zero(self):
        schema = load_schema("product-updated", SCHEMAS_DIR)
        product = {"sku": "A", "name": "Lamp", "price": 0.01, "currency": "EUR", "updatedAt": "2026-01-01T00:00:00Z"}
        validate(product, schema)
        with self.assertRaisesRegex(ValidationError, r"\$\.price: 0 must be greater than 0"):
            validate(dict(product, price=0), schema)

    def test_shipment_dispatched_needs_every_field(self):
        schema = load_schema("shipment-dispatched", SCHEMAS_DIR)
        with self.assertRaisesRegex(ValidationError, r"\$\.trackingNumber: required"):
            validate({"orderId": "o", "shipmentId": "s", "carrier": "c", "dispatchedAt": "2026-01-01T00:00:00Z"}, schema)


class ValidatorKeywordsTest(unittest.TestCase):
    def test_additional_properties_false_and_schema(self):
        closed = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
        validate({"a": "x"}, closed)
        with self.assertRaisesRegex(ValidationError, r"\$\.b: unexpected field"):
            validate({"a": "x", "b": 1}, closed)
        typed = {"type": "object", "additionalProperties": {"type": "integer"}}
        with self.assertRaisesRegex(ValidationError, r"\$\.b: expected integer"):
            validate({"b": "1"}, typed)

    def test_enum_compares_as_json(self):
        with self.assertRaises(ValidationError):
            validate(True, {"enum": [1]})
        validate(1.0, {"enum": [1]})


class EventDataTest(unittest.TestCase):
    schema = load_schema("order-status-changed", SCHEMAS_DIR)

    def reason_for(self, body):
        with self.assertRaises(MalformedEvent) as raised:
            event_data(read_delivery(body), self.schema)
        return raised.exception.reason

    def test_a_cloud_event_with_a_valid_order_yields_the_order(self):
        event = cloud_event(CONFIRMED_ORDER, event_id="evt-1")
        delivery = read_delivery(json.dumps(event).encode())
        self.assertEqual("evt-1", delivery.id)
        self.assertEqual(CONFIRMED_ORDER, event_data(delivery, self.schema))

    def test_json_sent_as_text_or_base64_is_read(self):
        as_text = dict(cloud_event(None), data=json.dumps(CONFIRMED_ORDER), datacontenttype="text/plain")
        self.assertEqual(CONFIRMED_ORDER, event_data(read_delivery(json.dumps(as_text).encode()), self.schema))
        as_base64 = cloud_event(None)
        del as_base64["data"]
        as_base64["data_base64"] = base64.b64encode(json.dumps(CONFIRMED_ORDER).encode()).decode()
        self.assertEqual(CONFIRMED_ORDER, event_data(read_delivery(json.dumps(as_base64).encode()), self.schema))

    def test_bad_json_is_malformed(self):
        self.assertIn("bad JSON: the body", self.reason_for(b"{not json"))
        self.assertIn("bad JSON: the body", self.reason_for(b"[1, 2]"))
        self.assertIn("bad JSON: data is not", self.reason_for(json.dumps(cloud_event("{\"orderId\": ")).encode()))
        self.assertIn("bad JSON", self.reason_for(b'{"id": "x", "data": NaN}'))

    def test_a_cloud_event_without_data_is_malformed(self):
        event = cloud_event(CONFIRMED_ORDER)
        del event["data"]
        self.assertEqual("data: required field is missing from the CloudEvent", self.reason_for(json.dumps(event).encode()))

    def test_schema_violations_name_the_field(self):
        reason = self.reason_for(json.dumps(cloud_event(order(items=[{"sku": "A", "quantity": -1}]))).encode())
        self.assertEqual("schema violation at data.items[0].quantity: -1 is less than the minimum 1", reason)

    def test_a_delivery_without_an_id_gets_one_derived_from_its_bytes(self):
        first, again, other = read_delivery(b"garbage"), read_delivery(b"garbage"), read_delivery(b"other garbage")
        self.assertTrue(first.id.startswith("sha256-"))
        self.assertEqual(first.id, again.id)
        self.assertNotEqual(first.id, other.id)
        self.assertEqual("garbage", first.original_event())


if __name__ == "__main__":
    unittest.main()
