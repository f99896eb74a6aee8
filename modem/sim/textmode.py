"""Text-mode (+CMGF=1) renderings of stored messages (TS 27.005 §3.4.1 and §4.1)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from modem import pdu


def text_time(moment: datetime) -> str:
    """'yy/MM/dd,hh:mm:ss±zz', the zone in quarter hours."""
    quarters = int(moment.utcoffset().total_seconds() // 900) if moment.utcoffset() else 0
    return f"{moment:%y/%m/%d,%H:%M:%S}{quarters:+03d}"


def _address_type(address: str) -> int:
    if address.startswith("+"):
        return 145
    return 129 if address.isdigit() else 208


def body_length(message) -> int:
    """Text-mode <length>: characters, or octets for 8-bit and UCS-2 data (TS 27.005 §3.1)."""
    if message.encoding == "8bit":
        return len(message.data)
    if message.encoding == "ucs2":
        return len(message.text.encode("utf-16-be"))
    return len(message.text)


def text_header(message, csdh: int, listing: bool, encode: Callable[[str], str]) -> str:
    """The fields after <stat> in +CMGL / +CMGR (and after "+CMT: ") for a DELIVER or SUBMIT."""
    length = body_length(message)
    if isinstance(message, pdu.Deliver):
        fields = f'"{encode(message.sender)}",,"{text_time(message.timestamp)}"'
        if csdh:
            sca = message.smsc or ""
            detail = (f",{_address_type(message.sender)},{length}" if listing else
                      f',{_address_type(message.sender)},4,{message.pid},{message.dcs},'
                      f'"{encode(sca)}",{_address_type(sca)},{length}')
            fields += detail
        return fields
    fields = f'"{encode(message.recipient)}",'
    if csdh:
        fields += f",{_address_type(message.recipient)},{length}"
    return fields


def text_body(message, cscs: str) -> str:
    """The message text as the TE character set shows it; UCS-2 and 8-bit data as hex."""
    if message.encoding == "8bit":
        return message.data.hex().upper()
    if cscs == "UCS2" or message.encoding == "ucs2":
        return message.text.encode("utf-16-be").hex().upper()
    return message.text


def status_report_fields(report) -> str:
    """<fo>,<mr>,<ra>,<tora>,<scts>,<dt>,<st> of a status report in text mode."""
    return (f'6,{report.reference},"{report.recipient}",{_address_type(report.recipient)},'
            f'"{text_time(report.timestamp)}","{text_time(report.discharge_time)}",{report.status}')
