from hypothesis import given, strategies as st

from modem.at.framing import MAX_LINE, LineFramer


def feed_all(chunks):
    framer = LineFramer()
    lines = []
    for chunk in chunks:
        lines += framer.feed(chunk)
    return lines, framer


def test_lines_end_at_any_run_of_cr_and_lf():
    lines, framer = feed_all([b"\r\nOK\r\n", b"AT\r", b"&C\r\r\n", b"\r\n> "])
    assert lines == ["OK", "AT", "&C"]
    assert framer.partial == "> "


@given(st.lists(st.sampled_from(["OK", "+CSQ: 18,99", "ERROR", "+CMTI: \"SM\",1", "0791FF"]), max_size=20),
       st.data())
def test_any_split_gives_the_same_lines(lines, data):
    stream = b"".join(b"\r\n" + l.encode() + b"\r\n" for l in lines)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    chunks = [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)])]
    assert feed_all(chunks)[0] == lines


def test_undecodable_bytes_become_replacement_characters():
    lines, _ = feed_all([b"\xff\xfe junk\r\nOK\r\n"])
    assert lines == ["\ufffd\ufffd junk", "OK"]


def test_endless_noise_is_cut():
    lines, framer = feed_all([b"x" * (MAX_LINE + 10)])
    assert len(lines) == 1 and framer.partial == ""
