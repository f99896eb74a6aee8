"""Joining the parts of concatenated messages (TS 23.040 §9.2.3.24.1). Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from modem import pdu


@dataclass
class Received:
    """A whole message (or as much of it as has arrived: `missing` lists absent part numbers)."""
    sender: str
    text: str
    timestamp: datetime
    parts: int = 1
    missing: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sender": self.sender, "text": self.text, "timestamp": self.timestamp.isoformat(),
                "parts": self.parts, "complete": not self.missing}


def reassemble(messages: list[pdu.Deliver]) -> list[Received]:
    """Group parts by (sender, reference, total, reference size) and join them in sequence order;
    single messages pass through. Ordered by the first part's timestamp. A part received twice
    counts once."""
    whole: list[Received] = []
    groups: dict[tuple, dict[int, pdu.Deliver]] = {}
    for message in messages:
        concat = message.concat
        if concat is None or concat.total <= 1:
            whole.append(Received(message.sender, message.text, message.timestamp))
            continue
        key = (message.sender, concat.ref, concat.total, concat.ref_bits)
        groups.setdefault(key, {}).setdefault(concat.seq, message)
    for (sender, _ref, total, _bits), parts in groups.items():
        first = parts[min(parts)]
        text = "".join(parts[seq].text for seq in sorted(parts))
        missing = [seq for seq in range(1, total + 1) if seq not in parts]
        whole.append(Received(sender, text, first.timestamp, total, missing))
    return sorted(whole, key=lambda r: r.timestamp)
