/*
 * test_dhcp.c -- unit tests for capture/dhcp.c (dhcp_parse,
 * dhcp_type_name).
 *
 * Real messages: UDP payloads copied from
 * /work/shared/data/dev/pcaps/malicious/slips-iot-telnet-scanner.pcap
 * (frames named at each array; checked against tshark 4.0 -O dhcp).
 * Synthetic messages are built by build_msg() around hand-written option
 * bytes.  Every parse runs on an exact-size heap copy so that ASan reports
 * any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/dhcp.h"

/* ---- real messages ------------------------------------------------ */

/* slips-iot-telnet-scanner.pcap frame 57: UDP payload, 300 octets */
static const uint8_t pi_discover[300] = {
    0x01, 0x01, 0x06, 0x00, 0xa8, 0x9d, 0x55, 0x18, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x01, 0x32, 0x04, 0xc0, 0xa8, 0x02, 0x10, 0x0c, 0x0b, 0x62,
    0x6c, 0x61, 0x63, 0x6b, 0x2d, 0x70, 0x65, 0x61, 0x72, 0x6c, 0x37, 0x0d,
    0x01, 0x1c, 0x02, 0x03, 0x0f, 0x06, 0x77, 0x0c, 0x2c, 0x2f, 0x1a, 0x79,
    0x2a, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* slips-iot-telnet-scanner.pcap frame 73: UDP payload, 300 octets */
static const uint8_t pi_offer[300] = {
    0x02, 0x01, 0x06, 0x00, 0xa8, 0x9d, 0x55, 0x18, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x02, 0x36, 0x04, 0xc0, 0xa8, 0x02, 0x01, 0x33, 0x04, 0x00,
    0x00, 0x02, 0x58, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x03, 0x04, 0xc0,
    0xa8, 0x02, 0x01, 0x0f, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
    0x2e, 0x6f, 0x72, 0x67, 0x06, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
    0x04, 0x04, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* slips-iot-telnet-scanner.pcap frame 42: UDP payload, 300 octets */
static const uint8_t pi_request[300] = {
    0x01, 0x01, 0x06, 0x00, 0x77, 0xbd, 0xd1, 0x38, 0x00, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x03, 0x32, 0x04, 0xc0, 0xa8, 0x02, 0x10, 0x0c, 0x0b, 0x62,
    0x6c, 0x61, 0x63, 0x6b, 0x2d, 0x70, 0x65, 0x61, 0x72, 0x6c, 0x37, 0x0d,
    0x01, 0x1c, 0x02, 0x03, 0x0f, 0x06, 0x77, 0x0c, 0x2c, 0x2f, 0x1a, 0x79,
    0x2a, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* slips-iot-telnet-scanner.pcap frame 75: UDP payload, 300 octets */
static const uint8_t pi_ack[300] = {
    0x02, 0x01, 0x06, 0x00, 0xa8, 0x9d, 0x55, 0x18, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x02, 0x10, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x05, 0x36, 0x04, 0xc0, 0xa8, 0x02, 0x01, 0x33, 0x04, 0x00,
    0x00, 0x02, 0x58, 0x01, 0x04, 0xff, 0xff, 0xff, 0x00, 0x03, 0x04, 0xc0,
    0xa8, 0x02, 0x01, 0x0f, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
    0x2e, 0x6f, 0x72, 0x67, 0x06, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
    0x04, 0x04, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* slips-iot-telnet-scanner.pcap frame 114: UDP payload, 300 octets */
static const uint8_t apple_discover[300] = {
    0x01, 0x01, 0x06, 0x00, 0xe5, 0xd3, 0xee, 0x81, 0x00, 0x1a, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x68, 0x5b, 0x35, 0xb1, 0x55, 0x93, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63,
    0x35, 0x01, 0x01, 0x37, 0x0a, 0x01, 0x79, 0x03, 0x06, 0x0f, 0x77, 0xfc,
    0x5f, 0x2c, 0x2e, 0x39, 0x02, 0x05, 0xdc, 0x3d, 0x07, 0x01, 0x68, 0x5b,
    0x35, 0xb1, 0x55, 0x93, 0x33, 0x04, 0x00, 0x76, 0xa7, 0x00, 0x0c, 0x06,
    0x4e, 0x69, 0x6d, 0x62, 0x75, 0x73, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ---- helpers ------------------------------------------------------ */

/* dhcp_parse on an exact-size heap copy of p[0..len). */
static int parse_exact(const uint8_t *p, size_t len, struct sh_event *ev)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    rc = dhcp_parse(len ? copy : NULL, len, ev);
    free(copy);
    return rc;
}

/* A fresh event with a recognisable header, as the pipeline would give. */
static void fresh_event(struct sh_event *ev)
{
    ev_reset(ev, EV_NONE);
    ev->proto = 17;
    ev->vlan = 42;
    ev->ts_us = 1234567890123ull;
    ev->flow_id = 77;
    ev->src.family = 4;
    ev->src.a[0] = 10;
    ev->sport = 68;
    ev->dport = 67;
    ev->has_mac = 1;
    ev->src_mac[5] = 9;
}

#define XID 0x01020304u

/* A BOOTP header (op, htype, hlen; xid XID; chaddr 00:11:22:33:44:55),
 * the magic cookie, then opts[0..olen).  Returns the message length. */
static size_t build_msg(uint8_t *buf, size_t cap, uint8_t op, uint8_t htype,
                        uint8_t hlen, const uint8_t *opts, size_t olen)
{
    static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

    assert_true(cap >= DHCP_MIN_LEN && cap - DHCP_MIN_LEN >= olen);
    memset(buf, 0, DHCP_MIN_LEN);
    buf[0] = op;
    buf[1] = htype;
    buf[2] = hlen;
    buf[4] = XID >> 24; buf[5] = (XID >> 16) & 0xff;
    buf[6] = (XID >> 8) & 0xff; buf[7] = XID & 0xff;
    memcpy(buf + 28, mac, 6);
    buf[236] = 99; buf[237] = 130; buf[238] = 83; buf[239] = 99;
    if (olen)
        memcpy(buf + DHCP_MIN_LEN, opts, olen);
    return DHCP_MIN_LEN + olen;
}

/* Offsets of the overloadable fields (RFC 2131 2). */
#define SNAME_OFF 44
#define FILE_OFF 108

static void assert_v4(const struct sh_addr *a, uint8_t b0, uint8_t b1,
                      uint8_t b2, uint8_t b3)
{
    uint8_t want[16] = {b0, b1, b2, b3};

    assert_int_equal(a->family, 4);
    assert_memory_equal(a->a, want, 16);
}

static void assert_no_addr(const struct sh_addr *a)
{
    static const struct sh_addr zero;

    assert_memory_equal(a, &zero, sizeof(zero));
}

#define S(ev, field) ev_s(&(ev), (ev).u.dhcp.field)

/* ---- real captures ------------------------------------------------- */

static void real_discover_fills_mac_hostname_and_fingerprint(void **state)
{
    static const uint8_t mac[6] = {0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9};
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(pi_discover, sizeof(pi_discover), &ev), 0);
    assert_int_equal(ev.type, EV_DHCP);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.op, 1);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_DISCOVER);
    assert_int_equal(ev.u.dhcp.xid, 0xa89d5518u);
    assert_memory_equal(ev.u.dhcp.client_mac, mac, 6);
    assert_no_addr(&ev.u.dhcp.client_ip);
    /* option 50 is present, but only a REQUEST's option 50 is taken */
    assert_no_addr(&ev.u.dhcp.assigned_ip);
    assert_no_addr(&ev.u.dhcp.server_id);
    assert_no_addr(&ev.u.dhcp.router);
    assert_no_addr(&ev.u.dhcp.dns_server);
    assert_int_equal(ev.u.dhcp.lease_time, 0);
    assert_string_equal(S(ev, hostname), "black-pearl");
    assert_int_equal(ev.u.dhcp.hostname.len, 11);
    assert_string_equal(S(ev, params), "1,28,2,3,15,6,119,12,44,47,26,121,42");
    assert_string_equal(S(ev, vendor_class), "");
    assert_int_equal(ev.u.dhcp.vendor_class.len, 0);
    assert_string_equal(S(ev, client_id), "");
}

static void real_offer_fills_assigned_ip_server_router_dns_lease(void **state)
{
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(pi_offer, sizeof(pi_offer), &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.op, 2);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_OFFER);
    assert_int_equal(ev.u.dhcp.xid, 0xa89d5518u);
    assert_v4(&ev.u.dhcp.assigned_ip, 192, 168, 2, 16);
    assert_v4(&ev.u.dhcp.server_id, 192, 168, 2, 1);
    assert_v4(&ev.u.dhcp.router, 192, 168, 2, 1);
    assert_v4(&ev.u.dhcp.dns_server, 8, 8, 8, 8);   /* first of two */
    assert_int_equal(ev.u.dhcp.lease_time, 600);
    assert_no_addr(&ev.u.dhcp.client_ip);
    assert_string_equal(S(ev, hostname), "");
    assert_string_equal(S(ev, params), "");
    assert_int_equal(ev.arena_len, 1);              /* no string stored */
}

static void real_request_takes_assigned_ip_from_option_50(void **state)
{
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(pi_request, sizeof(pi_request), &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.op, 1);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_REQUEST);
    assert_int_equal(ev.u.dhcp.xid, 0x77bdd138u);
    assert_v4(&ev.u.dhcp.assigned_ip, 192, 168, 2, 16);
    assert_no_addr(&ev.u.dhcp.client_ip);
    assert_string_equal(S(ev, hostname), "black-pearl");
}

static void real_ack_matches_tshark(void **state)
{
    static const uint8_t mac[6] = {0xb8, 0x27, 0xeb, 0xc7, 0xe9, 0xc9};
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(pi_ack, sizeof(pi_ack), &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_ACK);
    assert_memory_equal(ev.u.dhcp.client_mac, mac, 6);
    assert_v4(&ev.u.dhcp.assigned_ip, 192, 168, 2, 16);
    assert_v4(&ev.u.dhcp.server_id, 192, 168, 2, 1);
    assert_int_equal(ev.u.dhcp.lease_time, 600);
    assert_string_equal(dhcp_type_name(ev.u.dhcp.msg_type), "ack");
}

static void real_apple_discover_has_client_id_in_hex(void **state)
{
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(apple_discover, sizeof(apple_discover), &ev),
                     0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_DISCOVER);
    assert_string_equal(S(ev, client_id), "01:68:5b:35:b1:55:93");
    assert_int_equal(ev.u.dhcp.client_id.len, 20);
    assert_string_equal(S(ev, params), "1,121,3,6,15,119,252,95,44,46");
    assert_string_equal(S(ev, hostname), "Nimbus");
    assert_int_equal(ev.u.dhcp.lease_time, 7776000);  /* a client's wish */
}

static void parse_leaves_the_header_untouched(void **state)
{
    struct sh_event ev, before;

    (void)state;
    fresh_event(&ev);
    before = ev;
    assert_int_equal(parse_exact(pi_ack, sizeof(pi_ack), &ev), 0);
    assert_int_equal(ev.proto, before.proto);
    assert_int_equal(ev.vlan, before.vlan);
    assert_int_equal(ev.ts_us, before.ts_us);
    assert_int_equal(ev.flow_id, before.flow_id);
    assert_memory_equal(&ev.src, &before.src, sizeof(ev.src));
    assert_memory_equal(&ev.dst, &before.dst, sizeof(ev.dst));
    assert_int_equal(ev.sport, 68);
    assert_int_equal(ev.dport, 67);
    assert_int_equal(ev.has_mac, 1);
    assert_memory_equal(ev.src_mac, before.src_mac, 6);
}

static void reusing_an_event_leaves_no_stale_fields(void **state)
{
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(apple_discover, sizeof(apple_discover), &ev),
                     0);
    assert_int_equal(parse_exact(pi_offer, sizeof(pi_offer), &ev), 0);
    assert_string_equal(S(ev, client_id), "");
    assert_string_equal(S(ev, hostname), "");
    assert_int_equal(ev.arena_len, 1);
    assert_int_equal(ev.u.dhcp.lease_time, 600);
}

/* pi_ack: options end option at offset 290; option 53 ends at 243. */
static void ack_truncated_at_every_length(void **state)
{
    struct sh_event ev, full, before;

    (void)state;
    fresh_event(&full);
    assert_int_equal(parse_exact(pi_ack, sizeof(pi_ack), &full), 0);
    for (size_t n = 0; n <= sizeof(pi_ack); n++) {
        fresh_event(&ev);
        before = ev;
        int rc = parse_exact(pi_ack, n, &ev);
        if (n < DHCP_MIN_LEN) {
            assert_int_equal(rc, -1);
            assert_memory_equal(&ev, &before, sizeof(ev));
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(ev.u.dhcp.xid, 0xa89d5518u);
        assert_v4(&ev.u.dhcp.assigned_ip, 192, 168, 2, 16);
        assert_int_equal(ev.u.dhcp.msg_type, n >= 243 ? DHCP_ACK : 0);
        if (n <= 290) {
            assert_int_equal(ev.flags, EVF_MALFORMED);
        } else {
            assert_int_equal(ev.flags, 0);
            assert_memory_equal(&ev.u, &full.u, sizeof(ev.u));
        }
    }
}

static void every_real_message_truncated_at_every_length_is_safe(void **state)
{
    static const struct { const uint8_t *p; size_t n; size_t end; } m[] = {
        {pi_discover, sizeof(pi_discover), 277},
        {pi_offer, sizeof(pi_offer), 290},
        {pi_request, sizeof(pi_request), 277},
        {pi_ack, sizeof(pi_ack), 290},
        {apple_discover, sizeof(apple_discover), 282},
    };
    struct sh_event ev;

    (void)state;
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        for (size_t n = 0; n <= m[i].n; n++) {
            fresh_event(&ev);
            int rc = parse_exact(m[i].p, n, &ev);
            assert_int_equal(rc, n < DHCP_MIN_LEN ? -1 : 0);
            if (rc == 0)
                assert_int_equal(ev.flags & EVF_MALFORMED,
                                 n <= m[i].end ? EVF_MALFORMED : 0);
        }
    }
}

/* ---- framing ------------------------------------------------------- */

static void zero_length_is_not_dhcp(void **state)
{
    struct sh_event ev, before;

    (void)state;
    fresh_event(&ev);
    before = ev;
    assert_int_equal(dhcp_parse(NULL, 0, &ev), -1);
    assert_int_equal(parse_exact(pi_ack, 0, &ev), -1);
    assert_memory_equal(&ev, &before, sizeof(ev));
}

static void header_and_cookie_only_is_dhcp_without_end(void **state)
{
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, NULL, 0);
    struct sh_event ev;

    (void)state;
    assert_int_equal(n, 240);
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);      /* no end option */
    assert_int_equal(ev.u.dhcp.msg_type, 0);
    assert_int_equal(ev.u.dhcp.xid, XID);
    assert_int_equal(parse_exact(buf, n - 1, &ev), -1);
}

static void missing_cookie_is_not_dhcp(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev, before;

    (void)state;
    fresh_event(&ev);
    before = ev;
    memset(buf + 236, 0, 4);                        /* plain BOOTP */
    assert_int_equal(parse_exact(buf, n, &ev), -1);
    assert_memory_equal(&ev, &before, sizeof(ev));
    buf[236] = 99; buf[237] = 130; buf[238] = 83; buf[239] = 98;
    assert_int_equal(parse_exact(buf, n, &ev), -1); /* off by one */
    buf[239] = 99;
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.u.dhcp.msg_type, 1);
}

static void op_other_than_request_or_reply_is_not_dhcp(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 255};
    uint8_t buf[512];
    struct sh_event ev;

    (void)state;
    for (int op = 0; op < 256; op++) {
        size_t n = build_msg(buf, sizeof(buf), (uint8_t)op, 1, 6, opts,
                             sizeof(opts));
        fresh_event(&ev);
        assert_int_equal(parse_exact(buf, n, &ev),
                         op == 1 || op == 2 ? 0 : -1);
    }
}

/* ---- options -------------------------------------------------------- */

static void option_length_overrun_keeps_earlier_options(void **state)
{
    static const uint8_t opts[] = {
        53, 1, 3,
        50, 4, 10, 0, 0, 7,
        12, 20, 'a', 'b', 'c', 'd', 'e',    /* says 20, has 5 */
    };
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_REQUEST);
    assert_v4(&ev.u.dhcp.assigned_ip, 10, 0, 0, 7);
    assert_int_equal(ev.u.dhcp.hostname.len, 0);
}

static void option_length_overrun_by_one_octet(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 12, 4, 'h', 'o', 's'};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_ACK);
    assert_string_equal(S(ev, hostname), "");
}

static void option_code_without_length_octet_is_malformed(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 12};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_DISCOVER);
}

static void missing_end_option_is_malformed_but_parsed(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 12, 3, 'p', 'c', '1'};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_DISCOVER);
    assert_string_equal(S(ev, hostname), "pc1");
}

static void options_after_end_are_ignored(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 255, 12, 3, 'p', 'c', '1'};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(S(ev, hostname), "");
}

static void pad_options_anywhere_are_skipped(void **state)
{
    static const uint8_t opts[] = {0, 0, 53, 1, 8, 0, 12, 2, 'h', 'i', 0, 0,
                                   255, 0, 0};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_INFORM);
    assert_string_equal(S(ev, hostname), "hi");
}

static void hostname_of_zero_octets_is_absent_and_malformed(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 12, 0, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);      /* RFC 2132 3.14: >= 1 */
    assert_int_equal(ev.u.dhcp.hostname.off, 0);
    assert_int_equal(ev.u.dhcp.hostname.len, 0);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_DISCOVER);
}

static void hostname_of_255_octets_is_kept_whole(void **state)
{
    uint8_t opts[2 + 255 + 1];
    uint8_t buf[1024];
    char want[256];
    struct sh_event ev;
    size_t n;

    (void)state;
    opts[0] = 12;
    opts[1] = 255;
    for (int i = 0; i < 255; i++)
        want[i] = (char)('a' + i % 26);
    want[255] = '\0';
    memcpy(opts + 2, want, 255);
    opts[257] = 255;
    n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.hostname.len, 255);
    assert_string_equal(S(ev, hostname), want);
}

static void hostname_split_in_two_options_is_concatenated(void **state)
{
    static const uint8_t opts[] = {12, 3, 'w', 'o', 'r', 53, 1, 3,
                                   12, 4, 'k', 'p', 'c', '7', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(S(ev, hostname), "workpc7");   /* RFC 3396 */
}

static void hostname_concatenated_past_255_is_cut_and_flagged(void **state)
{
    uint8_t opts[2 * (2 + 200) + 1];
    uint8_t buf[1024];
    struct sh_event ev;
    size_t n;

    (void)state;
    for (int k = 0; k < 2; k++) {
        opts[k * 202] = 12;
        opts[k * 202 + 1] = 200;
        memset(opts + k * 202 + 2, k ? 'y' : 'x', 200);
    }
    opts[404] = 255;
    n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_TRUNCATED);
    assert_int_equal(ev.u.dhcp.hostname.len, DHCP_STR_MAX);
    assert_int_equal(S(ev, hostname)[199], 'x');
    assert_int_equal(S(ev, hostname)[200], 'y');
    assert_int_equal(S(ev, hostname)[254], 'y');
}

static void hostname_trailing_nuls_dropped_inner_nul_replaced(void **state)
{
    static const uint8_t opts[] = {12, 6, 'a', 0, 'b', 'c', 0, 0, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(S(ev, hostname), "a?bc");
    assert_int_equal(ev.u.dhcp.hostname.len, 4);
}

static void vendor_class_is_kept(void **state)
{
    static const uint8_t opts[] = {60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.',
                                   '0', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_string_equal(S(ev, vendor_class), "MSFT 5.0");
}

static void client_id_of_one_octet_is_malformed(void **state)
{
    static const uint8_t opts[] = {61, 1, 1, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);      /* RFC 2132 9.14: >= 2 */
    assert_string_equal(S(ev, client_id), "");
}

static void params_with_zero_and_two_digit_values(void **state)
{
    static const uint8_t opts[] = {55, 5, 0, 9, 10, 99, 100, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_string_equal(S(ev, params), "0,9,10,99,100");
}

static void every_string_option_at_maximum_fits_without_truncation(
    void **state)
{
    uint8_t opts[4 * 257 + 1];
    uint8_t buf[2048];
    struct sh_event ev;
    size_t n, o = 0;
    const uint8_t codes[4] = {12, 60, 61, 55};

    (void)state;
    for (int k = 0; k < 4; k++) {
        opts[o++] = codes[k];
        opts[o++] = 255;
        memset(opts + o, k < 2 ? 'q' : 0xff, 255);
        o += 255;
    }
    opts[o++] = 255;
    n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, o);
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_int_equal(ev.u.dhcp.hostname.len, 255);
    assert_int_equal(ev.u.dhcp.vendor_class.len, 255);
    assert_int_equal(ev.u.dhcp.client_id.len, 255 * 3 - 1);
    assert_int_equal(ev.u.dhcp.params.len, 255 * 4 - 1);
    assert_int_equal(strncmp(S(ev, client_id), "ff:ff:", 6), 0);
    assert_int_equal(strncmp(S(ev, params), "255,255,", 8), 0);
    assert_int_equal(ev.arena_len,
                     1 + 256 + 256 + 255 * 3 + 255 * 4);
}

static void message_type_of_two_octets_is_malformed(void **state)
{
    static const uint8_t opts[] = {53, 2, 1, 1, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, 0);
}

static void message_type_repeated_is_concatenated_and_malformed(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 53, 1, 3, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, 0);
}

static void address_options_of_wrong_length_are_absent(void **state)
{
    static const uint8_t opts[] = {
        53, 1, 2,
        3, 3, 10, 0, 0,                 /* router: not a multiple of 4 */
        6, 5, 1, 1, 1, 1, 9,            /* dns: 5 */
        54, 3, 10, 0, 0,                /* server id: 3 */
        51, 8, 0, 0, 0, 1, 0, 0, 0, 2,  /* lease: 8 */
        255,
    };
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_OFFER);
    assert_no_addr(&ev.u.dhcp.router);
    assert_no_addr(&ev.u.dhcp.dns_server);
    assert_no_addr(&ev.u.dhcp.server_id);
    assert_int_equal(ev.u.dhcp.lease_time, 0);
}

static void address_lists_keep_the_first_address(void **state)
{
    static const uint8_t opts[] = {
        53, 1, 5,
        3, 8, 10, 0, 0, 1, 10, 0, 0, 2,
        6, 12, 9, 9, 9, 9, 1, 1, 1, 1, 8, 8, 8, 8,
        51, 4, 0xff, 0xff, 0xff, 0xff,  /* infinity, RFC 2131 3.3 */
        255,
    };
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_v4(&ev.u.dhcp.router, 10, 0, 0, 1);
    assert_v4(&ev.u.dhcp.dns_server, 9, 9, 9, 9);
    assert_int_equal(ev.u.dhcp.lease_time, 0xffffffffu);
}

static void request_renewing_has_client_ip_not_assigned(void **state)
{
    static const uint8_t opts[] = {53, 1, 3, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    buf[12] = 172; buf[13] = 16; buf[14] = 0; buf[15] = 5;   /* ciaddr */
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_v4(&ev.u.dhcp.client_ip, 172, 16, 0, 5);
    assert_no_addr(&ev.u.dhcp.assigned_ip);
}

static void request_with_requested_ip_zero_has_no_assigned_ip(void **state)
{
    static const uint8_t opts[] = {53, 1, 3, 50, 4, 0, 0, 0, 0, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 1, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_no_addr(&ev.u.dhcp.assigned_ip);
}

/* ---- chaddr --------------------------------------------------------- */

static void ethernet_with_hlen_other_than_6_has_no_mac(void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 255};
    static const uint8_t zero[6];
    uint8_t buf[512];
    struct sh_event ev;

    (void)state;
    for (int hlen = 0; hlen < 256; hlen++) {
        size_t n = build_msg(buf, sizeof(buf), 1, 1, (uint8_t)hlen, opts,
                             sizeof(opts));
        fresh_event(&ev);
        assert_int_equal(parse_exact(buf, n, &ev), 0);
        if (hlen == 6) {
            assert_int_equal(ev.flags, 0);
            assert_int_equal(ev.u.dhcp.client_mac[5], 0x55);
        } else {
            assert_int_equal(ev.flags, EVF_MALFORMED);
            assert_memory_equal(ev.u.dhcp.client_mac, zero, 6);
        }
    }
}

static void other_hardware_types_have_no_mac_and_are_not_malformed(
    void **state)
{
    static const uint8_t opts[] = {53, 1, 1, 255};
    static const uint8_t zero[6];
    uint8_t buf[512];
    struct sh_event ev;
    size_t n;

    (void)state;
    n = build_msg(buf, sizeof(buf), 1, 6, 6, opts, sizeof(opts));  /* 802 */
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_memory_equal(ev.u.dhcp.client_mac, zero, 6);
    n = build_msg(buf, sizeof(buf), 1, 32, 0, opts, sizeof(opts)); /* IB */
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    n = build_msg(buf, sizeof(buf), 1, 32, 17, opts, sizeof(opts));
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);       /* chaddr is 16 */
}

/* ---- option overload (RFC 2131 4.1, RFC 2132 9.3) ------------------- */

static void overload_walks_options_then_file_then_sname(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 52, 1, 3, 12, 2, 'a', 'b', 255};
    static const uint8_t file[] = {12, 2, 'c', 'd', 54, 4, 10, 9, 8, 7, 255};
    static const uint8_t sname[] = {0, 12, 2, 'e', 'f', 60, 1, 'V', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    memcpy(buf + FILE_OFF, file, sizeof(file));
    memcpy(buf + SNAME_OFF, sname, sizeof(sname));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(S(ev, hostname), "abcdef");
    assert_v4(&ev.u.dhcp.server_id, 10, 9, 8, 7);
    assert_string_equal(S(ev, vendor_class), "V");
}

static void overload_1_walks_file_only(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 52, 1, 1, 255};
    static const uint8_t file[] = {12, 1, 'f', 255};
    static const uint8_t sname[] = {60, 1, 's', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    memcpy(buf + FILE_OFF, file, sizeof(file));
    memcpy(buf + SNAME_OFF, sname, sizeof(sname));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_string_equal(S(ev, hostname), "f");
    assert_string_equal(S(ev, vendor_class), "");
    buf[245] = 2;                                   /* now sname only */
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_string_equal(S(ev, hostname), "");
    assert_string_equal(S(ev, vendor_class), "s");
}

static void overload_inside_file_is_ignored(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 52, 1, 1, 255};
    static const uint8_t file[] = {52, 1, 2, 255};
    static const uint8_t sname[] = {12, 1, 's', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    memcpy(buf + FILE_OFF, file, sizeof(file));
    memcpy(buf + SNAME_OFF, sname, sizeof(sname));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, 0);
    assert_string_equal(S(ev, hostname), "");
}

static void overload_value_out_of_range_is_malformed(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 52, 1, 4, 255};
    static const uint8_t file[] = {12, 1, 'f', 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    memcpy(buf + FILE_OFF, file, sizeof(file));
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_string_equal(S(ev, hostname), "");
}

static void overloaded_file_without_end_is_malformed(void **state)
{
    static const uint8_t opts[] = {53, 1, 5, 52, 1, 1, 255};
    uint8_t buf[512];
    size_t n = build_msg(buf, sizeof(buf), 2, 1, 6, opts, sizeof(opts));
    struct sh_event ev;

    (void)state;
    memset(buf + FILE_OFF, 0, 128);                 /* all pad, no end */
    fresh_event(&ev);
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_int_equal(ev.u.dhcp.msg_type, DHCP_ACK);
    /* an option overrunning the 128-octet file field, not the message */
    buf[FILE_OFF + 120] = 12;
    buf[FILE_OFF + 121] = 10;
    assert_int_equal(parse_exact(buf, n, &ev), 0);
    assert_int_equal(ev.flags, EVF_MALFORMED);
    assert_string_equal(S(ev, hostname), "");
}

/* ---- names ---------------------------------------------------------- */

static void type_names_cover_known_types_and_null_otherwise(void **state)
{
    static const char *const want[] = {
        NULL, "discover", "offer", "request", "decline", "ack", "nak",
        "release", "inform", "forcerenew", "leasequery", "leaseunassigned",
        "leaseunknown", "leaseactive", "bulkleasequery", "leasequerydone",
        "activeleasequery", "leasequerystatus", "tls",
    };

    (void)state;
    for (int t = 0; t < 256; t++) {
        const char *got = dhcp_type_name((uint8_t)t);
        if (t < (int)(sizeof(want) / sizeof(want[0])) && want[t]) {
            assert_non_null(got);
            assert_string_equal(got, want[t]);
        } else {
            assert_null(got);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_discover_fills_mac_hostname_and_fingerprint),
        cmocka_unit_test(real_offer_fills_assigned_ip_server_router_dns_lease),
        cmocka_unit_test(real_request_takes_assigned_ip_from_option_50),
        cmocka_unit_test(real_ack_matches_tshark),
        cmocka_unit_test(real_apple_discover_has_client_id_in_hex),
        cmocka_unit_test(parse_leaves_the_header_untouched),
        cmocka_unit_test(reusing_an_event_leaves_no_stale_fields),
        cmocka_unit_test(ack_truncated_at_every_length),
        cmocka_unit_test(every_real_message_truncated_at_every_length_is_safe),
        cmocka_unit_test(zero_length_is_not_dhcp),
        cmocka_unit_test(header_and_cookie_only_is_dhcp_without_end),
        cmocka_unit_test(missing_cookie_is_not_dhcp),
        cmocka_unit_test(op_other_than_request_or_reply_is_not_dhcp),
        cmocka_unit_test(option_length_overrun_keeps_earlier_options),
        cmocka_unit_test(option_length_overrun_by_one_octet),
        cmocka_unit_test(option_code_without_length_octet_is_malformed),
        cmocka_unit_test(missing_end_option_is_malformed_but_parsed),
        cmocka_unit_test(options_after_end_are_ignored),
        cmocka_unit_test(pad_options_anywhere_are_skipped),
        cmocka_unit_test(hostname_of_zero_octets_is_absent_and_malformed),
        cmocka_unit_test(hostname_of_255_octets_is_kept_whole),
        cmocka_unit_test(hostname_split_in_two_options_is_concatenated),
        cmocka_unit_test(hostname_concatenated_past_255_is_cut_and_flagged),
        cmocka_unit_test(hostname_trailing_nuls_dropped_inner_nul_replaced),
        cmocka_unit_test(vendor_class_is_kept),
        cmocka_unit_test(client_id_of_one_octet_is_malformed),
        cmocka_unit_test(params_with_zero_and_two_digit_values),
        cmocka_unit_test(every_string_option_at_maximum_fits_without_truncation),
        cmocka_unit_test(message_type_of_two_octets_is_malformed),
        cmocka_unit_test(message_type_repeated_is_concatenated_and_malformed),
        cmocka_unit_test(address_options_of_wrong_length_are_absent),
        cmocka_unit_test(address_lists_keep_the_first_address),
        cmocka_unit_test(request_renewing_has_client_ip_not_assigned),
        cmocka_unit_test(request_with_requested_ip_zero_has_no_assigned_ip),
        cmocka_unit_test(ethernet_with_hlen_other_than_6_has_no_mac),
        cmocka_unit_test(other_hardware_types_have_no_mac_and_are_not_malformed),
        cmocka_unit_test(overload_walks_options_then_file_then_sname),
        cmocka_unit_test(overload_1_walks_file_only),
        cmocka_unit_test(overload_inside_file_is_ignored),
        cmocka_unit_test(overload_value_out_of_range_is_malformed),
        cmocka_unit_test(overloaded_file_without_end_is_malformed),
        cmocka_unit_test(type_names_cover_known_types_and_null_otherwise),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
