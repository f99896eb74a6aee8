"""Simulator faults that real clients (tests/peers) ran into, each pinned at the AT level first."""


def test_cnma_when_no_acknowledgement_is_expected_is_cms_340(client):
    # smstools 3.1.21 sends AT+CNMA after every routed +CDS/+CMT it sees (tests/peers,
    # smstools.log: "Sending acknowledgement"). Under +CSMS service 0 the modem expects no
    # acknowledgement, and TS 27.005 §3.4.4 answers that with +CMS ERROR: 340 ("no +CNMA
    # acknowledgement expected"), not a bare unknown-command ERROR.
    client.ok("AT+CMEE=1")
    assert client.ok("AT+CNMA=?") == []
    assert client.lines("AT+CNMA") == ["+CMS ERROR: 340"]
    client.ok("AT+CMEE=0")
    assert client.lines("AT+CNMA") == ["ERROR"]
