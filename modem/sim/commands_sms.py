"""SMS commands (TS 27.005 §3): service centre, modes, storages, indications, send, list, read,
delete -- and how a received message or status report reaches the client (+CMTI/+CMT, +CDSI/+CDS).
"""
from __future__ import annotations

from datetime import timedelta

from modem import pdu
from modem.sim.commandline import READ, SET, TEST, Command
from modem.sim.network import SubmitRejected
from modem.sim.results import cms
from modem.sim.state import TextEntry
from modem.sim.storage import REC_READ, REC_UNREAD, STAT_CODES, STAT_NAMES, StorageFull, StoredMessage
from modem.sim.textmode import status_report_fields, text_header, text_body


class SmsCommands:
    """Mixed into SimModem."""

    smsc: str | None = None

    # -- settings ----------------------------------------------------------------------------------
    def at_csca(self, cmd: Command):
        self.require_sim("CMS")
        if cmd.form == TEST:
            return []
        smsc = self.smsc if self.smsc is not None else self.network.settings.smsc
        if cmd.form == READ:
            if not smsc:
                raise cms(330)
            kind = 145 if smsc.startswith("+") else 129
            return [f'+CSCA: "{self.encode_string(smsc)}",{kind}']
        self.smsc = self.decode_string(cmd.arg(0))

    def at_cmgf(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CMGF: {self.settings.cmgf}"]
        if cmd.form == TEST:
            return ["+CMGF: (0,1)"]
        mode = cmd.int_arg(0, 0)
        if mode not in (0, 1):
            raise cms(302)
        self.settings.cmgf = mode

    def at_csmp(self, cmd: Command):
        if cmd.form == READ:
            return ["+CSMP: " + ",".join(map(str, self.settings.csmp))]
        if cmd.form == SET:
            values = [cmd.int_arg(i, default) for i, default in enumerate(self.settings.csmp)]
            self.settings.csmp = tuple(values)

    def at_csms(self, cmd: Command):
        if cmd.form == READ:
            return ["+CSMS: 0,1,1,1"]
        if cmd.form == TEST:
            return ["+CSMS: (0,1)"]
        return ["+CSMS: 1,1,1"]

    def at_cnma(self, cmd: Command):
        """New-message acknowledgement (TS 27.005 §3.4.4). The simulated modem stays in +CSMS
        service 0, where no acknowledgement is expected: +CMS ERROR: 340, as real modems answer
        smstools, which sends AT+CNMA after every routed +CDS/+CMT."""
        if cmd.form == TEST:
            return []
        raise cms(340)

    def at_csdh(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CSDH: {self.settings.csdh}"]
        if cmd.form == SET:
            self.settings.csdh = cmd.int_arg(0, 0)

    def at_cmms(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CMMS: {self.settings.cmms}"]
        if cmd.form == TEST:
            return ["+CMMS: (0-2)"]
        self.settings.cmms = cmd.int_arg(0, 0)

    def at_cnmi(self, cmd: Command):
        if cmd.form == READ:
            return ["+CNMI: " + ",".join(map(str, self.settings.cnmi))]
        if cmd.form == TEST:
            return ["+CNMI: " + self.profile.cnmi_test]
        values = [cmd.int_arg(i, 0) for i in range(5)]
        limits = (3, 3, 3, 2, 1)
        if any(not 0 <= v <= top for v, top in zip(values, limits)):
            raise cms(303)
        self.settings.cnmi = tuple(values)

    # -- storages ----------------------------------------------------------------------------------
    def at_cpms(self, cmd: Command):
        self.require_sim("CMS")
        names = self.profile.storages
        if cmd.form == TEST:
            every = "(" + ",".join(f'"{n}"' for n in names) + ")"
            messages = "(" + ",".join(f'"{n}"' for n in names if n != "SR") + ")"
            return [f"+CPMS: {every},{messages},{messages}"]
        mem = self.storages.mem
        if cmd.form == READ:
            return ["+CPMS: " + ",".join(f'"{n}",{self.storages[n].used},{self.storages[n].capacity}'
                                         for n in mem)]
        chosen = [a.upper() for a in cmd.args]
        if not 1 <= len(chosen) <= 3 or any(n not in names for n in chosen) or "SR" in chosen[1:]:
            raise cms(302)
        mem[:len(chosen)] = chosen
        return ["+CPMS: " + ",".join(f"{self.storages[n].used},{self.storages[n].capacity}" for n in mem)]

    # -- list, read, delete ------------------------------------------------------------------------
    def at_cmgl(self, cmd: Command):
        text_mode = self.settings.cmgf == 1
        if cmd.form == TEST:
            if text_mode:
                return ['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")']
            return ["+CMGL: (0-4)"]
        self.require_sim("CMS")
        stat = self._stat_filter(cmd.arg(0), text_mode)
        storage = self.storages.read_storage
        lines = []
        for index, message in storage.listing(stat):
            lines.extend(self._render(index, message, listing=True))
            if message.stat == REC_UNREAD:
                message.stat = REC_READ
        return lines

    def _stat_filter(self, value: str, text_mode: bool) -> int:
        if text_mode:
            code = STAT_CODES.get((value or "REC UNREAD").upper())
            if code is None:
                raise cms(305)
            return code
        if value and (not value.isdigit() or int(value) > 4):
            raise cms(304)
        return int(value or 0)

    def at_cmgr(self, cmd: Command):
        if cmd.form == TEST:
            return []
        self.require_sim("CMS")
        storage = self.storages.read_storage
        index = cmd.int_arg(0, -1) if cmd.arg(0).isdigit() else -1
        message = storage.get(index)
        if not storage.valid_index(index) or message is None:
            raise cms(321)
        lines = self._render(index, message, listing=False)
        if message.stat == REC_UNREAD:
            message.stat = REC_READ
        return lines

    def _render(self, index: int, message: StoredMessage, listing: bool) -> list[str]:
        head = f"+CMGL: {index}," if listing else "+CMGR: "
        if self.settings.cmgf == 0:
            return [f"{head}{message.stat},,{message.tpdu_length}", message.pdu]
        decoded = pdu.decode(message.pdu)
        stat = f'"{STAT_NAMES[message.stat]}"'
        if isinstance(decoded, pdu.StatusReport):
            return [f"{head}{stat},{status_report_fields(decoded)}"]
        header = text_header(decoded, self.settings.csdh, listing, self.encode_string)
        return [f"{head}{stat},{header}", text_body(decoded, self.settings.cscs)]

    def at_cmgd(self, cmd: Command):
        if cmd.form == TEST:
            used = ",".join(str(i) for i in sorted(self.storages.read_storage.slots))
            return [f"+CMGD: ({used}),(0-4)"]
        self.require_sim("CMS")
        storage = self.storages.read_storage
        flag = cmd.int_arg(1, 0, allowed=range(5))
        if flag:
            storage.delete_by_flag(flag)
        else:
            index = cmd.int_arg(0, -1) if cmd.arg(0).isdigit() else -1
            if not storage.valid_index(index):
                raise cms(321)
            storage.delete(index)
        self.network.attach(self.sim.number, self)   # room again: waiting messages may come in

    # -- send --------------------------------------------------------------------------------------
    def at_cmgs(self, cmd: Command):
        if cmd.form == TEST:
            return []
        self.require_sim("CMS")
        if self.settings.cmgf == 0:
            if cmd.form != SET or not cmd.arg(0).isdigit() or not 1 <= int(cmd.arg(0)) <= 176:
                raise cms(304)
            length = int(cmd.arg(0))
            return TextEntry(lambda text: self._send_pdu(text, length), self.network.settings.time_per_part())
        if cmd.form != SET or not cmd.arg(0):
            raise cms(305)
        recipient = self.decode_string(cmd.arg(0))
        return TextEntry(lambda text: self._send_text(recipient, text), self.network.settings.time_per_part())

    def _send_pdu(self, text: str, length: int) -> list[str]:
        try:
            data = bytes.fromhex("".join(text.split()))
        except ValueError:
            raise cms(304) from None
        if not data or len(data) != 1 + data[0] + length:
            raise cms(304)
        if data[0] == 0 and not (self.smsc if self.smsc is not None else self.network.settings.smsc):
            raise cms(330)
        return self._transmit(bytearray(data[1 + data[0]:]))

    def _send_text(self, recipient: str, text: str) -> list[str]:
        fo, vp, _pid, dcs = self.settings.csmp
        encoding = "ucs2" if dcs & 0x0C == 0x08 else "gsm7"
        try:
            body = self.decode_string(text) if encoding == "ucs2" else text
            parts = pdu.encode_submit(recipient, body, encoding=encoding, status_report=bool(fo & 0x20),
                                      validity=relative_validity(vp) if fo & 0x18 == 0x10 else None,
                                      max_parts=1)
        except pdu.PduError:
            raise cms(305) from None
        return self._transmit(bytearray(bytes.fromhex(parts[0].hex)[1:]))

    def _transmit(self, tpdu: bytearray) -> list[str]:
        """The network takes the part (the radio time has passed); answers +CMGS: <mr>."""
        if not self.registered:
            raise cms(331)
        if len(tpdu) < 2 or tpdu[0] & 0x03 != 0x01:
            raise cms(304)
        reference = self.next_reference()
        tpdu[1] = reference
        try:
            self.network.submit(self.sim, bytes(tpdu), reference)
        except SubmitRejected as rejected:
            raise cms(rejected.code) from None
        return [f"+CMGS: {reference}"]

    # -- from the network (the network.Receiver protocol) --------------------------------------
    def receive_sms(self, pdu_hex: str, tpdu_length: int) -> bool:
        """Store or show a received SMS-DELIVER as +CNMI says; False leaves it at the SMSC."""
        with self._lock:
            if not self.port.is_open or not self.registered:
                return False
            _mode, mt, _bm, _ds, _bfr = self.settings.cnmi
            if mt in (2, 3):
                if self.settings.cmgf == 0:
                    self.two_line_urc(f"+CMT: ,{tpdu_length}", pdu_hex)
                else:
                    decoded = pdu.decode(pdu_hex)
                    header = text_header(decoded, self.settings.csdh, True, self.encode_string)
                    self.two_line_urc(f"+CMT: {header}", text_body(decoded, self.settings.cscs))
                return True
            storage = self.storages.receive_storage
            try:
                index = storage.store(StoredMessage(pdu_hex, REC_UNREAD, tpdu_length))
            except StorageFull:
                return False
            if mt == 1:
                self.urc(f'+CMTI: "{storage.name}",{index}')
            return True

    def receive_status_report(self, pdu_hex: str, tpdu_length: int) -> bool:
        """Show (+CDS) or store (+CDSI) a status report; False leaves it at the SMSC."""
        with self._lock:
            if not self.port.is_open or self.cfun != 1:
                return False
            ds = self.settings.cnmi[3]
            if ds == 1:
                if self.settings.cmgf == 0:
                    self.two_line_urc(f"+CDS: {tpdu_length}", pdu_hex)
                else:
                    self.urc(f"+CDS: {status_report_fields(pdu.decode(pdu_hex))}")
                return True
            storage = self.storages.report_storage
            try:
                index = storage.store(StoredMessage(pdu_hex, REC_UNREAD, tpdu_length))
            except StorageFull:
                return False
            if ds == 2:
                announced = self.profile.cdsi_announces if storage.name == "SR" else storage.name
                self.urc(f'+CDSI: "{announced}",{index}')
            return True

    def two_line_urc(self, head: str, body: str) -> None:
        """+CMT / +CDS: a header line and a PDU line, normally in one piece; a fault splits them."""
        delay = self.faults.split_delay
        if not delay:
            return self.urc(f"{head}\r\n{body}")
        self._write(f"\r\n{head}\r\n")
        self.network.scheduler.call_later(delay, self._write, f"{body}\r\n")


def relative_validity(vp: int) -> timedelta:
    """TP-VP relative format (TS 23.040 §9.2.3.12.1)."""
    if vp <= 143:
        return timedelta(minutes=(vp + 1) * 5)
    if vp <= 167:
        return timedelta(hours=12, minutes=(vp - 143) * 30)
    if vp <= 196:
        return timedelta(days=vp - 166)
    return timedelta(weeks=vp - 192)
