"""Message storages of one modem (SM on the SIM, ME in the modem, SR for status reports).

Stat values follow TS 27.005 §3.1: 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT = 0, 1, 2, 3
STAT_NAMES = {0: "REC UNREAD", 1: "REC READ", 2: "STO UNSENT", 3: "STO SENT", 4: "ALL"}
STAT_CODES = {name: code for code, name in STAT_NAMES.items()}


@dataclass
class StoredMessage:
    pdu: str        # hex, with the SMSC part
    stat: int
    tpdu_length: int


class StorageFull(Exception):
    """No free index in the storage."""


class Storage:
    """One named storage with a fixed number of slots, indexed from `first_index`."""

    def __init__(self, name: str, capacity: int, first_index: int = 1):
        self.name, self.capacity, self.first_index = name, capacity, first_index
        self.slots: dict[int, StoredMessage] = {}
        self._full_capacity = capacity

    def set_full(self, full: bool) -> None:
        """Make the storage report itself full (as a SIM full of old messages) or normal again."""
        self.capacity = self.used if full else self._full_capacity

    @property
    def used(self) -> int:
        return len(self.slots)

    def store(self, message: StoredMessage) -> int:
        """Put a message in the lowest free slot; returns its index. Raises StorageFull."""
        for index in range(self.first_index, self.first_index + self.capacity):
            if index not in self.slots:
                self.slots[index] = message
                return index
        raise StorageFull(self.name)

    def get(self, index: int) -> StoredMessage | None:
        return self.slots.get(index)

    def delete(self, index: int) -> None:
        self.slots.pop(index, None)

    def delete_by_flag(self, flag: int) -> None:
        """AT+CMGD delflag 1-4 (TS 27.005 §3.5.4): which messages go besides the indexed one."""
        doomed = {1: {REC_READ}, 2: {REC_READ, STO_SENT}, 3: {REC_READ, STO_SENT, STO_UNSENT},
                  4: {REC_UNREAD, REC_READ, STO_SENT, STO_UNSENT}}[flag]
        for index in [i for i, m in self.slots.items() if m.stat in doomed]:
            del self.slots[index]

    def listing(self, stat: int) -> list[tuple[int, StoredMessage]]:
        """Messages with `stat` (4 = all), in index order."""
        return [(i, m) for i, m in sorted(self.slots.items()) if stat == 4 or m.stat == stat]

    def valid_index(self, index: int) -> bool:
        return self.first_index <= index < self.first_index + self.capacity


class Storages:
    """All storages of a modem and the three chosen by AT+CPMS (read/delete, write/send, receive)."""

    def __init__(self, capacities: dict[str, int], first_index: int):
        self.by_name = {name: Storage(name, cap, first_index) for name, cap in capacities.items()}
        default = "SM" if "SM" in self.by_name else next(iter(self.by_name))
        self.mem = [default, default, default]
        self.lock = threading.RLock()

    def __getitem__(self, name: str) -> Storage:
        return self.by_name[name]

    def reset_selection(self) -> None:
        default = "SM" if "SM" in self.by_name else next(iter(self.by_name))
        self.mem = [default, default, default]

    @property
    def read_storage(self) -> Storage:
        return self.by_name[self.mem[0]]

    @property
    def receive_storage(self) -> Storage:
        return self.by_name[self.mem[2]]

    @property
    def report_storage(self) -> Storage:
        return self.by_name.get("SR") or self.receive_storage
