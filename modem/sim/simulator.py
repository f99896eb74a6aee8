"""The whole simulation: a network, its modems and handsets, built from code or a TOML script.

    sim = Simulator(NetworkSettings(part_time=0, delivery_delay=0))
    modem = sim.add_modem("huawei")           # modem.path is the device to open
    sim.add_handset("+819012345678", reply="払いました", reply_after=1)
    ...
    sim.stop()
"""
from __future__ import annotations

import logging
import tomllib
from dataclasses import fields
from pathlib import Path

from modem.sim.modem import SimModem
from modem.sim.network import Network, NetworkSettings
from modem.sim.profiles import get_profile
from modem.sim.subscribers import Handset, SimCard

log = logging.getLogger(__name__)

HANDSET_KEYS = {"number", "name", "reply", "reply_after", "off_for", "unknown", "slow"}
MODEM_KEYS = {"profile", "number", "pin", "puk", "link", "daily_cap", "sim_busy", "imsi"}


class ScriptError(ValueError):
    """A simulator script that cannot be used; the message names the file and the key."""


class Simulator:
    """Owns the network, the modems (each on its own pty) and the handsets."""

    def __init__(self, settings: NetworkSettings | None = None):
        self.network = Network(settings)
        self.modems: list[SimModem] = []

    def add_modem(self, profile: str = "generic", *, number: str | None = None, pin: str | None = None,
                  puk: str = "12345678", link: str | None = None, daily_cap: int | None = None,
                  sim_busy: float = 0.0, imsi: str | None = None, **profile_overrides) -> SimModem:
        """Plug in one more virtual modem with its SIM; returns it started. `profile_overrides`
        change single fields of the profile (e.g. cnmi_test="(0-3),(0-3),(0-3),(0,1),(0,1)")."""
        index = len(self.modems)
        sim = SimCard(number or f"+8170{index + 1:08d}", imsi=imsi or f"4401012345678{index:02d}",
                      pin=pin, puk=puk, daily_cap=daily_cap or self.network.settings.daily_cap)
        modem = SimModem(self.network, sim, get_profile(profile).with_overrides(**profile_overrides), link=link,
                         imei=f"35123456789{index:04d}", name=f"modem{index}")
        modem.sim_busy_after_boot = sim_busy
        modem.start()
        self.modems.append(modem)
        return modem

    def add_handset(self, number: str, *, name: str = "", reply: str | None = None,
                    reply_after: float = 0.0, off_for: float = 0.0, unknown: bool = False,
                    slow: float = 0.0) -> Handset:
        """Declare a phone and its behaviour (replace it if it exists)."""
        handset = Handset(number, name=name, reply=reply, reply_after=reply_after, unknown=unknown,
                          slow=slow)
        if off_for:
            handset.switch_off(off_for)
        return self.network.add_handset(handset)

    def modem(self, key: int | str) -> SimModem:
        """A modem by position, name ("modem0"), SIM number or device path."""
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            if 0 <= int(key) < len(self.modems):
                return self.modems[int(key)]
        else:
            for modem in self.modems:
                if key in (modem.name, modem.sim.number, modem.path, modem.port.path):
                    return modem
        known = ", ".join(f"{i} ({m.name})" for i, m in enumerate(self.modems)) or "none"
        raise KeyError(f"no simulated modem {key!r}; there are: {known}")

    def send_sms(self, sender: str, to: str, text: str) -> int:
        """A phone sends `text` to a modem's SIM (`to`: number, name or index); returns parts."""
        try:
            number = self.modem(to).sim.number
        except KeyError:
            number = to
        return self.network.send_from_handset(sender, number, text)

    def stop(self) -> None:
        for modem in self.modems:
            modem.stop()
        self.network.stop()

    # -- scripts ------------------------------------------------------------------------------
    @classmethod
    def from_script(cls, path: str | Path, **overrides) -> "Simulator":
        """Build from a TOML script: [network], [[modems]], [[handsets]], [[messages]]."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ScriptError(f"{path}: {exc}") from exc
        return cls.from_dict(data, source=str(path), **overrides)

    @classmethod
    def from_dict(cls, data: dict, source: str = "script", **overrides) -> "Simulator":
        settings = _network_settings(data.get("network", {}), source, overrides)
        modems = data.get("modems", [{}])
        for i, spec in enumerate(modems):
            _check_keys(spec, MODEM_KEYS, f"{source}: modems[{i}]")
            get_profile(spec.get("profile", "generic"))
        simulator = cls(settings)
        try:
            for spec in modems:
                simulator.add_modem(**spec)
            for i, spec in enumerate(data.get("handsets", [])):
                _check_keys(spec, HANDSET_KEYS, f"{source}: handsets[{i}]")
                simulator.add_handset(**spec)
            for i, spec in enumerate(data.get("messages", [])):
                _check_keys(spec, {"from", "to", "text", "after"}, f"{source}: messages[{i}]")
                simulator.network.scheduler.call_later(
                    float(spec.get("after", 0)), simulator.send_sms, spec["from"], str(spec["to"]), spec["text"])
        except (TypeError, KeyError, ValueError) as exc:
            simulator.stop()
            raise ScriptError(f"{source}: {exc}") from exc
        return simulator


def _check_keys(spec: dict, allowed: set[str], where: str) -> None:
    unknown = set(spec) - allowed
    if unknown:
        raise ScriptError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed: {', '.join(sorted(allowed))}")


def _network_settings(spec: dict, source: str, overrides: dict) -> NetworkSettings:
    allowed = {f.name for f in fields(NetworkSettings)}
    _check_keys(spec, allowed, f"{source}: [network]")
    values = {**spec, **{k: v for k, v in overrides.items() if v is not None}}
    if isinstance(values.get("part_time"), list):
        values["part_time"] = tuple(values["part_time"])
    return NetworkSettings(**values)
