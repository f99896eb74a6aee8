"""SMS PDU codec (3GPP TS 23.040, TS 23.038). Pure functions, no I/O, standard library only."""
from .calculator import TextInfo, split_text, text_info
from .decode import decode
from .encode import encode_deliver, encode_status_report, encode_submit
from .errors import PduError
from .model import Concat, Deliver, EncodedPdu, StatusReport, Submit, status_group
from .timestamp import decode_timestamp, encode_timestamp

__all__ = [
    "Concat", "Deliver", "EncodedPdu", "PduError", "StatusReport", "Submit", "TextInfo",
    "decode", "decode_timestamp", "encode_deliver", "encode_status_report", "encode_submit",
    "encode_timestamp", "split_text", "status_group", "text_info",
]
