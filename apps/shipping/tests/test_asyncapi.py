"""docs/asyncapi.yaml: every topic and its dead-letter topic documented, schemas referenced from the files the
consumers load, and the examples valid against them."""

import json
import unittest

from shipping.schemas import load_schema, validate

from . import yaml_subset
from .support import REPOSITORY

DOCUMENT = REPOSITORY / "docs" / "asyncapi.yaml"
TOPICS = {
    "orders": "order-status-changed",
    "shipments": "shipment-dispatched",
    "stock-received": "stock-received",
    "product-updated": "product-updated",
}


def resolve(document, ref):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def internal_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value.startswith("#/"):
                yield value
            else:
                yield from internal_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from internal_refs(item)


class AsyncApiDocumentTest(unittest.TestCase):
    document = yaml_subset.load(DOCUMENT.read_text(encoding="utf-8"))

    def test_it_is_an_asyncapi_3_document_that_states_the_cloudevents_envelope(self):
        self.assertEqual("3.0.0", self.document["asyncapi"])
        self.assertIn("CloudEvents 1.0 envelope", self.document["info"]["description"])
        self.assertIn("`data`", self.document["info"]["description"])

    def test_every_topic_and_its_dead_letter_topic_is_a_channel_carrying_its_message(self):
        channels = self.document["channels"]
        for topic, message in TOPICS.items():
            for address in (topic, f"{topic}-dlq"):
                with self.subTest(channel=address):
                    self.assertEqual(address, channels[address]["address"])
                    [reference] = channels[address]["messages"].values()
                    self.assertEqual(f"#/components/messages/{message}", reference["$ref"])
        self.assertEqual(set(TOPICS) | {f"{topic}-dlq" for topic in TOPICS}, set(channels))

    def test_every_internal_reference_resolves(self):
        refs = list(internal_refs(self.document))
        self.assertEqual(2 * len(TOPICS) + len(self.document["operations"]), len(refs))
        for ref in refs:
            with self.subTest(ref=ref):
                self.assertIsInstance(resolve(self.document, ref), dict)

    def test_messages_reference_the_schema_files_the_consumers_load(self):
        for message in TOPICS.values():
            with self.subTest(message=message):
                payload = self.document["components"]["messages"][message]["payload"]
                self.assertEqual("application/schema+json;version=draft-07", payload["schemaFormat"])
                path = DOCUMENT.parent / payload["schema"]["$ref"]
                self.assertTrue(path.is_file(), path)
                self.assertEqual(message, json.loads(path.read_text(encoding="utf-8"))["title"])

    def test_every_message_has_examples_that_validate_against_its_schema(self):
        for message in TOPICS.values():
            definition = self.document["components"]["messages"][message]
            schema = load_schema(message, DOCUMENT.parent / "schemas")
            self.assertTrue(definition["examples"], message)
            for example in definition["examples"]:
                with self.subTest(message=message, example=example["name"]):
                    validate(example["payload"], schema)

    def test_every_operation_names_a_documented_channel(self):
        for name, operation in self.document["operations"].items():
            with self.subTest(operation=name):
                self.assertIn(operation["action"], ("send", "receive"))
                self.assertIn(operation["channel"]["$ref"].removeprefix("#/channels/"), self.document["channels"])


class YamlSubsetTest(unittest.TestCase):
    def test_reads_the_constructs_the_document_uses(self):
        text = "\n".join([
            "# comment",
            "a: 1",
            "b: 'it''s: quoted'",
            "'$ref': \"#/x\"",
            "c:",
            "  - name: first",
            "    payload:",
            "      n: 2.5",
            "      none: null",
            "  - plain text",
            "d: |",
            "  line one",
            "",
            "  line two",
            "e: []",
            "f: true",
        ])
        self.assertEqual({
            "a": 1, "b": "it's: quoted", "$ref": "#/x",
            "c": [{"name": "first", "payload": {"n": 2.5, "none": None}}, "plain text"],
            "d": "line one\n\nline two\n", "e": [], "f": True,
        }, yaml_subset.load(text))

    def test_refuses_what_it_does_not_read(self):
        for text in ["a: &anchor 1", "a: 1\n  b: 2", "a: 1\na: 2"]:
            with self.subTest(text=text), self.assertRaises(yaml_subset.YamlSubsetError):
                yaml_subset.load(text)


if __name__ == "__main__":
    unittest.main()
