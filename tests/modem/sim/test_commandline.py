import pytest

from modem.sim.commandline import ACTION, READ, SET, TEST, Command, CommandLineError, parse


@pytest.mark.parametrize("line, expected", [
    ("AT", []),
    ("ATE0", [Command("E", SET, "0")]),
    ("ATE0V1&D2", [Command("E", SET, "0"), Command("V", SET, "1"), Command("&D", SET, "2")]),
    ("ATZ", [Command("Z", ACTION)]),
    ("ATI", [Command("I", ACTION)]),
    ("ATS0=0", [Command("S0", SET, "0")]),
    ("ATS7?", [Command("S7", READ, "")]),
    ("AT+CMEE=1;+CREG=2", [Command("+CMEE", SET, "1"), Command("+CREG", SET, "2")]),
    ("at+cpms=?", [Command("+CPMS", TEST)]),
    ("AT+CPIN?", [Command("+CPIN", READ)]),
    ('AT+CUSD=1,"*100#;x",15', [Command("+CUSD", SET, '1,"*100#;x",15')]),
    ("AT$TSSPCSW=?", [Command("$TSSPCSW", TEST)]),
    ("ATD+819012345678;", [Command("D", SET, "+819012345678;")]),
])
def test_parse(line, expected):
    assert parse(line) == expected


def test_args_unquote_and_keep_empty():
    command = parse('AT+CMGS="+8190",145')[0]
    assert command.args == ["+8190", "145"]
    assert parse("AT+CNMI=2,,0")[0].args == ["2", "", "0"]
    assert parse("AT+CNMI=2,,0")[0].int_arg(1, 7) == 7


@pytest.mark.parametrize("line", ["hello", "AT+", "AT+CMGF?x"])
def test_unparseable(line):
    with pytest.raises(CommandLineError):
        parse(line)
