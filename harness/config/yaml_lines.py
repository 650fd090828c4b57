"""Line-aware YAML loading, so config errors can say ``file:line`` and reject duplicate keys.

PyYAML's ``safe_load`` forgets where values came from and silently keeps the last of two
equal keys; both hide mistakes. Here the document is composed into nodes and rebuilt as
:class:`Node` objects that remember their line. Every failure is a one-line ConfigError.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from harness.errors import ConfigError

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

StrPath = str | os.PathLike[str]
MAX_INT_BITS = 64
MAX_BYTES = 2_000_000  # a configuration file; parsing costs seconds per MB, and no site's config is near this
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _LineLoader(_BaseLoader):
    """Safe loader (C-accelerated when available); only composes and builds scalars."""


@dataclass(frozen=True)
class Node:
    """One YAML value and the 1-based line it starts on.

    ``value`` is the Python scalar, a ``dict[str, Node]`` for a mapping (file order kept)
    or a ``list[Node]`` for a sequence. ``key_lines`` gives each mapping key's own line.
    """

    value: Any
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def is_mapping(self) -> bool:
        """True for a mapping (then ``value`` is ``dict[str, Node]``)."""
        return isinstance(self.value, dict)

    def describe(self) -> str:
        """Short one-line description of the value for "got ..." messages."""
        return describe(self.value)


def describe(value: Any) -> str:
    """Say what a value is in user terms, e.g. ``'640' (a string)``; always one line."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"{text!r} (a string)"
    if isinstance(value, float):
        return f"{value!r} (a decimal number)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    return f"{str(value)[:40]!r} (a {type(value).__name__})"


def join_key(parent: str, key: str) -> str:
    """Extend a dotted key path; odd keys are quoted so the message stays one line."""
    plain = bool(key) and key.isascii() and all(c.isalnum() or c in "_-." for c in key)
    part = key if plain else repr(key)
    return f"{parent}.{part}" if parent else part


def load_yaml(
    path: StrPath,
    *,
    missing_fix: str = "create it",
    empty_fix: str = "add some settings",
) -> Node:
    """Read and parse ``path``; raise ConfigError (never anything else) on any problem."""
    text = _read_text(path, missing_fix)
    try:
        loader = _LineLoader(text)
        try:
            root = loader.get_single_node()
            if root is None or _is_empty(root):
                raise ConfigError(path, None, f"file is empty; {empty_fix}")
            return _Builder(path, loader).build(root, "")
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise _yaml_error(path, text, err) from None
    except RecursionError:
        raise ConfigError(path, None, "nested too deeply; flatten the structure") from None


def _is_empty(node: yaml.Node) -> bool:
    """An empty plain scalar: what a blank value (or a bare ``---`` document) composes to."""
    return isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style


def _read_text(path: StrPath, missing_fix: str) -> str:
    """Read the file as UTF-8, turning OS and encoding failures into one-line errors."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # never more: a huge file is refused before it is parsed
            size = max(os.fstat(handle.fileno()).st_size, len(data))
    except FileNotFoundError:
        raise ConfigError(path, None, f"file not found; {missing_fix}") from None
    except IsADirectoryError:
        raise ConfigError(path, None, "is a directory, not a file; pass the path of a YAML file") from None
    except PermissionError:
        raise ConfigError(path, None, "permission denied reading the file; fix its permissions") from None
    except OSError as err:
        raise ConfigError(path, None, f"cannot read the file ({err.strerror}); check the path") from None
    if len(data) > MAX_BYTES:
        problem = f"the file is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:g} MB a configuration file may have"
        raise ConfigError(path, None, f"{problem}; is it the right file? keep it to the settings the pages need")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problem = f"not valid UTF-8 (byte 0x{data[err.start]:02x})"
        raise ConfigError(path, line, f"{problem}; save the file as UTF-8") from None


def _yaml_error(path: StrPath, text: str, err: yaml.YAMLError) -> ConfigError:
    """Convert a PyYAML error into a one-line ConfigError at the problem's line."""
    line: int | None = None
    fix = "check the indentation and quoting"
    if isinstance(err, yaml.constructor.ConstructorError):
        fix = "remove the '!' tag or quote the value"
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = err.problem or err.context or "malformed document"
    elif isinstance(err, yaml.reader.ReaderError):
        line = text[: err.position].count("\n") + 1
        char = err.character if isinstance(err.character, int) else ord(str(err.character)[:1] or "?")
        problem = f"character U+{char:04X} is not allowed ({err.reason})"
        fix = "remove it or save the file as plain UTF-8 text"
    else:
        problem = str(err)
    problem = " ".join(str(problem).split())
    return ConfigError(path, line, f"invalid YAML: {problem}; {fix}")


class _Builder:
    """Turns composed yaml nodes into :class:`Node` trees, checking keys on the way."""

    def __init__(self, path: StrPath, loader: Any) -> None:
        self.path = path
        self.loader = loader
        self.active: set[int] = set()  # collections being built: an alias back to one is a cycle
        self.done: dict[int, Node] = {}  # aliases reuse the built node (no exponential blow-up)

    def build(self, node: yaml.Node, keypath: str, line: int | None = None) -> Node:
        """Build one node; ``line`` overrides the mark for empty values (they have none)."""
        here = line if line is not None else node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return Node(self._scalar(node, keypath, here), here)
        if node.tag not in (_MAP_TAG, _SEQ_TAG):
            where = keypath or "top level"
            raise ConfigError(self.path, here, f"{where}: unsupported tag {node.tag!r}; remove the tag")
        if id(node) in self.done:
            return self.done[id(node)]
        if id(node) in self.active:
            where = keypath or "top level"
            raise ConfigError(self.path, here, f"{where}: an alias refers to itself; remove the loop")
        self.active.add(id(node))
        if isinstance(node, yaml.MappingNode):
            built = self._mapping(node, keypath, here)
        else:
            built = Node([self.build(item, f"{keypath}[{i}]") for i, item in enumerate(node.value)], here)
        self.active.discard(id(node))
        self.done[id(node)] = built
        return built

    def _scalar(self, node: yaml.Node, keypath: str, line: int) -> Any:
        """Construct a scalar the safe way; bad tagged values become ConfigErrors.

        PyYAML's constructors fail in more ways than ValueError: ``!!timestamp nope``
        raises AttributeError, for one; any of them means the value cannot be read.
        """
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except Exception as err:
            where = keypath or "value"
            reason = " ".join(str(err).split()) if isinstance(err, ValueError) else ""
            kind = str(node.tag).rsplit(":", 1)[-1]
            problem = f"cannot read value ({reason or f'{describe(node.value)} is not a valid {kind}'})"
            raise ConfigError(self.path, line, f"{where}: {problem}; fix or quote it") from None
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            # 0x… has no digit limit, but printing it in decimal has: no message could quote it
            where = keypath or "value"
            raise ConfigError(self.path, line, f"{where}: the number is too large ({value.bit_length()} bits); use a smaller one")
        return value

    def _mapping(self, node: yaml.MappingNode, keypath: str, line: int) -> Node:
        """Build a mapping, rejecting non-text keys and duplicates (PyYAML keeps the last)."""
        values: dict[str, Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = self._key(key_node, keypath, key_line)
            if key in key_lines:
                where = f"{keypath}: " if keypath else ""
                problem = f"duplicate key {key!r} (first at line {key_lines[key]})"
                raise ConfigError(self.path, key_line, f"{where}{problem}; remove or rename one")
            key_lines[key] = key_line
            child = join_key(keypath, key)
            values[key] = self.build(value_node, child, key_line if _is_empty(value_node) else None)
        return Node(values, line, key_lines)

    def _key(self, key_node: yaml.Node, keypath: str, line: int) -> str:
        """Keys are taken as written (``640:`` is the text '640'); only plain scalars allowed."""
        if isinstance(key_node, yaml.ScalarNode):
            return str(key_node.value)
        where = keypath or "top level"
        raise ConfigError(self.path, line, f"{where}: a key is a list or mapping; use plain text keys")

