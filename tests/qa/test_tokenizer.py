"""The shipped bert-base-uncased WordPiece vocabulary tokenises as bert-base-uncased does."""

from __future__ import annotations

import pytest

from mstool.toolkit.errors import InputError


def test_known_bert_base_uncased_ids():
    from mstool.toolkit.qa.encoder import bert_uncased_tokenizer

    tok = bert_uncased_tokenizer()
    assert tok.get_vocab_size() == 30522
    # Lower-cased, accents kept as characters of the vocabulary, unknown word pieces split with ##.
    assert tok.encode("Hello, world!").ids == [101, 7592, 1010, 2088, 999, 102]
    enc = tok.encode("The Eiffel Tower", "Where is it?")
    assert enc.tokens == ["[CLS]", "the", "e", "##iff", "##el", "tower", "[SEP]", "where", "is", "it", "?",
                          "[SEP]"]
    assert enc.type_ids == [0] * 7 + [1] * 5
    assert tok.encode("[MASK] 北京").tokens == ["[CLS]", "[MASK]", "北", "京", "[SEP]"]


def test_only_second_truncation_keeps_the_question():
    from mstool.toolkit.qa.encoder import load_tokenizer

    tok = load_tokenizer()
    tok.enable_truncation(10, strategy="only_second")
    enc = tok.encode("who won", "the quick brown fox jumps over the lazy dog again and again")
    assert len(enc.ids) == 10 and enc.tokens[:4] == ["[CLS]", "who", "won", "[SEP]"]


def test_unreadable_tokenizer_file_names_it(tmp_path):
    from mstool.toolkit.qa.encoder import load_tokenizer

    bad = tmp_path / "tokenizer.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="tokenizer.json"):
        load_tokenizer(bad)
