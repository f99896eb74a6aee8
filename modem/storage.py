"""A modem's message storages (TS 27.005 §3.2.2, §3.4): choose, list, read, delete.

Listing or reading and deleting are separate steps, so that the caller can commit a message to
its database before it is deleted from the modem (DESIGN.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from modem import pdu
from modem.errors import CmsError, CommandError

STAT_ALL = 4


@dataclass(frozen=True)
class StoredMessage:
    """One message in a modem storage, raw and decoded (`message` None when undecodable)."""
    storage: str
    index: int
    stat: int
    pdu: str
    message: pdu.Deliver | pdu.Submit | pdu.StatusReport | None
    error: str | None = None


class Storages:
    """Mixed into modem.device.Modem, which gives `at`, `timeout`, `storages` (mem1, mem2, mem3
    as chosen at set-up) and `_current_storage`."""

    def select_storage(self, storage: str) -> None:
        """Make `storage` the one read and deleted from (AT+CPMS mem1)."""
        if storage != self._current_storage:
            self.at(f'AT+CPMS="{storage}"')
            self._current_storage = storage

    def receive_storages(self) -> tuple[str, ...]:
        """Where received messages are to be listed from: mem1, and mem3 too when the modem could
        not be set to receive into the storage that is read (TS 27.005 §3.2.2: mem3 receives,
        mem1 is read and deleted from). ("SM",) when the modem told nothing."""
        if not self.storages:
            return ("SM",)
        read, _, receive = self.storages
        return (read,) if read == receive else (read, receive)

    def list_stored(self, storage: str | None = None, stat: int = STAT_ALL) -> list[StoredMessage]:
        """Every message in `storage` (default: every one of receive_storages()), undecodable
        ones included."""
        if storage is None:
            return [found for name in self.receive_storages() for found in self.list_stored(name, stat)]
        self.select_storage(storage)
        lines = self.at(f"AT+CMGL={stat}", timeout=max(self.timeout, 30.0))
        found = []
        for header, body in zip(lines[::2], lines[1::2]):
            index, stat = header_numbers(header)[:2]
            found.append(_stored(storage, index, stat, body))
        return found

    def read(self, storage: str, index: int) -> StoredMessage | None:
        """The message at `index`, None when that place is empty."""
        self.select_storage(storage)
        try:
            lines = self.at(f"AT+CMGR={index}")
        except CmsError as error:
            if error.code == 321:                # invalid memory index: nothing there
                return None
            raise
        if len(lines) < 2:
            return None
        stat = header_numbers(lines[0])[0]
        return _stored(storage, index, stat, lines[1])

    def read_status_report(self, storage: str, index: int) -> StoredMessage | None:
        """A report announced by +CDSI. Quectel names SM while the report sits in SR
        (modem/sim/profiles.py QUECTEL), so SR is tried when the named place holds no report."""
        found = self.read(storage, index)
        if (found is None or not isinstance(found.message, pdu.StatusReport)) and storage != "SR":
            try:
                alternative = self.read("SR", index)
            except CommandError:
                alternative = None
            if alternative is not None:
                return alternative
        return found

    def delete(self, storage: str, index: int) -> None:
        self.select_storage(storage)
        self.at(f"AT+CMGD={index}")

    def delete_read(self, storage: str) -> None:
        """Delete every message already read from `storage` in one command (TS 27.005 §3.5.4,
        delflag 1; the index is ignored). Only for what the caller has committed."""
        self.select_storage(storage)
        self.at("AT+CMGD=1,1")


def header_numbers(header: str) -> list[int | None]:
    """"+CMGR: 0,,24" -> [0, None, 24]."""
    return [int(n) if n.strip().isdigit() else None for n in header.split(":", 1)[1].split(",")]


def _stored(storage: str, index: int, stat: int | None, body: str) -> StoredMessage:
    try:
        return StoredMessage(storage, index, stat if stat is not None else -1, body, pdu.decode(body))
    except pdu.PduError as error:
        return StoredMessage(storage, index, stat if stat is not None else -1, body, None, str(error))
