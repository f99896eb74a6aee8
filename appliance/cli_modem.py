"""`tokusoku modem ...` and `tokusoku pdu ...`: one modem or one PDU, from the command line."""
from __future__ import annotations

import json
import queue
import sys

from modem import events, pdu
from modem.device import Modem, StoredMessage, phone_number
from modem.errors import ModemError
from modem.inbox import reassemble


def add_parsers(commands) -> None:
    modem = commands.add_parser("modem", help="talk to one modem")
    actions = modem.add_subparsers(dest="action", required=True)
    for name, handler, help_text in (("identify", _identify, "who the modem is, signal, network"),
                                     ("send", _send, "send one SMS"),
                                     ("inbox", _inbox, "list received messages (joined)"),
                                     ("watch", _watch, "print what the modem reports, until Ctrl-C")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--device", required=True, metavar="PATH", help="serial device")
        action.add_argument("--pin", help="SIM PIN, if the SIM asks for one")
        action.add_argument("--flow", default="none", choices=["none", "rtscts", "dsrdtr", "xonxoff"])
        action.add_argument("--json", action="store_true", help="machine-readable output")
        action.set_defaults(handler=handler)
        if name == "send":
            action.add_argument("--to", required=True, metavar="NUMBER")
            action.add_argument("--text", required=True)
            action.add_argument("--no-report", action="store_true", help="no delivery report")
        if name in ("inbox", "watch"):
            action.add_argument("--delete", action="store_true", help="delete what was read")

    codec = commands.add_parser("pdu", help="decode or encode an SMS PDU")
    pdu_actions = codec.add_subparsers(dest="action", required=True)
    decode = pdu_actions.add_parser("decode", help="decode a PDU given in hex")
    decode.add_argument("hex")
    decode.add_argument("--no-smsc", action="store_true", help="the PDU has no SMSC octet")
    decode.add_argument("--json", action="store_true")
    decode.set_defaults(handler=_decode)
    encode = pdu_actions.add_parser("encode", help="encode an SMS-SUBMIT (one PDU per part)")
    encode.add_argument("--to", required=True, metavar="NUMBER")
    encode.add_argument("--text", required=True)
    encode.add_argument("--smsc", help="SMSC number (default: the modem's)")
    encode.add_argument("--report", action="store_true", help="request a delivery report")
    encode.add_argument("--json", action="store_true")
    encode.set_defaults(handler=_encode)


def _print(args, data, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)


def _open(args) -> Modem:
    return Modem(args.device, pin=args.pin, flow=args.flow).open()


def _identify(args) -> int:
    with _open(args) as modem:
        info = modem.identify()
    _print(args, info, "\n".join(f"{key}: {value}" for key, value in info.items()))
    return 0


def _send(args) -> int:
    phone_number(args.to)
    with _open(args) as modem:
        sent = modem.send(args.to, args.text, status_report=not args.no_report)
    _print(args, {"recipient": sent.recipient, "references": sent.references, "parts": len(sent.references)},
           f"sent to {sent.recipient} in {len(sent.references)} part(s), references {sent.references}")
    return 0


def _inbox(args) -> int:
    with _open(args) as modem:
        stored = modem.list_stored()
        delivers = [s.message for s in stored if isinstance(s.message, pdu.Deliver)]
        received = reassemble(delivers)
        if args.delete:
            for message in stored:
                modem.delete(message.storage, message.index)
    lines = [f"{r.timestamp:%Y-%m-%d %H:%M} {r.sender}: {r.text}" for r in received]
    _print(args, [r.as_dict() for r in received], "\n".join(lines) or "(no messages)")
    return 0


def _watch(args) -> int:
    with _open(args) as modem:
        print(f"watching {args.device}; Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            try:
                event = modem.events.get(timeout=1.0)
            except queue.Empty:
                continue
            for record in _describe(modem, event, args.delete):
                _print(args, record, " ".join(f"{k}={v}" for k, v in record.items()))
                sys.stdout.flush()
            if isinstance(event, events.Unplugged):
                return 1


def _describe(modem: Modem, event, delete: bool) -> list[dict]:
    """What to print for one event; stored messages are read (and deleted with --delete)."""
    if isinstance(event, events.SmsStored):
        stored = modem.read(event.storage, event.index)
        return [_stored_record(modem, stored, delete)] if stored else []
    if isinstance(event, events.StatusReportStored):
        stored = modem.read_status_report(event.storage, event.index)
        return [_stored_record(modem, stored, delete)] if stored else []
    if isinstance(event, events.SmsReceived):
        return [_message_record(event.message)]
    if isinstance(event, events.StatusReportReceived):
        return [_message_record(event.report)]
    return [{"event": type(event).__name__, **{k: str(v) for k, v in vars(event).items()}}]


def _stored_record(modem: Modem, stored: StoredMessage, delete: bool) -> dict:
    record = _message_record(stored.message) if stored.message else {"type": "undecodable",
                                                                      "pdu": stored.pdu, "error": stored.error}
    record.update(storage=stored.storage, index=stored.index)
    if delete:
        modem.delete(stored.storage, stored.index)
    return record


def _message_record(message) -> dict:
    """The DESIGN.md field names for a decoded PDU."""
    concat = getattr(message, "concat", None)
    timestamp = getattr(message, "timestamp", None)
    discharge = getattr(message, "discharge_time", None)
    return {
        "type": message.type, "smsc": message.smsc, "sender": getattr(message, "sender", None),
        "recipient": getattr(message, "recipient", None), "text": getattr(message, "text", None),
        "timestamp": timestamp.isoformat() if timestamp else None,
        "encoding": getattr(message, "encoding", None),
        "concat": {"ref": concat.ref, "total": concat.total, "seq": concat.seq} if concat else None,
        "reference": getattr(message, "reference", None), "status": getattr(message, "status", None),
        **({"discharge_time": discharge.isoformat()} if discharge else {}),
        **({"status_group": pdu.status_group(message.status)} if isinstance(message, pdu.StatusReport) else {}),
    }


def _decode(args) -> int:
    message = pdu.decode(args.hex, smsc_included=not args.no_smsc)
    record = _message_record(message)
    if message.warnings:
        record["warnings"] = list(message.warnings)
    _print(args, record, "\n".join(f"{k}: {v}" for k, v in record.items() if v is not None))
    return 0


def _encode(args) -> int:
    parts = pdu.encode_submit(phone_number(args.to), args.text, smsc=args.smsc, status_report=args.report)
    records = [{"pdu": p.hex, "length": p.tpdu_length, "text": p.text} for p in parts]
    _print(args, records, "\n".join(f"AT+CMGS={p.tpdu_length}\n{p.hex}" for p in parts))
    return 0


ERRORS = (ModemError, pdu.PduError)
