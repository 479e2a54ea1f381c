"""YAML that cannot cost more than its size: aliases, nesting and the expanded size checked while composing.

PyYAML's ``safe_load`` shares an aliased node instead of copying it, so a
"billion laughs" file (nine levels of ten aliases each) loads quickly; the
cost comes later, when anything walks the result (the canonical JSON that
hashes a definition expanded 10⁷ nodes: 4.3 s and 68 MB). ``bounded_load``
composes the node graph first, with

- at most ``MAX_ALIASES`` alias events (``*name``),
- at most ``MAX_DEPTH`` nested collections,
- at most ``MAX_NODES`` nodes once every alias is expanded (counted on the
  composed graph with one memo per node, so counting costs the graph's size,
  not the expansion's), and no alias to an enclosing collection (a cycle),

and only then constructs Python objects. A refusal raises
``YamlLimitExceeded`` (a ``ValueError``) with a Chinese message.
"""
from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_ALIASES = 100
MAX_DEPTH = 30
MAX_NODES = 50_000
MAX_CHARS = 1_000_000


class YamlLimitExceeded(ValueError):
    """The YAML text is refused before expansion; the message is Chinese."""


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlLimitExceeded(f"YAML 中的别名引用（*name）超过 {MAX_ALIASES} 处，不予读取；请直接写出内容")
            return super().compose_node(parent, index)
        collection = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlLimitExceeded(f"YAML 嵌套层数超过 {MAX_DEPTH} 层，不予读取")
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


def _children(node: Node):
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def expanded_size(root: Node, limit: int = MAX_NODES) -> int:
    """Nodes in the document with every alias expanded (iterative, memoised per node; raises on a cycle
    or as soon as the count passes ``limit``)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > limit:
                raise YamlLimitExceeded(f"YAML 展开别名后超过 {limit:,} 个节点，不予读取；请减少别名（*name）的嵌套使用")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlLimitExceeded("YAML 中的别名引用了包含它自身的内容（循环引用），不予读取")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise YamlLimitExceeded("YAML 中的别名引用了包含它自身的内容（循环引用），不予读取")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def bounded_load(text: str):
    """Like ``yaml.safe_load`` for one document, refusing (YamlLimitExceeded) what would expand beyond
    the limits; a YAML syntax error raises ``yaml.YAMLError`` as usual."""
    if len(text) > MAX_CHARS:
        raise YamlLimitExceeded(f"YAML 内容超过 {MAX_CHARS:,} 个字符，不予读取")
    loader = _BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        expanded_size(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()
