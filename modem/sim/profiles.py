"""Modem profiles: what a family of real modems says and how it deviates from the standards.

Each profile names where its behaviour was seen. Transcripts live in
../shared/testdata/modem-transcripts/ (TM-nn below) and peer-clients/ (what gammu, gammu-smsd and
smstools sent to a scripted responder).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Profile:
    """Identity, framing and quirks of one modem family. The `generic` profile follows the standards."""

    name: str
    manufacturer: str
    model: str
    revision: str
    # Written after AT+CMGS / AT+CMGW, before the client may send the PDU (TS 27.005 §3.5.1: "> ").
    prompt: bytes = b"\r\n> "
    # Final result for a command the modem does not know.
    unknown_command: str = "ERROR"
    # Wavecom answers AT+CPIN? with the information line only, no final result (TM-09).
    cpin_final_ok: bool = True
    # Storage named in +CDSI when a status report is stored (ds=2); it is always stored in SR.
    cdsi_announces: str = "SR"
    storages: tuple[str, ...] = ("SM", "ME", "SR")
    capacities: dict[str, int] = field(default_factory=lambda: {"SM": 50, "ME": 100, "SR": 50})
    first_index: int = 1
    cnmi_test: str = "(0-2),(0-3),(0,2),(0-2),(0,1)"
    # Lines the modem prints when it has (re)booted, before it answers commands.
    boot_lines: tuple[str, ...] = ()
    # Unsolicited lines repeated while the modem runs, in seconds; tests shrink or disable them.
    periodic_lines: tuple[str, ...] = ()
    periodic_interval: float = 0.0
    # Commands this modem family answers with its unknown_command reply.
    unsupported: frozenset[str] = frozenset()
    ati_lines: tuple[str, ...] = ()
    # Some LTE modems answer AT+CREG? with "searching" while attached (DESIGN.md, "The network").
    creg_lte_searching: bool = False
    # +CCLK? follows the network's time (NITZ) out of the box. SIMCom modems leave automatic
    # updates off (AT+CTZU=0) and answer from their own clock, which starts at power-on.
    nitz_by_default: bool = True

    def with_overrides(self, **changes) -> "Profile":
        return replace(self, **changes)


GENERIC = Profile(
    name="generic",
    manufacturer="Tokusoku",
    model="SIM-LTE",
    revision="1.0.0",
    boot_lines=("RDY",),
    ati_lines=("Tokusoku", "SIM-LTE", "Revision: 1.0.0"),
)

HUAWEI = Profile(
    # Huawei E1752 / K3715: peer-clients/identify.txt (E1752 identity, 11.126.13.00.00),
    # TM-11 (E1752: unknown commands answer "COMMAND NOT SUPPORT"), TM-10 and TM-11 (+CPMS storages
    # ME, MT, SM, SR), TM-03 (+CREG with unquoted hex LAC/CI). ^RSSI, ^BOOT and ^MODE are the
    # unsolicited status lines Huawei sticks print every few seconds.
    name="huawei",
    manufacturer="huawei",
    model="E1752",
    revision="11.126.13.00.00",
    unknown_command="COMMAND NOT SUPPORT",
    storages=("ME", "SM", "SR"),
    boot_lines=("^BOOT:20257765,0,0,0,72",),
    periodic_lines=("^RSSI:18", "^MODE:5,4", "^BOOT:20257765,0,0,0,72"),
    periodic_interval=3.0,
    unsupported=frozenset({"+WIND", "+ZPAS", "+CMMS"}),
    ati_lines=("Manufacturer: huawei", "Model: E1752", "Revision: 11.126.13.00.00",
               "IMEI: {imei}", "+GCAP: +CGSM,+DS,+ES"),
)

SIMCOM = Profile(
    # SIMCom SIM7600 / A7670 class (SIMCom AT command manual, +CMGS: the prompt is ">" on a line of
    # its own). Status reports are stored in SR and announced as +CDSI: "SR",<index>; the modem
    # prints RDY, +CPIN: READY, SMS DONE and PB DONE after boot. AT+CTZU (automatic time zone
    # update from NITZ) is 0 by default: +CCLK? tells the modem's own clock until it is set to 1.
    name="simcom",
    manufacturer="SIMCOM INCORPORATED",
    model="SIMCOM_SIM7600JC-H",
    revision="LE20B04SIM7600M22",
    prompt=b"\r\n>\r\n",
    boot_lines=("RDY", "+CPIN: READY", "SMS DONE", "PB DONE"),
    nitz_by_default=False,
    ati_lines=("Manufacturer: SIMCOM INCORPORATED", "Model: SIMCOM_SIM7600JC-H",
               "Revision: LE20B04SIM7600M22", "IMEI: {imei}", "+GCAP: +CGSM"),
)

QUECTEL = Profile(
    # Quectel EC25/EG25 (Quectel AT manual; TM-08 Quectel USSD). A status report stored with ds=2
    # sits in SR but +CDSI names "SM" -- a reader that trusts the line reads the wrong storage.
    # +QIND lines follow boot and report signal changes.
    name="quectel",
    manufacturer="Quectel",
    model="EC25",
    revision="EC25JFAR06A06M4G",
    cdsi_announces="SM",
    boot_lines=("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"),
    periodic_lines=('+QIND: "csq",18,99',),
    periodic_interval=10.0,
    creg_lte_searching=True,
    ati_lines=("Quectel", "EC25", "Revision: EC25JFAR06A06M4G"),
)

WAVECOM = Profile(
    # Wavecom MULTIBAND 900E 1800 (TM-09, python-gsmmodem's fake modem; TM-05 at-model/01: the model
    # string has a leading space and padding). +CPIN? is answered without a final OK; AT+CGMR and
    # AT+CLAC answer ERROR.
    name="wavecom",
    manufacturer=" WAVECOM MODEM",
    model=" MULTIBAND  900E  1800",
    revision="",
    cpin_final_ok=False,
    storages=("SM", "SR"),
    capacities={"SM": 50, "SR": 20},
    unsupported=frozenset({"+CGMR", "+CLAC", "+CMMS"}),
    ati_lines=("WAVECOM MODEM", "MULTIBAND  900E  1800"),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (GENERIC, HUAWEI, SIMCOM, QUECTEL, WAVECOM)}


def get_profile(name: str) -> Profile:
    """The profile called `name`; ValueError listing the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown modem profile {name!r}; known: {', '.join(PROFILES)}") from None
