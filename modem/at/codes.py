"""What modems print under AT+CMEE=2 instead of a number, back to the number.

+CME ERROR texts are those of 3GPP TS 27.007 §9.2; +CMS ERROR texts are the RP-causes of
TS 24.011 §8.2.5.4 (Table 8.4, values 0-127) and the values of TS 27.005 §3.2.5 (300-500).
Modems differ in capitals and punctuation, so texts are compared after normalise().
"""
from __future__ import annotations

import re

CME = {
    0: "phone failure", 1: "no connection to phone", 2: "phone-adaptor link reserved",
    3: "operation not allowed", 4: "operation not supported", 5: "PH-SIM PIN required",
    10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure",
    14: "SIM busy", 15: "SIM wrong", 16: "incorrect password", 17: "SIM PIN2 required",
    18: "SIM PUK2 required", 20: "memory full", 21: "invalid index", 22: "not found",
    23: "memory failure", 24: "text string too long", 25: "invalid characters in text string",
    26: "dial string too long", 27: "invalid characters in dial string", 30: "no network service",
    31: "network timeout", 32: "network not allowed - emergency calls only", 50: "incorrect parameters",
    100: "unknown",
}
CMS = {
    1: "Unassigned (unallocated) number", 8: "Operator determined barring", 10: "Call barred",
    21: "Short message transfer rejected", 27: "Destination out of service", 28: "Unidentified subscriber",
    29: "Facility rejected", 30: "Unknown subscriber", 38: "Network out of order", 41: "Temporary failure",
    42: "Congestion", 47: "Resources unavailable, unspecified", 50: "Requested facility not subscribed",
    69: "Requested facility not implemented", 81: "Invalid short message transfer reference value",
    95: "Invalid message, unspecified", 96: "Invalid mandatory information",
    97: "Message type non-existent or not implemented",
    98: "Message not compatible with short message protocol state",
    99: "Information element non-existent or not implemented", 111: "Protocol error, unspecified",
    127: "Interworking, unspecified",
    300: "ME failure", 301: "SMS service of ME reserved", 302: "operation not allowed",
    303: "operation not supported", 304: "invalid PDU mode parameter", 305: "invalid text mode parameter",
    310: "SIM not inserted", 311: "SIM PIN required", 312: "PH-SIM PIN required", 313: "SIM failure",
    314: "SIM busy", 315: "SIM wrong", 316: "SIM PUK required", 317: "SIM PIN2 required",
    318: "SIM PUK2 required", 320: "memory failure", 321: "invalid memory index", 322: "memory full",
    330: "SMSC address unknown", 331: "no network service", 332: "network timeout",
    340: "no +CNMA acknowledgement expected", 500: "unknown error",
}


def normalise(text: str) -> str:
    """"Unassigned (unallocated) number" and "UNASSIGNED UNALLOCATED NUMBER" compare equal."""
    return " ".join(re.findall(r"[a-z0-9+]+", text.lower()))


_BY_TEXT = {kind: {normalise(text): code for code, text in table.items()}
            for kind, table in (("CME", CME), ("CMS", CMS))}


def code_for(kind: str, text: str) -> int | None:
    """The number of a verbose +CME/+CMS ERROR text (`kind` "CME" or "CMS"); None if unknown."""
    return _BY_TEXT[kind].get(normalise(text))
