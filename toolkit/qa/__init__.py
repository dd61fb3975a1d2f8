"""Multi-hop question answering over a user's corpus, offline.

Index paragraphs (:func:`build_index`), retrieve reasoning paths
(:class:`PathRetriever`), and extract answers with their supporting sentences.
"""

from mstool.toolkit.qa.corpus import Paragraph, read_corpus
from mstool.toolkit.qa.encoder import Encoder
from mstool.toolkit.qa.index import QAIndex, append_paragraphs, build_index, load_index
from mstool.toolkit.qa.retrieve import PathRetriever, ReasoningPath

__all__ = ["Encoder", "Paragraph", "PathRetriever", "QAIndex", "ReasoningPath", "append_paragraphs",
           "build_index", "load_index", "read_corpus"]
