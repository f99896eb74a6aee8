"""The one exception of the PDU codec."""


class PduError(ValueError):
    """A PDU that cannot be decoded or a text/option that cannot be encoded."""
