"""A real ESME for the SMPP tests: smpplib binds to the console's SMPP listener on 127.0.0.1.

Prints `READY 0` at once (the test helper waits for it; this peer listens on nothing), then one
JSON line per event on stdout: {"event": "bound"}, {"event": "bind_refused", "status": N},
{"event": "deliver_sm", ...the PDU's fields, octet strings in hex...}, {"event": "closed"}.
Every deliver_sm is answered with --status (0 = ESME_ROK), after --delay seconds.
"""

import argparse
import json
import sys
import time

import smpplib.client
import smpplib.exceptions


def emit(**event):
    print(json.dumps(event), flush=True)


def hexed(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = value.encode("latin-1")
    return value.hex()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--system-id", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--bind", choices=["receiver", "transceiver", "transmitter"], default="receiver")
    parser.add_argument("--status", type=lambda s: int(s, 0), default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    print("READY 0", flush=True)

    client = smpplib.client.Client("127.0.0.1", args.port, timeout=60, allow_unknown_opt_params=True)

    def received(pdu, **_):
        emit(
            event="deliver_sm",
            sequence=pdu.sequence,
            source_addr=pdu.source_addr.decode("ascii"),
            source_addr_ton=pdu.source_addr_ton,
            destination_addr=pdu.destination_addr.decode("ascii"),
            data_coding=pdu.data_coding,
            short_message=hexed(pdu.short_message),
            message_payload=hexed(getattr(pdu, "message_payload", None)),
        )
        if args.delay:
            time.sleep(args.delay)
        return args.status

    client.set_message_received_handler(received)
    client.connect()
    try:
        getattr(client, "bind_" + args.bind)(system_id=args.system_id, password=args.password)
    except smpplib.exceptions.PDUError as e:
        emit(event="bind_refused", status=int(e.args[1]))
        client.disconnect()
        return
    except smpplib.exceptions.ConnectionError:
        emit(event="closed")
        return
    emit(event="bound")
    try:
        client.listen()
    except (smpplib.exceptions.ConnectionError, OSError):
        emit(event="closed")


if __name__ == "__main__":
    sys.exit(main())
