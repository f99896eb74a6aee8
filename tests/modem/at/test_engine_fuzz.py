"""The AT line router under random input: nothing but typed errors, no hang, no waiter left."""
import threading

from hypothesis import given, settings, strategies as st

from modem.at.engine import AtEngine
from modem.errors import ModemError

LINES = st.sampled_from([b"OK", b"ERROR", b"+CME ERROR: 10", b"+CMS ERROR:500", b"> ", b">",
                         b'+CMTI: "SM",1', b"+CDS: 25", b"+CMT: ,24", b"0791FFAA", b"RING", b"^RSSI:9",
                         b"+CSQ: 18,99", b"AT+CSQ", b"COMMAND NOT SUPPORT", b"\xff\xfe", b""])
STREAM = st.lists(st.one_of(st.binary(max_size=12), LINES.map(lambda l: l + b"\r\n")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(before=STREAM, during=STREAM, cuts=st.lists(st.integers(1, 7), max_size=40))
def test_random_bytes_never_break_the_router(before, during, cuts):
    engine = AtEngine(lambda data: None, timeout=0.05)
    feed = lambda chunks: _feed(engine, b"".join(chunks), cuts)
    feed(before)
    worker = threading.Thread(target=feed, args=(during,))
    try:
        worker.start()
        engine.command("AT+CSQ", timeout=0.05)
    except ModemError:
        pass                                   # typed errors only (a timeout, an error result)
    finally:
        worker.join(timeout=5)
    assert not worker.is_alive()
    assert engine._pending is None
    while not engine.notifications.empty():
        assert engine.notifications.get_nowait().line


def _feed(engine, data: bytes, cuts) -> None:
    position, index = 0, 0
    while position < len(data):
        step = cuts[index % len(cuts)] if cuts else len(data)
        engine.data_received(data[position:position + step])
        position += step
        index += 1
