"""What a line from a modem is: a final result, an unsolicited notification, or an answer line.

Pure functions over one line (and, for multi-line forms, the header before it).
"""
from __future__ import annotations

import re

from modem.at import codes
from modem.errors import CmeError, CmsError, CommandError, CommandNotSupported

# Final result codes (V.250 §5.7, TS 27.007 §9.2, TS 27.005 §3.2.5) in every form seen:
# "+CME ERROR: 10", "+CME ERROR:10", "+CME ERROR: SIM not inserted", Huawei's COMMAND NOT SUPPORT.
_ERROR = re.compile(r"^\+(CME|CMS) ERROR:\s*(.*)$")
SUCCESS = frozenset({"OK", "CONNECT"})
FAILURE = frozenset({"ERROR", "NO CARRIER", "COMMAND NOT SUPPORT", "NO DIALTONE", "BUSY", "NO ANSWER"})

# Notifications a modem sends on its own. Prefixed lines not belonging to the pending command are
# notifications too (rule 3); these are also recognised when they look like answers.
UNSOLICITED_PREFIXES = ("+CMTI:", "+CMT:", "+CDSI:", "+CDS:", "+CBM:", "+CLIP:", "+CRING:",
                        "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", "+CUSD:", "+CIEV:", "+QIND:",
                        "+CPIN:", "+CFUN:", "+QUSIM:", "^", "+ZDONR:", "+ZPASR:", "+WIND:")
UNSOLICITED_WORDS = frozenset({"RING", "RDY", "SMS DONE", "PB DONE", "SMS READY", "Call Ready",
                               "NO CARRIER"})

_HEX = re.compile(r"^[0-9A-Fa-f]+$")
# +CDS in PDU mode: "+CDS: <length>" then the PDU line (TS 27.005 §3.4.1); text mode is one line.
_CDS_PDU_HEADER = re.compile(r"^\+CDS:\s*\d+\s*$")
# A text-mode status report header in +CMGL/+CMGR has no body line: <stat>,<fo>,<mr>,...
_STATUS_REPORT_HEADER = re.compile(r'^\+CMG[LR]:\s*(?:\d+,)?(?:"[^"]*"|\d*),\d+,\d+,')


def is_final(line: str) -> bool:
    return line in SUCCESS or line in FAILURE or bool(_ERROR.match(line))


def error_for(command: str, line: str) -> CommandError | None:
    """The typed error for a final result line; None for success."""
    if line in SUCCESS:
        return None
    match = _ERROR.match(line)
    if not match:
        return CommandNotSupported(command, line) if line in ("ERROR", "COMMAND NOT SUPPORT") \
            else CommandError(command, line)
    kind, detail = match.group(1), match.group(2).strip()
    cls = CmeError if kind == "CME" else CmsError
    if detail.isdigit():
        return cls(command, line, int(detail), None)
    return cls(command, line, codes.code_for(kind, detail), detail)     # AT+CMEE=2: the text


def is_unsolicited(line: str) -> bool:
    return line in UNSOLICITED_WORDS or line.startswith(UNSOLICITED_PREFIXES)


def needs_body(header: str) -> bool:
    """True when `header` is the first line of a two-line notification or listing entry."""
    if header.startswith("+CMT:"):
        return True
    if _CDS_PDU_HEADER.match(header):
        return True
    if header.startswith(("+CMGL:", "+CMGR:")):
        return not _STATUS_REPORT_HEADER.match(header)
    return False


_PDU_LISTING_HEADER = re.compile(r"^(\+CMGL:\s*\d+\s*,|\+CMGR:)\s*\d+\s*,")     # <index>, for +CMGL


def body_is_pdu(header: str) -> bool:
    """True when the line after `header` must be a PDU: +CMGL/+CMGR in PDU mode give <stat> as a
    number (TS 27.005 §3.4.2, §4.1), text mode as a quoted string."""
    return bool(_PDU_LISTING_HEADER.match(header))


def completes_header(header: str, line: str) -> bool:
    """True when `line` can be the PDU announced by a +CMT/+CDS `header` (rule 4: by content).

    In PDU mode the header ends with <length>, the TPDU's octets without the SMSC address
    (TS 27.005 §3.4.1); the line holds the SMSC length octet, that many SMSC octets, then the
    TPDU. Some modems leave the SMSC part out, so a bare TPDU of that length is accepted too.
    """
    if not is_hex(line) or len(line) % 2:
        return False
    length = re.search(r"(\d+)\s*$", header)
    if length is None or header.rstrip().endswith('"'):
        return True                     # no <length> to check against
    octets, tpdu = len(line) // 2, int(length.group(1))
    return octets == tpdu or octets == 1 + int(line[:2], 16) + tpdu


def is_hex(line: str) -> bool:
    return bool(_HEX.match(line))


def prefix_of(line: str) -> str | None:
    """"+CSQ: 18,99" -> "+CSQ"; None for a line without a +/^ prefix."""
    match = re.match(r"^([+^$%][A-Z0-9_]+):", line)
    return match.group(1) if match else None


def answer_prefixes(command: str) -> frozenset[str]:
    """The prefixes of the information lines a command line answers with ("+CMEE?;+CREG?" ->
    {"+CMEE", "+CREG"})."""
    body = command[2:] if command[:2].upper() == "AT" else command
    return frozenset(m.group(1).upper() for m in re.finditer(r"([+^$%][A-Za-z0-9_]+)", body))


# Commands whose answer is a bare line without a prefix (V.250 §6.1, TS 27.007 §5).
_PLAIN_ANSWER = re.compile(r"^AT(\+C?GM[IMR]|\+C?GSN|\+CIMI|I\d*|\+CCID|\^?ICCID|\+QCCID)\s*$", re.I)


def expects_plain_lines(command: str) -> bool:
    return bool(_PLAIN_ANSWER.match(command.strip()))
