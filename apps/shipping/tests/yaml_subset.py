"""Reads the YAML subset docs/asyncapi.yaml is written in (no PyYAML here: standard library only).

Block mappings and sequences by indentation, `- key: value` items, plain, single- and double-quoted scalars,
null/true/false/numbers, JSON-style flow collections, and `|` block scalars. Anything else (anchors, tags,
multi-document streams, trailing comments) is outside the subset and is refused or read as plain text.
"""

import json
import re

_INTEGER = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")


class YamlSubsetError(Exception):
    pass


def load(text):
    parser = _Parser(text)
    first = parser.peek()
    if first is None:
        return None
    value = parser.block(first[0])
    if parser.peek() is not None:
        raise YamlSubsetError(f"line {parser.index + 1}: unexpected indentation")
    return value


class _Parser:
    def __init__(self, text):
        self.lines = text.splitlines()
        self.index = 0

    def peek(self):
        """(indent, content) of the next meaningful line, or None at the end."""
        while self.index < len(self.lines):
            line = self.lines[self.index]
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                if "\t" in line[: len(line) - len(line.lstrip())]:
                    raise YamlSubsetError(f"line {self.index + 1}: tabs in indentation")
                return len(line) - len(line.lstrip(" ")), stripped
            self.index += 1
        return None

    def block(self, indent):
        _, content = self.peek()
        return self.sequence(indent) if _is_item(content) else self.mapping(indent)

    def mapping(self, indent):
        result = {}
        while (next_line := self.peek()) is not None and next_line[0] >= indent:
            line_indent, content = next_line
            if line_indent > indent or _is_item(content):
                raise YamlSubsetError(f"line {self.index + 1}: expected a key at column {indent}")
            key, rest = _split_entry(content, self.index)
            if key in result:
                raise YamlSubsetError(f"line {self.index + 1}: duplicate key {key!r}")
            self.index += 1
            result[key] = self.value(rest, indent)
        return result

    def sequence(self, indent):
        items = []
        while (next_line := self.peek()) is not None and next_line[0] == indent and _is_item(next_line[1]):
            rest = next_line[1][1:].lstrip(" ")
            if rest and _entry_separator(rest) is not None:
                # "- key: value" opens a mapping whose keys sit where "key" starts.
                column = indent + len(next_line[1]) - len(rest)
                self.lines[self.index] = " " * column + rest
                items.append(self.mapping(column))
            else:
                self.index += 1
                items.append(self.value(rest, indent))
        return items

    def value(self, rest, parent_indent):
        if rest in ("|", "|-"):
            return self.block_scalar(rest, parent_indent)
        if rest:
            return _scalar(rest)
        next_line = self.peek()
        if next_line is None or next_line[0] <= parent_indent:
            return None
        return self.block(next_line[0])

    def block_scalar(self, style, parent_indent):
        collected = []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= parent_indent:
                break
            collected.append(line)
            self.index += 1
        while collected and not collected[-1].strip():
            collected.pop()
        indent = min((len(line) - len(line.lstrip(" ")) for line in collected if line.strip()), default=0)
        text = "\n".join(line[indent:] for line in collected)
        return text if style == "|-" else text + "\n"


def _is_item(content):
    return content == "-" or content.startswith("- ")


def _entry_separator(content):
    """Index of the ': ' (or final ':') that ends a key, skipping quoted keys; None if not a mapping entry."""
    if content[0] in "'\"":
        end = content.find(content[0], 1)
        if end < 0:
            return None
        after = content[end + 1:]
        return end + 1 if after == ":" or after.startswith(": ") else None
    if content[0] in "[{":
        return None
    match = re.search(r":( |$)", content)
    return match.start() if match else None


def _split_entry(content, index):
    separator = _entry_separator(content)
    if separator is None:
        raise YamlSubsetError(f"line {index + 1}: expected 'key: value', got {content!r}")
    key = content[:separator]
    if key[0] in "'\"":
        key = _scalar(key)
    return key, content[separator + 1:].strip()


def _scalar(text):
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise YamlSubsetError(f"unterminated string {text!r}")
        return text[1:-1].replace("''", "'")
    if text.startswith(("[", "{")):
        return json.loads(text)
    if text.startswith(("&", "*", "!", "%", "@", "`")):
        raise YamlSubsetError(f"{text!r} is outside the supported YAML subset")
    if text in ("null", "~"):
        return None
    if text in ("true", "false"):
        return text == "true"
    if _INTEGER.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text
