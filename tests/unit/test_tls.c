/*
 * test_tls.c -- unit tests for capture/tls.c: ClientHello/ServerHello
 * parsing with JA3/JA3S, the stream state machine (records, handshake
 * reassembly, emission rules, counters) and tls_probe().
 *
 * Real messages were cut from the dev captures (named at each array);
 * expected JA3/JA3S/SNI/ALPN are tshark 4.0's tls.handshake.ja3,
 * ja3_full, ja3s, ja3s_full, extensions_server_name, extensions_alpn_str
 * on the same packets, and the certificate fields openssl x509's.
 * Synthetic ClientHellos (GREASE, empty lists, no extensions...) had
 * their JA3 checked against tshark on a pcap holding the same bytes.
 *
 * JA4: the expected values are FoxIO's, never spanhound's: the worked
 * example of technical_details/JA4.md in FoxIO-LLC/ja4 (commit
 * 0e54bc8371de34df94a35f2442c05bda2e8b2034: the ClientHello of its
 * JA4_ro line, "t13d1516h2_8daaf6152771_e5627efa2ab1", and without
 * signature algorithms "..._6d807ffa2a79"), the ALPN examples of the same
 * section, the spec's 000000000000 rule, and the ClientHello of FoxIO's
 * pcap/tls12.pcap with its expected JA4 from
 * python/test/testdata/tls12.pcap.json.  Where a test varies a field the
 * spec defines without a published hash (version, counts, SNI), it
 * checks that field and the parts left unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/tls.h"

/* ClientHello record, ndpi-443-firefox.pcap tcp.stream 0 (Firefox, TLS 1.3 capable) (517 bytes) */
static const uint8_t ch_firefox[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x94,
    0x6b, 0xf1, 0x25, 0xd5, 0x20, 0xb8, 0x48, 0xe5, 0x7d, 0x09, 0xc3, 0x75,
    0xaf, 0xa7, 0x29, 0x5b, 0xeb, 0x22, 0x0c, 0xd1, 0x47, 0x0e, 0x0e, 0x81,
    0xd0, 0x9c, 0x77, 0xa6, 0xeb, 0xb6, 0x1c, 0x20, 0xee, 0x59, 0x4a, 0x6f,
    0x44, 0x64, 0x1c, 0x64, 0x49, 0xc6, 0xcf, 0x92, 0x07, 0xb6, 0x5d, 0x86,
    0xe1, 0xcc, 0xee, 0xfa, 0xcb, 0x12, 0x20, 0x2e, 0xaf, 0x7f, 0x1b, 0x92,
    0x38, 0x23, 0xd9, 0xf5, 0x00, 0x24, 0x13, 0x01, 0x13, 0x03, 0x13, 0x02,
    0xc0, 0x2b, 0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x2c, 0xc0, 0x30,
    0xc0, 0x0a, 0xc0, 0x09, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x33, 0x00, 0x39,
    0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a, 0x01, 0x00, 0x01, 0x8f, 0x00, 0x00,
    0x00, 0x11, 0x00, 0x0f, 0x00, 0x00, 0x0c, 0x77, 0x77, 0x77, 0x2e, 0x6e,
    0x74, 0x6f, 0x70, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x17, 0x00, 0x00, 0xff,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x1d,
    0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01, 0x00, 0x01, 0x01, 0x00, 0x0b,
    0x00, 0x02, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e,
    0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31,
    0x2e, 0x31, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x33, 0x00, 0x6b, 0x00, 0x69, 0x00, 0x1d, 0x00, 0x20, 0x11, 0xed, 0xef,
    0xe3, 0xe6, 0x99, 0xce, 0x3a, 0xaf, 0x8c, 0xa8, 0x9f, 0xc0, 0x9b, 0xe7,
    0x53, 0x20, 0x14, 0xef, 0x95, 0x3d, 0xf4, 0x07, 0x63, 0x06, 0x0d, 0x94,
    0x0a, 0x58, 0x2e, 0xa0, 0x4b, 0x00, 0x17, 0x00, 0x41, 0x04, 0xd3, 0x8e,
    0x56, 0x73, 0x37, 0xfe, 0x58, 0xd6, 0xd5, 0x1c, 0x55, 0x02, 0x02, 0xa5,
    0x90, 0x2e, 0x49, 0x78, 0xe5, 0x39, 0x72, 0x92, 0xd8, 0x62, 0x23, 0x05,
    0x69, 0x95, 0xff, 0x63, 0xf2, 0x25, 0xb0, 0x3f, 0x12, 0x04, 0x61, 0x2f,
    0xeb, 0xc6, 0x5c, 0xee, 0x1e, 0x0e, 0xc5, 0x82, 0x38, 0x70, 0x89, 0x3f,
    0xfe, 0x75, 0x6a, 0xc9, 0xcb, 0xa2, 0x59, 0xbf, 0xbf, 0x14, 0x61, 0xb4,
    0xed, 0x73, 0x00, 0x2b, 0x00, 0x09, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03,
    0x02, 0x03, 0x01, 0x00, 0x0d, 0x00, 0x18, 0x00, 0x16, 0x04, 0x03, 0x05,
    0x03, 0x06, 0x03, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05,
    0x01, 0x06, 0x01, 0x02, 0x03, 0x02, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01,
    0x01, 0x00, 0x1c, 0x00, 0x02, 0x40, 0x01, 0x00, 0x15, 0x00, 0x92, 0x00,
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
    0x00,
};

/* ClientHello record with GREASE, ndpi-pinterest.pcap tcp.stream 2 (Chrome) (517 bytes) */
static const uint8_t ch_chrome_grease[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xec,
    0x81, 0x1e, 0x2c, 0xbf, 0xe5, 0xf3, 0xe2, 0x75, 0xee, 0xbe, 0xe0, 0x51,
    0x6b, 0x23, 0xbd, 0xdb, 0x55, 0xe5, 0x3b, 0x4b, 0x77, 0x38, 0x82, 0x98,
    0x83, 0xfa, 0x1a, 0xe2, 0x23, 0xa2, 0xfe, 0x20, 0x7b, 0x48, 0xfa, 0x70,
    0x16, 0xa5, 0xed, 0x79, 0x6c, 0x21, 0x6f, 0xbb, 0x52, 0xea, 0x49, 0x5a,
    0x19, 0xce, 0x60, 0x78, 0x49, 0x4b, 0x79, 0xf2, 0x8e, 0xc7, 0x9c, 0x11,
    0xdf, 0x97, 0x83, 0xf8, 0x00, 0x20, 0x2a, 0x2a, 0x13, 0x01, 0x13, 0x02,
    0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9,
    0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f,
    0x00, 0x35, 0x01, 0x00, 0x01, 0x93, 0xda, 0xda, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10, 0x77, 0x77, 0x77, 0x2e, 0x70,
    0x69, 0x6e, 0x74, 0x65, 0x72, 0x65, 0x73, 0x74, 0x2e, 0x66, 0x72, 0x00,
    0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x0a,
    0x00, 0x08, 0xba, 0xba, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x0b,
    0x00, 0x02, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e,
    0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31,
    0x2e, 0x31, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05,
    0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01, 0x00, 0x12, 0x00,
    0x00, 0x00, 0x33, 0x00, 0x2b, 0x00, 0x29, 0xba, 0xba, 0x00, 0x01, 0x00,
    0x00, 0x1d, 0x00, 0x20, 0x07, 0x99, 0xee, 0x3b, 0xbd, 0x84, 0x00, 0x69,
    0x41, 0x4f, 0xa6, 0xdd, 0xda, 0xe9, 0x5a, 0x88, 0xb8, 0x62, 0x7a, 0xbb,
    0xd4, 0x5a, 0x3c, 0x14, 0x9e, 0xc8, 0xcc, 0xf9, 0xb0, 0x89, 0x53, 0x04,
    0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x2b, 0x00, 0x0b, 0x0a, 0x4a,
    0x4a, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x1b, 0x00,
    0x03, 0x02, 0x00, 0x02, 0xea, 0xea, 0x00, 0x01, 0x00, 0x00, 0x15, 0x00,
    0xcc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
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
    0x00,
};

/* TLS 1.0 ClientHello record, suricata-tls-clienthello-to-c2.pcap tcp.stream 0 (104 bytes) */
static const uint8_t ch_c2_tls10[] = {
    0x16, 0x03, 0x01, 0x00, 0x63, 0x01, 0x00, 0x00, 0x5f, 0x03, 0x01, 0x63,
    0x7f, 0x44, 0x6d, 0xcd, 0x85, 0x12, 0x5f, 0xd9, 0x25, 0x00, 0xd3, 0x84,
    0x03, 0xdd, 0x1e, 0xa1, 0x21, 0x5a, 0xae, 0x7e, 0xcc, 0x05, 0xfd, 0x6e,
    0x74, 0x9f, 0xe7, 0xbb, 0x73, 0x10, 0x43, 0x00, 0x00, 0x0e, 0xc0, 0x0a,
    0xc0, 0x09, 0xc0, 0x14, 0xc0, 0x13, 0x00, 0x35, 0x00, 0x2f, 0x00, 0x0a,
    0x01, 0x00, 0x00, 0x28, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00,
    0x18, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00,
    0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00,
};

/* ClientHello record, slips-test-cc-periodic-https.pcap tcp.stream 0 (curl) (517 bytes) */
static const uint8_t ch_curl[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0c,
    0x30, 0x67, 0x3f, 0x15, 0x46, 0x54, 0x18, 0x94, 0xeb, 0x42, 0xf7, 0x2a,
    0x99, 0x49, 0x3b, 0xe0, 0xa7, 0xf0, 0x90, 0x49, 0xf0, 0x79, 0x81, 0x50,
    0x97, 0xfc, 0x52, 0x2a, 0x1b, 0xc8, 0x17, 0x20, 0xc0, 0x67, 0xea, 0x5b,
    0x36, 0xca, 0x8d, 0x76, 0xbe, 0x6c, 0x43, 0x18, 0x8a, 0xee, 0x14, 0x51,
    0x4b, 0x79, 0xd5, 0x57, 0xbc, 0x1e, 0xf2, 0xa8, 0xca, 0x71, 0x83, 0xec,
    0xf2, 0x32, 0xda, 0xc5, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
    0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
    0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
    0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
    0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
    0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x01, 0x75,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b, 0x74, 0x65, 0x73,
    0x74, 0x69, 0x6e, 0x67, 0x2e, 0x63, 0x6f, 0x6d, 0x00, 0x0b, 0x00, 0x04,
    0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x1d,
    0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x33, 0x74, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74,
    0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17,
    0x00, 0x00, 0x00, 0x31, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28,
    0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09,
    0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01,
    0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02,
    0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03,
    0x03, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00,
    0x24, 0x00, 0x1d, 0x00, 0x20, 0x6b, 0x28, 0xcd, 0x2a, 0xc7, 0x8f, 0x98,
    0x6b, 0xba, 0x28, 0x3a, 0x3e, 0x61, 0xfc, 0x9c, 0xf4, 0x09, 0xed, 0x86,
    0x53, 0x79, 0xc0, 0x7e, 0xa0, 0x86, 0xa6, 0x2f, 0x21, 0x29, 0xa2, 0x11,
    0x72, 0x00, 0x15, 0x00, 0xbc, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
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
    0x00,
};

/* ServerHello (TLS 1.3) + ChangeCipherSpec records, same stream (133 bytes) */
static const uint8_t sh_tls13[] = {
    0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xcb,
    0x77, 0xe9, 0xca, 0x78, 0xca, 0x66, 0xdb, 0xb1, 0xf0, 0x72, 0xb0, 0xe8,
    0xd7, 0x99, 0x24, 0x06, 0x8a, 0x19, 0x45, 0xfd, 0x92, 0x98, 0xcf, 0xae,
    0x1e, 0xc2, 0x32, 0x4e, 0x23, 0x50, 0x59, 0x20, 0xc0, 0x67, 0xea, 0x5b,
    0x36, 0xca, 0x8d, 0x76, 0xbe, 0x6c, 0x43, 0x18, 0x8a, 0xee, 0x14, 0x51,
    0x4b, 0x79, 0xd5, 0x57, 0xbc, 0x1e, 0xf2, 0xa8, 0xca, 0x71, 0x83, 0xec,
    0xf2, 0x32, 0xda, 0xc5, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x33, 0x00,
    0x24, 0x00, 0x1d, 0x00, 0x20, 0xd3, 0x27, 0x4b, 0x9a, 0xe3, 0x4a, 0xef,
    0x25, 0xc5, 0xdb, 0x95, 0x9f, 0x5e, 0x45, 0xb7, 0x28, 0x92, 0x98, 0xf1,
    0x70, 0x81, 0x22, 0x1e, 0xe6, 0x0f, 0x98, 0x6f, 0xb8, 0x74, 0x60, 0xcc,
    0x7e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x14, 0x03, 0x03, 0x00, 0x01,
    0x01,
};

/* ClientHello record to the AsyncRAT C2, anyrun-sxn-asyncrat-9596cf60.pcap tcp.stream 26 (153 bytes) */
static const uint8_t ch_sxn[] = {
    0x16, 0x03, 0x03, 0x00, 0x94, 0x01, 0x00, 0x00, 0x90, 0x03, 0x03, 0x65,
    0xdf, 0x03, 0xfa, 0xdc, 0x9a, 0xf4, 0xbe, 0xe8, 0x26, 0xd9, 0xf2, 0x37,
    0x77, 0x26, 0x58, 0x7b, 0x7d, 0xf1, 0xeb, 0xbe, 0xbf, 0xc4, 0x90, 0x34,
    0xa2, 0xed, 0x6a, 0x49, 0x7d, 0xfb, 0x10, 0x00, 0x00, 0x2a, 0xc0, 0x2c,
    0xc0, 0x2b, 0xc0, 0x30, 0xc0, 0x2f, 0x00, 0x9f, 0x00, 0x9e, 0xc0, 0x24,
    0xc0, 0x23, 0xc0, 0x28, 0xc0, 0x27, 0xc0, 0x0a, 0xc0, 0x09, 0xc0, 0x14,
    0xc0, 0x13, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d, 0x00, 0x3c, 0x00, 0x35,
    0x00, 0x2f, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x3d, 0x00, 0x0a, 0x00, 0x08,
    0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x0b, 0x00, 0x02,
    0x01, 0x00, 0x00, 0x0d, 0x00, 0x1a, 0x00, 0x18, 0x08, 0x04, 0x08, 0x05,
    0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x02, 0x01, 0x04, 0x03, 0x05, 0x03,
    0x02, 0x03, 0x02, 0x02, 0x06, 0x01, 0x06, 0x03, 0x00, 0x23, 0x00, 0x00,
    0x00, 0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00,
};

/* server flight: one handshake record (ServerHello, Certificate "SXN Server CA", ServerKeyExchange, ServerHelloDone) + ChangeCipherSpec, same stream (1997 bytes) */
static const uint8_t srv_sxn[] = {
    0x16, 0x03, 0x03, 0x07, 0xc2, 0x02, 0x00, 0x00, 0x51, 0x03, 0x03, 0x65,
    0xdf, 0x03, 0xfa, 0xb1, 0xa4, 0xbe, 0x08, 0x64, 0x86, 0x32, 0x99, 0xa2,
    0x67, 0xce, 0x6e, 0xd1, 0x5b, 0x6c, 0x62, 0x58, 0x80, 0xe8, 0x59, 0x52,
    0xa0, 0x52, 0x0e, 0x87, 0x4a, 0xa7, 0xf5, 0x20, 0x1c, 0x04, 0x00, 0x00,
    0xac, 0x87, 0xc0, 0x74, 0xc0, 0xe4, 0x76, 0x74, 0xeb, 0xec, 0xe7, 0xa7,
    0xf8, 0x2f, 0x03, 0xdc, 0xa2, 0x49, 0x2f, 0x06, 0x88, 0x6a, 0x07, 0x5c,
    0x9e, 0x44, 0x3b, 0x24, 0xc0, 0x30, 0x00, 0x00, 0x09, 0x00, 0x17, 0x00,
    0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x0b, 0x00, 0x04, 0xf8, 0x00, 0x04,
    0xf5, 0x00, 0x04, 0xf2, 0x30, 0x82, 0x04, 0xee, 0x30, 0x82, 0x02, 0xd6,
    0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x10, 0x00, 0xea, 0xa3, 0xdf, 0x29,
    0x5d, 0xdf, 0xd5, 0x90, 0x8a, 0x64, 0xde, 0x3b, 0x04, 0x3a, 0xcf, 0x30,
    0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d,
    0x05, 0x00, 0x30, 0x18, 0x31, 0x16, 0x30, 0x14, 0x06, 0x03, 0x55, 0x04,
    0x03, 0x0c, 0x0d, 0x53, 0x58, 0x4e, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65,
    0x72, 0x20, 0x43, 0x41, 0x30, 0x20, 0x17, 0x0d, 0x32, 0x33, 0x30, 0x39,
    0x32, 0x35, 0x30, 0x38, 0x34, 0x36, 0x32, 0x30, 0x5a, 0x18, 0x0f, 0x39,
    0x39, 0x39, 0x39, 0x31, 0x32, 0x33, 0x31, 0x32, 0x33, 0x35, 0x39, 0x35,
    0x39, 0x5a, 0x30, 0x18, 0x31, 0x16, 0x30, 0x14, 0x06, 0x03, 0x55, 0x04,
    0x03, 0x0c, 0x0d, 0x53, 0x58, 0x4e, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65,
    0x72, 0x20, 0x43, 0x41, 0x30, 0x82, 0x02, 0x22, 0x30, 0x0d, 0x06, 0x09,
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03,
    0x82, 0x02, 0x0f, 0x00, 0x30, 0x82, 0x02, 0x0a, 0x02, 0x82, 0x02, 0x01,
    0x00, 0xa6, 0x50, 0xcf, 0x5c, 0x6b, 0xbe, 0x2a, 0x63, 0x24, 0x1c, 0x67,
    0xf0, 0x19, 0xa3, 0x65, 0x83, 0xd2, 0x29, 0x15, 0x28, 0x97, 0x3a, 0xd0,
    0xb5, 0x91, 0xb5, 0x5f, 0xbb, 0xa3, 0x08, 0x76, 0x82, 0x08, 0x53, 0x44,
    0xf8, 0xe3, 0x2f, 0xb8, 0x3a, 0x85, 0xe4, 0x7b, 0x1c, 0xc1, 0x18, 0x9a,
    0x7d, 0x06, 0xc0, 0x3b, 0x61, 0xaa, 0x04, 0xb3, 0x0f, 0x55, 0xa0, 0x1f,
    0x7d, 0xd3, 0x94, 0x32, 0x13, 0xad, 0xe0, 0x27, 0x92, 0x0a, 0xec, 0x18,
    0x84, 0x9d, 0x73, 0x90, 0x4b, 0x33, 0xf0, 0x52, 0x0a, 0x79, 0x31, 0x13,
    0xed, 0xd8, 0xca, 0xca, 0x24, 0x87, 0xe8, 0x45, 0xbc, 0x30, 0x4b, 0x0f,
    0xdc, 0xbc, 0x74, 0x9f, 0x3c, 0xa6, 0xbc, 0xb6, 0xd9, 0xd4, 0x0b, 0x0d,
    0xee, 0x25, 0xdd, 0x7f, 0x18, 0xb3, 0x3d, 0xde, 0x77, 0xbf, 0x14, 0xe5,
    0x13, 0x58, 0x28, 0x44, 0xf2, 0x9b, 0x39, 0x30, 0x52, 0x13, 0x60, 0x48,
    0x31, 0x05, 0x88, 0xd5, 0x0b, 0xe6, 0x99, 0xd4, 0x96, 0x9b, 0xa3, 0x87,
    0xba, 0x48, 0x3d, 0x76, 0x24, 0x96, 0x4c, 0xc2, 0x0b, 0x31, 0x76, 0xd6,
    0x3e, 0xee, 0x7e, 0xba, 0xa2, 0xd7, 0xcf, 0xd8, 0x33, 0x75, 0x37, 0xda,
    0x64, 0x30, 0x61, 0xc0, 0x53, 0x9a, 0x64, 0x2e, 0xb7, 0xd4, 0x3b, 0x4b,
    0x49, 0x47, 0xf8, 0x8b, 0x08, 0xef, 0xb2, 0x83, 0x59, 0x02, 0x04, 0x1a,
    0xae, 0x17, 0x25, 0xb3, 0x8a, 0xb3, 0x34, 0x2f, 0xb2, 0x29, 0x2c, 0x28,
    0x59, 0x05, 0xab, 0x10, 0xeb, 0xec, 0x90, 0xb8, 0xe5, 0x70, 0xd0, 0x74,
    0x98, 0xf7, 0x4b, 0xfe, 0xe5, 0x1a, 0x3b, 0x2b, 0x5c, 0xd6, 0xca, 0x57,
    0xa1, 0x21, 0xed, 0x72, 0x5d, 0xc4, 0xaf, 0xb8, 0xcb, 0x74, 0x51, 0x14,
    0x0d, 0x9f, 0x50, 0xa1, 0x9b, 0x4b, 0x88, 0x90, 0xde, 0x70, 0x48, 0xf7,
    0x08, 0xd8, 0x9b, 0xea, 0x3c, 0x9e, 0x27, 0xff, 0xa6, 0x35, 0x65, 0x13,
    0x9c, 0x7f, 0x26, 0x0f, 0x01, 0x27, 0x2c, 0x83, 0xed, 0x3f, 0xe1, 0x46,
    0x34, 0x57, 0x4b, 0xbb, 0x6a, 0x20, 0x9f, 0x5d, 0x68, 0x42, 0x00, 0xb8,
    0x42, 0x16, 0x13, 0x85, 0x16, 0x87, 0x66, 0x08, 0x2f, 0xaf, 0x4f, 0xc2,
    0xe0, 0xf6, 0xbf, 0xcd, 0xb8, 0x06, 0xbf, 0x3f, 0x8d, 0x93, 0x7f, 0x61,
    0x6c, 0x00, 0x3f, 0xb9, 0x9c, 0x34, 0x7b, 0x55, 0x6d, 0xc2, 0xd8, 0x74,
    0x25, 0xa4, 0x9a, 0xa4, 0x95, 0xae, 0x28, 0x89, 0x80, 0xc4, 0xd9, 0xf8,
    0x48, 0xa3, 0x1e, 0x1a, 0x7c, 0xf4, 0xed, 0xe5, 0x01, 0xdd, 0x7f, 0x3b,
    0x4f, 0xcc, 0xd4, 0x91, 0x46, 0xf0, 0xda, 0x8d, 0x5d, 0xd0, 0x85, 0x21,
    0xfd, 0x7a, 0x4d, 0x38, 0x2b, 0x9f, 0xcb, 0xde, 0x8c, 0x89, 0x2e, 0xc1,
    0x33, 0x30, 0x77, 0xbd, 0xac, 0x11, 0x70, 0xd1, 0x19, 0x4b, 0xd4, 0x0a,
    0xf0, 0x7d, 0x04, 0x6a, 0xc8, 0xe3, 0x69, 0x96, 0x65, 0xb8, 0xca, 0xca,
    0x27, 0xcc, 0x26, 0xe8, 0x1b, 0x37, 0x7b, 0xd9, 0x89, 0xec, 0x29, 0x79,
    0x3d, 0x49, 0x42, 0x77, 0xbd, 0xf9, 0xd6, 0xb2, 0x86, 0x12, 0xf6, 0xff,
    0xa8, 0x9f, 0x36, 0xd7, 0x95, 0xd9, 0x1d, 0x90, 0x56, 0x09, 0x12, 0x70,
    0x2e, 0xd5, 0xcd, 0x7e, 0x48, 0x41, 0x45, 0xbe, 0xfd, 0x11, 0x3b, 0x9d,
    0xdb, 0x7e, 0xc1, 0xc7, 0x9c, 0x63, 0x6e, 0xf8, 0x8e, 0xad, 0x83, 0xa0,
    0x53, 0x79, 0xaf, 0x2d, 0xb2, 0x39, 0x43, 0x92, 0xa6, 0x11, 0x1f, 0xcd,
    0xe8, 0xcf, 0x9f, 0xc8, 0x1d, 0x36, 0x49, 0x71, 0xd3, 0x21, 0xc6, 0xb3,
    0x99, 0x10, 0xe6, 0xa6, 0xc5, 0x9d, 0x46, 0xda, 0x8f, 0x2f, 0xb2, 0x99,
    0x1e, 0x19, 0xda, 0x48, 0xb9, 0x38, 0xfc, 0x35, 0xd6, 0xff, 0x23, 0x18,
    0x81, 0x47, 0x0b, 0x87, 0x6d, 0x1a, 0x78, 0xa3, 0x1d, 0x02, 0x03, 0x01,
    0x00, 0x01, 0xa3, 0x32, 0x30, 0x30, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d,
    0x0e, 0x04, 0x16, 0x04, 0x14, 0x62, 0x08, 0x24, 0x53, 0x3c, 0x01, 0x23,
    0xf9, 0xbb, 0x5a, 0x53, 0x44, 0x50, 0x1f, 0xc8, 0xc5, 0x69, 0x65, 0xa7,
    0xce, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04,
    0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00, 0x03, 0x82, 0x02,
    0x01, 0x00, 0x08, 0x58, 0x74, 0xee, 0xfe, 0xd5, 0xc6, 0xe4, 0xee, 0x90,
    0x87, 0x1c, 0x41, 0x6a, 0x67, 0x75, 0xad, 0x5d, 0x33, 0x51, 0xd7, 0xc7,
    0xf1, 0xe6, 0x7e, 0x64, 0x80, 0x55, 0x41, 0xa5, 0xf4, 0x62, 0x61, 0x44,
    0x18, 0xfb, 0x9b, 0x0c, 0x6a, 0x5b, 0xb3, 0xe5, 0x6c, 0xb4, 0x95, 0x71,
    0x2c, 0xc6, 0x3c, 0x96, 0x5d, 0xdd, 0xd0, 0x99, 0x01, 0xea, 0x90, 0xe0,
    0x20, 0x39, 0x99, 0x52, 0xd8, 0xf7, 0xeb, 0xfc, 0xea, 0x1f, 0xe3, 0xe4,
    0x8c, 0x87, 0xcf, 0xd1, 0x62, 0x23, 0xcc, 0x25, 0xb2, 0xe3, 0xef, 0x30,
    0x1a, 0xfc, 0x1e, 0x55, 0x9b, 0x40, 0xbc, 0xd0, 0xa1, 0x12, 0xdc, 0x48,
    0xea, 0x19, 0x40, 0xf8, 0x65, 0xf8, 0xf4, 0x6a, 0xfd, 0xd8, 0xb6, 0x6b,
    0x5c, 0xe7, 0x7d, 0xab, 0xe1, 0x3e, 0xad, 0xb0, 0x3a, 0x06, 0xd6, 0x28,
    0x74, 0xc1, 0xba, 0x1b, 0x60, 0x28, 0xa8, 0xc5, 0xc1, 0xcb, 0xcb, 0x08,
    0x88, 0xc2, 0x8d, 0x38, 0xe6, 0x40, 0x23, 0x14, 0x97, 0x01, 0x05, 0x25,
    0x9c, 0x02, 0x4c, 0xcd, 0x6f, 0x3a, 0x2e, 0x8e, 0x38, 0x5e, 0x8d, 0xe7,
    0x11, 0x7d, 0xc0, 0x2f, 0x7a, 0x56, 0xa9, 0x1d, 0xb5, 0x07, 0x96, 0xda,
    0xcf, 0x35, 0x9e, 0xb4, 0xbd, 0x1a, 0xe3, 0x1d, 0x44, 0xd3, 0x14, 0xcf,
    0xad, 0x0e, 0x8c, 0x8e, 0x03, 0x67, 0x42, 0x76, 0xd2, 0x44, 0xf7, 0xf7,
    0xec, 0x3d, 0x2e, 0x75, 0xac, 0x2f, 0x62, 0x57, 0x4c, 0xac, 0x43, 0xed,
    0xed, 0x40, 0x32, 0x10, 0x1c, 0x07, 0x36, 0x47, 0xf7, 0x52, 0xd5, 0x21,
    0xb6, 0xb0, 0x73, 0xe1, 0x8d, 0x08, 0xaa, 0xf1, 0x78, 0xe9, 0x28, 0x62,
    0xd5, 0x7a, 0xa3, 0x65, 0x73, 0xd9, 0x2c, 0x6e, 0x6b, 0x7d, 0x9b, 0xa1,
    0x3a, 0x50, 0xad, 0x23, 0x30, 0x83, 0xac, 0x72, 0x38, 0x08, 0x9d, 0x1b,
    0x59, 0xd8, 0x37, 0xfb, 0xcc, 0xb3, 0x68, 0x55, 0x56, 0xc7, 0x0f, 0x54,
    0xa6, 0x5a, 0x0f, 0x62, 0x23, 0x46, 0x82, 0x87, 0x32, 0xad, 0xe3, 0x11,
    0xa4, 0x11, 0xd8, 0x4b, 0xc6, 0x92, 0xfa, 0xca, 0xbd, 0x0c, 0x65, 0xff,
    0x93, 0x41, 0x4b, 0x93, 0xff, 0xbd, 0xc0, 0x28, 0x22, 0xde, 0x84, 0xb4,
    0x5b, 0x9f, 0xa8, 0x62, 0x2f, 0x4d, 0xa5, 0x2d, 0x70, 0x71, 0xd3, 0x0f,
    0xc0, 0x90, 0x3e, 0x62, 0x5c, 0x8b, 0xa9, 0xce, 0xcb, 0xc2, 0x88, 0xee,
    0x1c, 0xa1, 0x93, 0x6b, 0xf8, 0xa8, 0x43, 0x12, 0x7c, 0x99, 0xe7, 0xc3,
    0x41, 0x67, 0x39, 0x16, 0x73, 0xca, 0x91, 0xde, 0xfe, 0x37, 0x69, 0x83,
    0xd8, 0x91, 0x82, 0x27, 0x1f, 0x28, 0xc0, 0x6a, 0x5a, 0x7d, 0x59, 0x97,
    0x57, 0x0e, 0x20, 0x14, 0xb7, 0xc7, 0x12, 0xb0, 0xe3, 0xca, 0xd9, 0x8d,
    0x8d, 0x4c, 0x16, 0x60, 0xe1, 0x06, 0xe8, 0x97, 0x26, 0x4b, 0x54, 0x7f,
    0xef, 0x67, 0x6c, 0x06, 0x59, 0x07, 0xca, 0xe3, 0xdc, 0xdb, 0xca, 0x4f,
    0xf0, 0x41, 0xd0, 0xf1, 0x10, 0x13, 0x5d, 0x03, 0x1d, 0x96, 0xee, 0xe1,
    0x96, 0x17, 0x06, 0xdf, 0x63, 0x18, 0x6e, 0x06, 0x22, 0xb2, 0x4a, 0xeb,
    0x43, 0x44, 0xdc, 0xbc, 0x1a, 0xd5, 0x29, 0x92, 0x2e, 0x64, 0x60, 0x85,
    0x1d, 0x1b, 0xf0, 0xfa, 0x3a, 0xc9, 0x84, 0xf7, 0x86, 0x53, 0x12, 0x96,
    0x39, 0xa5, 0xf1, 0xf8, 0x79, 0x7c, 0x93, 0xba, 0x9c, 0xb1, 0x55, 0xbe,
    0x80, 0xa3, 0x26, 0xa8, 0xab, 0x60, 0x42, 0xa1, 0x1b, 0xcd, 0x9c, 0xc2,
    0xcc, 0xf6, 0x28, 0x8b, 0x08, 0x39, 0x99, 0x63, 0x18, 0xe8, 0x06, 0xc6,
    0xc9, 0x9f, 0x72, 0xe3, 0x1d, 0x26, 0xf1, 0x34, 0x74, 0x02, 0x19, 0xdd,
    0x44, 0x84, 0x03, 0xdd, 0x96, 0x6a, 0x7c, 0x89, 0xad, 0xd9, 0xc2, 0x5f,
    0x27, 0x4b, 0xfc, 0xcf, 0x31, 0x36, 0x4d, 0xd8, 0x66, 0xc3, 0x0c, 0x00,
    0x02, 0x69, 0x03, 0x00, 0x18, 0x61, 0x04, 0x7f, 0x66, 0x35, 0xc7, 0x5b,
    0x80, 0xd9, 0x8a, 0xf3, 0x51, 0x22, 0x42, 0x2a, 0x3e, 0x88, 0x49, 0xea,
    0x8a, 0x6a, 0x87, 0x80, 0xe4, 0x97, 0x3c, 0x05, 0xaa, 0x54, 0x69, 0x91,
    0x3c, 0x7e, 0x27, 0xb4, 0x70, 0xd0, 0xeb, 0xf4, 0x27, 0x43, 0xeb, 0x6a,
    0xa3, 0xb2, 0x50, 0x75, 0x32, 0x2b, 0x58, 0x99, 0x84, 0x1f, 0xeb, 0x04,
    0xa4, 0xb7, 0x6a, 0xd7, 0x1f, 0xd8, 0xfa, 0x3f, 0x51, 0xf3, 0x21, 0x66,
    0x85, 0xb2, 0x0e, 0x7e, 0x67, 0x54, 0x7b, 0xe3, 0xc5, 0x34, 0x5d, 0x43,
    0x00, 0x4f, 0x8f, 0xc0, 0xa2, 0x44, 0xd5, 0x7c, 0x2e, 0xe1, 0x64, 0x25,
    0x53, 0x36, 0x01, 0xf3, 0xf0, 0xba, 0x28, 0x04, 0x01, 0x02, 0x00, 0x69,
    0xa6, 0x35, 0x26, 0x02, 0x6f, 0x44, 0x56, 0x7d, 0xdc, 0x6f, 0xec, 0x7c,
    0x6a, 0x96, 0x63, 0xfd, 0x40, 0xcc, 0xf6, 0xce, 0x50, 0xb5, 0x14, 0x21,
    0xd2, 0x38, 0xfd, 0xd2, 0x70, 0x6c, 0x7b, 0xbd, 0x46, 0x1a, 0x8d, 0xd3,
    0x06, 0x85, 0x78, 0x7b, 0xef, 0xc8, 0x59, 0xf9, 0x1c, 0xb8, 0xc0, 0xe4,
    0x86, 0xe5, 0x88, 0x01, 0xac, 0xaf, 0xd6, 0x61, 0x24, 0x74, 0x81, 0xa3,
    0x3f, 0x8f, 0x1c, 0x2f, 0x97, 0x5f, 0x4e, 0x4a, 0x41, 0x74, 0x8b, 0xc7,
    0x0f, 0x8c, 0x0f, 0x55, 0x22, 0xbc, 0x01, 0x85, 0xf4, 0xe9, 0xd3, 0x39,
    0x4c, 0x27, 0xc7, 0xe4, 0x0e, 0x23, 0x4f, 0x5c, 0x06, 0x77, 0x13, 0xca,
    0xb3, 0x75, 0x61, 0xcf, 0x55, 0x57, 0xe8, 0x1f, 0xe3, 0x59, 0x28, 0x01,
    0xb0, 0xf5, 0x3d, 0x8d, 0x66, 0x30, 0xfb, 0xa6, 0xb0, 0xec, 0x63, 0x8f,
    0x5f, 0xce, 0xc6, 0xd1, 0x5d, 0x06, 0x5c, 0x20, 0xf2, 0xb1, 0x55, 0xdf,
    0xc5, 0xa8, 0xdc, 0x55, 0x17, 0x2e, 0x8d, 0x52, 0xc6, 0x61, 0xfb, 0xb0,
    0xb1, 0x1f, 0x39, 0x65, 0xa4, 0x6c, 0x73, 0x79, 0x6b, 0xed, 0xe4, 0x0a,
    0xf8, 0xd1, 0x7b, 0x57, 0x75, 0xce, 0x2e, 0x3b, 0x11, 0x0c, 0x2e, 0xfe,
    0x92, 0x03, 0x33, 0x94, 0xef, 0x45, 0xe7, 0xe0, 0x5c, 0x64, 0x31, 0x10,
    0xfe, 0x41, 0x67, 0x06, 0xeb, 0x7c, 0x66, 0xfe, 0xc1, 0xb0, 0x57, 0x35,
    0xb8, 0x50, 0x8f, 0x38, 0x88, 0x32, 0x9b, 0x05, 0x07, 0xc5, 0xf0, 0x07,
    0x28, 0x5c, 0xe4, 0x44, 0xcb, 0xe9, 0xe8, 0xc8, 0x90, 0x35, 0xff, 0x28,
    0x1a, 0xa0, 0x72, 0x47, 0xd2, 0x9e, 0xe5, 0xc4, 0xdb, 0xc6, 0x32, 0x8d,
    0xb6, 0xf6, 0x94, 0x3a, 0xb3, 0x19, 0x66, 0xf8, 0x22, 0xa2, 0xf0, 0xa6,
    0xd2, 0xfe, 0x06, 0xeb, 0xbc, 0x0d, 0x70, 0x6a, 0x1a, 0xc2, 0x38, 0xa6,
    0xa0, 0x79, 0x7e, 0x17, 0xf1, 0x5c, 0xc8, 0x2f, 0x6a, 0xf8, 0xeb, 0x7f,
    0x35, 0xad, 0x7d, 0xdd, 0x84, 0x52, 0xd9, 0xa0, 0xfe, 0xee, 0x34, 0x02,
    0xf1, 0x72, 0x77, 0x0c, 0x58, 0x59, 0x3f, 0xb3, 0xd3, 0xcb, 0x2c, 0xc8,
    0x63, 0x16, 0xf0, 0x41, 0x78, 0xac, 0x77, 0x55, 0x51, 0xf4, 0xcf, 0xb2,
    0x5e, 0xea, 0x70, 0xc3, 0x0a, 0xbe, 0x13, 0xbf, 0x4b, 0x72, 0xa5, 0xfc,
    0xa1, 0x36, 0x5c, 0x19, 0x65, 0x34, 0x5d, 0xa3, 0xd3, 0x7b, 0xbb, 0x74,
    0xd0, 0x56, 0xc6, 0x02, 0x2e, 0x91, 0xb1, 0x69, 0xc6, 0x1d, 0x97, 0xed,
    0xd7, 0xd9, 0x3f, 0x74, 0x3a, 0xab, 0x0c, 0x18, 0xb6, 0xbe, 0x8b, 0xde,
    0xc8, 0x7e, 0xf2, 0x1d, 0xff, 0x87, 0x7e, 0xa9, 0xf9, 0x38, 0xbf, 0x9a,
    0x71, 0x48, 0xf9, 0x06, 0xab, 0x8b, 0xd2, 0xcb, 0xf0, 0x3d, 0xdb, 0x1e,
    0xd9, 0x56, 0x97, 0x22, 0x6c, 0x12, 0x74, 0x2a, 0x35, 0x56, 0x27, 0x96,
    0x8e, 0xf8, 0x54, 0x50, 0x2a, 0x2e, 0x95, 0xf3, 0x67, 0xe4, 0x50, 0x55,
    0xbf, 0x2e, 0xab, 0x3c, 0x05, 0x13, 0x7c, 0x1d, 0xc1, 0xcc, 0x62, 0xfa,
    0xac, 0xa1, 0x00, 0xf8, 0xb9, 0x46, 0xf6, 0x64, 0xcb, 0x83, 0x31, 0xc0,
    0x36, 0x7f, 0x79, 0x69, 0xa8, 0x41, 0xb0, 0x1e, 0xb2, 0xd3, 0xd1, 0x7b,
    0xac, 0x17, 0xa3, 0x04, 0xcb, 0x08, 0xcd, 0x11, 0xf7, 0x31, 0x1b, 0xc7,
    0x04, 0xc5, 0x82, 0x0f, 0x8c, 0xbe, 0x75, 0xcc, 0x0a, 0x15, 0x41, 0xbe,
    0x00, 0x62, 0x9a, 0xab, 0xf8, 0xf0, 0x31, 0xd8, 0x12, 0xa7, 0xa3, 0x73,
    0xc1, 0xd7, 0x3d, 0xd8, 0x2f, 0x94, 0xd9, 0xa8, 0xf3, 0xe1, 0x63, 0x45,
    0x16, 0x4e, 0x4a, 0x73, 0xeb, 0xd8, 0x51, 0x1d, 0xf5, 0x61, 0xc5, 0x1e,
    0x33, 0x81, 0x97, 0x38, 0x21, 0x23, 0xfe, 0x00, 0x13, 0xfb, 0xd6, 0x6e,
    0x93, 0x3d, 0x1e, 0xb0, 0x49, 0xa0, 0x4c, 0x0e, 0x00, 0x00, 0x00, 0x14,
    0x03, 0x03, 0x00, 0x01, 0x01,
};

/* HelloRetryRequest + ChangeCipherSpec records, ndpi-tumblr.pcap tcp.stream 10 (99 bytes) */
static const uint8_t hrr_tumblr[] = {
    0x16, 0x03, 0x03, 0x00, 0x58, 0x02, 0x00, 0x00, 0x54, 0x03, 0x03, 0xcf,
    0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e,
    0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07,
    0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x20, 0x70, 0x6a, 0x8a, 0x16,
    0x65, 0x3d, 0x0c, 0x62, 0xe3, 0xf4, 0xb0, 0x9b, 0x3f, 0x03, 0x22, 0x5f,
    0x5f, 0xe6, 0x69, 0x13, 0xb8, 0x8d, 0xc0, 0x7a, 0x70, 0xf4, 0x12, 0x17,
    0xbd, 0x52, 0x66, 0xce, 0x13, 0x02, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00,
    0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17, 0x14, 0x03, 0x03,
    0x00, 0x01, 0x01,
};

/* ServerHello + ChangeCipherSpec (abbreviated handshake), ndpi-facebook.pcap tcp.stream 1 (101 bytes) */
static const uint8_t sh_resumed_fb[] = {
    0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56, 0x03, 0x03, 0xb2,
    0x13, 0xa3, 0x4e, 0x29, 0x33, 0x01, 0xb3, 0x0b, 0xeb, 0xa4, 0xb1, 0x4e,
    0xcf, 0x58, 0xe6, 0x07, 0x7f, 0x55, 0x09, 0xfa, 0x85, 0x13, 0xa4, 0x6b,
    0xfa, 0x46, 0xec, 0x1b, 0x74, 0xf9, 0xeb, 0x20, 0xe9, 0x6e, 0xe9, 0x8b,
    0x4f, 0xfa, 0x5c, 0x41, 0x5e, 0x18, 0x77, 0xec, 0x39, 0x9e, 0x6c, 0x90,
    0x8a, 0xa0, 0xde, 0xf2, 0x66, 0x90, 0x97, 0xff, 0x6d, 0xc0, 0xd1, 0x6c,
    0x8e, 0xf3, 0x75, 0xa8, 0xc0, 0x2b, 0x00, 0x00, 0x0e, 0xff, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32, 0x14,
    0x03, 0x03, 0x00, 0x01, 0x01,
};

/* ClientHello record of FoxIO-LLC/ja4 pcap/tls12.pcap frame 1 (Firefox,
 * TLS 1.3 capable) (517 bytes); python/test/testdata/tls12.pcap.json:
 * JA4.1 "t13d1715h2_5b57614c22b0_3d5424432f57" */
static const uint8_t ch_foxio_tls12[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xec,
    0xb2, 0x69, 0x1a, 0xdd, 0xb2, 0xbf, 0x6c, 0x59, 0x9c, 0x7a, 0xaa, 0xe2,
    0x3d, 0xe5, 0xf4, 0x25, 0x61, 0xcc, 0x04, 0xeb, 0x41, 0x02, 0x9a, 0xcc,
    0x6f, 0xc0, 0x50, 0xa1, 0x6a, 0xc1, 0xd2, 0x20, 0x46, 0xf8, 0x61, 0x7b,
    0x58, 0x0a, 0xc9, 0x35, 0x8e, 0x2a, 0xa4, 0x4e, 0x30, 0x6d, 0x52, 0x46,
    0x6b, 0xcc, 0x98, 0x9c, 0x87, 0xc8, 0xca, 0x64, 0x30, 0x9f, 0x5f, 0xaf,
    0x50, 0xba, 0x7b, 0x4d, 0x00, 0x22, 0x13, 0x01, 0x13, 0x03, 0x13, 0x02,
    0xc0, 0x2b, 0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x2c, 0xc0, 0x30,
    0xc0, 0x0a, 0xc0, 0x09, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d,
    0x00, 0x2f, 0x00, 0x35, 0x01, 0x00, 0x01, 0x91, 0x00, 0x00, 0x00, 0x21,
    0x00, 0x1f, 0x00, 0x00, 0x1c, 0x63, 0x6f, 0x6e, 0x74, 0x69, 0x6c, 0x65,
    0x2e, 0x73, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x2e, 0x6d, 0x6f,
    0x7a, 0x69, 0x6c, 0x6c, 0x61, 0x2e, 0x63, 0x6f, 0x6d, 0x00, 0x17, 0x00,
    0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x0e, 0x00, 0x0c,
    0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01, 0x00, 0x01, 0x01,
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10,
    0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70,
    0x2f, 0x31, 0x2e, 0x31, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x22, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x03, 0x05, 0x03, 0x06,
    0x03, 0x02, 0x03, 0x00, 0x33, 0x00, 0x6b, 0x00, 0x69, 0x00, 0x1d, 0x00,
    0x20, 0x89, 0x09, 0x85, 0x8f, 0xbe, 0xb6, 0xed, 0x2f, 0x12, 0x48, 0xba,
    0x5b, 0x9e, 0x29, 0x78, 0xbe, 0xad, 0x0e, 0x84, 0x01, 0x10, 0x19, 0x2c,
    0x61, 0xda, 0xed, 0x00, 0x96, 0x79, 0x8b, 0x18, 0x44, 0x00, 0x17, 0x00,
    0x41, 0x04, 0x4d, 0x18, 0x3d, 0x91, 0xf5, 0xee, 0xd3, 0x57, 0x91, 0xfa,
    0x98, 0x24, 0x64, 0xe3, 0xb0, 0x21, 0x4a, 0xaa, 0x5f, 0x5d, 0x1b, 0x78,
    0x61, 0x6d, 0x9b, 0x9f, 0xbe, 0xbc, 0x22, 0xd1, 0x1f, 0x53, 0x5b, 0x2f,
    0x94, 0xc6, 0x86, 0x14, 0x31, 0x36, 0xaa, 0x79, 0x5e, 0x6e, 0x5a, 0x87,
    0x5d, 0x6c, 0x08, 0x06, 0x4a, 0xd5, 0xb7, 0x6d, 0x44, 0xca, 0xad, 0x76,
    0x6e, 0x24, 0x83, 0x01, 0x27, 0x48, 0x00, 0x2b, 0x00, 0x05, 0x04, 0x03,
    0x04, 0x03, 0x03, 0x00, 0x0d, 0x00, 0x18, 0x00, 0x16, 0x04, 0x03, 0x05,
    0x03, 0x06, 0x03, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05,
    0x01, 0x06, 0x01, 0x02, 0x03, 0x02, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01,
    0x01, 0x00, 0x1c, 0x00, 0x02, 0x40, 0x01, 0x00, 0x15, 0x00, 0x7a, 0x00,
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
    0x00,
};

/* ---- helpers -------------------------------------------------------- */

#define MAX_CAP 4

/* What the sink saw. */
struct cap {
    int n;
    int dir[MAX_CAP];
    struct sh_event ev[MAX_CAP];
};

static struct cap g_cap;
static struct app_stats g_stats;

static void cap_emit(void *ctx, int dir, struct sh_event *ev)
{
    struct cap *c = ctx;
    if (c->n < MAX_CAP) {
        c->dir[c->n] = dir;
        c->ev[c->n] = *ev;
    }
    c->n++;
}

static const struct app_sink g_sink = { cap_emit, &g_cap, &g_stats };

static struct tls_state *new_state(void)
{
    struct tls_state *s = test_malloc(tls_state_size());
    tls_init(s);
    memset(&g_cap, 0, sizeof g_cap);
    memset(&g_stats, 0, sizeof g_stats);
    return s;
}

/* Body of the handshake message in a one-message record, copied to an
 * exact-size heap block so that ASan sees any read past its end. */
static uint8_t *hs_body(const uint8_t *rec, size_t *len)
{
    size_t n = ((size_t)rec[6] << 16) | ((size_t)rec[7] << 8) | rec[8];
    uint8_t *b = test_malloc(n ? n : 1);
    memcpy(b, rec + 9, n);
    *len = n;
    return b;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *b = test_malloc(n ? n : 1);
    if (n)
        memcpy(b, p, n);
    return b;
}

static struct sh_event *fresh_event(void)
{
    static struct sh_event ev;
    ev_reset(&ev, EV_TLS);
    return &ev;
}

#define S(ev, f) ev_s((ev), (ev)->u.tls.f)

/* Builder for synthetic messages. */
struct mb {
    uint8_t b[70000];
    size_t n;
};

static void mb_u8(struct mb *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void mb_u16(struct mb *m, unsigned v) { mb_u8(m, v >> 8); mb_u8(m, v); }
static void mb_put(struct mb *m, const void *p, size_t n)
{
    if (n)
        memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* ClientHello body: version 0x0303, zero random, empty session id, the
 * given ciphers, compression {null}, then (if with_ext) a 16-bit
 * extensions block holding exts. */
static size_t build_ch(struct mb *m, const uint16_t *cs, size_t ncs,
                       const uint8_t *exts, size_t exts_len, int with_ext)
{
    m->n = 0;
    mb_u16(m, 0x0303);
    for (int i = 0; i < 32; i++)
        mb_u8(m, 0x11);
    mb_u8(m, 0);
    mb_u16(m, (unsigned)(2 * ncs));
    for (size_t i = 0; i < ncs; i++)
        mb_u16(m, cs[i]);
    mb_u8(m, 1);
    mb_u8(m, 0);
    if (with_ext) {
        mb_u16(m, (unsigned)exts_len);
        mb_put(m, exts, exts_len);
    }
    return m->n;
}

/* Wrap a handshake body as one message in one record. */
static size_t wrap_record(uint8_t *out, uint8_t hs_type, const uint8_t *body,
                          size_t n)
{
    out[0] = 22; out[1] = 3; out[2] = 1;
    out[3] = (uint8_t)((n + 4) >> 8); out[4] = (uint8_t)(n + 4);
    out[5] = hs_type;
    out[6] = (uint8_t)(n >> 16); out[7] = (uint8_t)(n >> 8); out[8] = (uint8_t)n;
    memcpy(out + 9, body, n);
    return n + 9;
}

/* Extension helpers */
static void ext(struct mb *m, unsigned type, const uint8_t *body, size_t n)
{
    mb_u16(m, type);
    mb_u16(m, (unsigned)n);
    mb_put(m, body, n);
}

static void ext_sni(struct mb *m, uint8_t name_type, const char *name, size_t n)
{
    mb_u16(m, 0);
    mb_u16(m, (unsigned)(n + 5));
    mb_u16(m, (unsigned)(n + 3));
    mb_u8(m, name_type);
    mb_u16(m, (unsigned)n);
    mb_put(m, name, n);
}

static void ext_groups(struct mb *m, const uint16_t *g, size_t n)
{
    mb_u16(m, 10);
    mb_u16(m, (unsigned)(2 * n + 2));
    mb_u16(m, (unsigned)(2 * n));
    for (size_t i = 0; i < n; i++)
        mb_u16(m, g[i]);
}

static void ext_pf(struct mb *m, const uint8_t *f, size_t n)
{
    mb_u16(m, 11);
    mb_u16(m, (unsigned)(n + 1));
    mb_u8(m, (unsigned)n);
    mb_put(m, f, n);
}

/* ---- ClientHello from real captures -------------------------------- */

static void client_hello_from_firefox_matches_tshark(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_firefox, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_parse_client_hello(b, n, ev), 0);
    assert_int_equal(ev->u.tls.has_client_hello, 1);
    assert_int_equal(ev->u.tls.client_version, 0x0303);
    assert_string_equal(ev->u.tls.ja3_hash, "b20b44b18b853ef29ab773e921b03422");
    assert_string_equal(S(ev, ja3),
        "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-"
        "49171-49172-51-57-47-53-10,0-23-65281-10-11-35-16-5-51-43-13-45-28-21,"
        "29-23-24-25-256-257,0");
    assert_string_equal(S(ev, sni), "www.ntop.org");
    assert_string_equal(S(ev, alpn), "h2,http/1.1");
    assert_int_equal(ev->flags, 0);
    test_free(b);
}

static void client_hello_from_chrome_drops_grease_like_tshark(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_chrome_grease, &n);
    struct sh_event *ev = fresh_event();

    /* the raw cipher list starts with a GREASE value */
    size_t sid = b[34];
    assert_int_equal(b[37 + sid] & 0x0f, 0x0a);
    assert_int_equal(b[37 + sid], b[38 + sid]);
    assert_int_equal(tls_parse_client_hello(b, n, ev), 0);
    assert_string_equal(ev->u.tls.ja3_hash, "b32309a26951912be7dba376398abc3b");
    assert_string_equal(S(ev, ja3),
        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-"
        "156-157-47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0");
    assert_string_equal(S(ev, sni), "www.pinterest.fr");
    assert_string_equal(S(ev, alpn), "h2,http/1.1");
    test_free(b);
}

static void client_hello_tls10_to_c2_matches_tshark(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_c2_tls10, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_parse_client_hello(b, n, ev), 0);
    assert_int_equal(ev->u.tls.client_version, 0x0301);
    assert_string_equal(ev->u.tls.ja3_hash, "49ed2ef3f1321e5f044f1e71b0e6fdd5");
    assert_string_equal(S(ev, ja3),
        "769,49162-49161-49172-49171-53-47-10,5-10-11-35-23-65281,29-23-24,0");
    assert_string_equal(S(ev, sni), "");
    assert_int_equal(ev->u.tls.sni.len, 0);
    test_free(b);
}

static void client_hello_from_curl_matches_tshark(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_curl, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_parse_client_hello(b, n, ev), 0);
    assert_string_equal(ev->u.tls.ja3_hash, "f436b9416f37d134cadd04886327d3e8");
    assert_string_equal(S(ev, sni), "testing.com");
    test_free(b);
}

static void every_truncation_of_a_client_hello_is_malformed_without_ja3(void **st)
{
    (void)st;
    size_t n;
    uint8_t *full = hs_body(ch_firefox, &n);
    /* 2 version + 32 random + 1 + sid + 2 + ciphers + 1 + methods: the
     * only cut that is itself a valid (extension-less) ClientHello */
    size_t sid = full[34];
    size_t cs = ((size_t)full[35 + sid] << 8) | full[36 + sid];
    size_t cm = full[37 + sid + cs];
    size_t no_ext = 38 + sid + cs + cm;

    for (size_t k = 0; k < n; k++) {
        uint8_t *b = dup_bytes(full, k);
        struct sh_event *ev = fresh_event();
        int r = tls_parse_client_hello(b, k, ev);
        if (k == no_ext) {
            assert_int_equal(r, 0);
            assert_string_equal(S(ev, ja3),
                "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-"
                "49161-49171-49172-51-57-47-53-10,,,");
        } else {
            assert_int_equal(r, -1);
            assert_true(ev->flags & EVF_MALFORMED);
            assert_string_equal(ev->u.tls.ja3_hash, "");
            assert_int_equal(ev->u.tls.ja3.len, 0);
        }
        assert_int_equal(ev->u.tls.has_client_hello, 1);
        test_free(b);
    }
    test_free(full);
}

static void zero_length_client_hello_is_malformed(void **st)
{
    (void)st;
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_client_hello(NULL, 0, ev), -1);
    assert_true(ev->flags & EVF_MALFORMED);
    assert_int_equal(ev->u.tls.client_version, 0);
}

static void extension_length_overrunning_the_block_is_malformed(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_firefox, &n);
    size_t sid = b[34];
    size_t cs = ((size_t)b[35 + sid] << 8) | b[36 + sid];
    size_t cm = b[37 + sid + cs];
    size_t ext0 = 38 + sid + cs + cm + 2;      /* first extension */
    struct sh_event *ev = fresh_event();

    b[ext0 + 2] = 0xff;                        /* its length: 0xff?? */
    assert_int_equal(tls_parse_client_hello(b, n, ev), -1);
    assert_string_equal(ev->u.tls.ja3_hash, "");
    assert_int_equal(ev->u.tls.sni.len, 0);

    /* and the extensions block longer than the message by one */
    test_free(b);
    b = hs_body(ch_firefox, &n);
    size_t el = ((size_t)b[ext0 - 2] << 8) | b[ext0 - 1];
    el++;
    b[ext0 - 2] = (uint8_t)(el >> 8);
    b[ext0 - 1] = (uint8_t)el;
    ev = fresh_event();
    assert_int_equal(tls_parse_client_hello(b, n, ev), -1);
    assert_string_equal(ev->u.tls.ja3_hash, "");
    test_free(b);
}

/* ---- ClientHello edge cases (JA3 verified with tshark 4.0) ----------- */

static void client_hello_without_extensions_block_gives_three_empty_fields(void **st)
{
    (void)st;
    static struct mb m;
    static const uint16_t cs[] = { 0x1301, 0xc02f };
    struct sh_event *ev = fresh_event();

    build_ch(&m, cs, 2, NULL, 0, 0);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3), "771,4865-49199,,,");
    assert_string_equal(ev->u.tls.ja3_hash, "6ac28f635e78b6e59638f7a1e035f458");

    /* an empty extensions block gives the same */
    ev = fresh_event();
    build_ch(&m, cs, 2, NULL, 0, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(ev->u.tls.ja3_hash, "6ac28f635e78b6e59638f7a1e035f458");
}

static void grease_is_dropped_from_ciphers_extensions_groups_not_formats(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x0a0a, 0x1301, 0xfafa };
    static const uint16_t g[] = { 0x3a3a, 29, 23 };
    static const uint8_t pf[] = { 0x0a, 0, 0x1a, 1 };
    static const uint8_t one[] = { 0 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext(&e, 0x2a2a, NULL, 0);
    ext_sni(&e, 0, "example.com", 11);
    ext_groups(&e, g, 3);
    ext_pf(&e, pf, 4);
    ext(&e, 0xbaba, one, 1);
    build_ch(&m, cs, 3, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3), "771,4865,0-10-11,29-23,10-0-26-1");
    assert_string_equal(ev->u.tls.ja3_hash, "ccb71e5b35ed01e677394c76b418508d");
    assert_string_equal(S(ev, sni), "example.com");
}

static void values_like_grease_in_one_byte_only_are_kept(void **st)
{
    (void)st;
    static struct mb m, e;
    /* 0x0a1a and 0x1a0a match the 0x?a?a mask but their bytes differ:
     * not GREASE (RFC 8701 2); 0x0a0a, 0x1a1a and 0x2a2a are */
    static const uint16_t cs[] = { 0x0a1a, 0x1a0a, 0x0a0a, 0x1301 };
    static const uint16_t g[] = { 0x0a1a, 0x2a2a, 29 };
    static const uint8_t pf[] = { 0 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext(&e, 0x0a1a, NULL, 0);
    ext(&e, 0x1a1a, NULL, 0);
    ext_groups(&e, g, 3);
    ext_pf(&e, pf, 1);
    build_ch(&m, cs, 4, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3), "771,2586-6666-4865,2586-10-11,2586-29,0");
    assert_string_equal(ev->u.tls.ja3_hash, "ef39da2d8853d761418d3c0c7f70d4db");
}

static void groups_of_only_grease_leave_an_empty_field(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    static const uint16_t g[] = { 0x0a0a };
    static const uint8_t pf[] = { 0 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_groups(&e, g, 1);
    ext_pf(&e, pf, 1);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3), "771,4865,10-11,,0");
    assert_string_equal(ev->u.tls.ja3_hash, "a73a1fbafa575c0960e5ba20e49f1c7c");
}

static void empty_groups_and_formats_lists_are_malformed_with_empty_fields(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_groups(&e, NULL, 0);   /* named_group_list<2..2^16-1> */
    ext_pf(&e, NULL, 0);       /* ec_point_format_list<1..2^8-1> */
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_string_equal(S(ev, ja3), "771,4865,10-11,,");
    assert_string_equal(ev->u.tls.ja3_hash, "e6bd990bab35dd4b885e75f17c1e1ead");
}

static void duplicate_groups_extensions_each_add_a_field_like_tshark(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    static const uint16_t g1[] = { 29 }, g2[] = { 23, 24 };
    static const uint8_t f1[] = { 0 }, f2[] = { 1 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_groups(&e, g1, 1);
    ext_pf(&e, f1, 1);
    ext_groups(&e, g2, 2);
    ext_pf(&e, f2, 1);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    tls_parse_client_hello(m.b, m.n, ev);
    assert_string_equal(S(ev, ja3), "771,4865,10-11-10-11,29,23-24,0,1");
    assert_string_equal(ev->u.tls.ja3_hash, "ba89fe08a554b3e1497e75636a8bbf22");
}

static void empty_cipher_list_is_malformed_but_hashed(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t g[] = { 29 };
    static const uint8_t pf[] = { 0 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_sni(&e, 0, "example.com", 11);
    ext_groups(&e, g, 1);
    ext_pf(&e, pf, 1);
    build_ch(&m, NULL, 0, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_true(ev->flags & EVF_MALFORMED);
    assert_string_equal(S(ev, ja3), "771,,0-10-11,29,0");
    assert_string_equal(ev->u.tls.ja3_hash, "1373b12c459f3587505c6f7fa6a8d567");
    assert_string_equal(S(ev, sni), "example.com");
}

static void odd_cipher_list_length_is_malformed(void **st)
{
    (void)st;
    static struct mb m;
    static const uint16_t cs[] = { 0x1301, 0x1302 };
    struct sh_event *ev = fresh_event();

    build_ch(&m, cs, 2, NULL, 0, 0);
    m.b[36] = 3;                /* cipher_suites length 3 */
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_string_equal(ev->u.tls.ja3_hash, "");
}

static void session_id_of_33_bytes_is_flagged(void **st)
{
    (void)st;
    static struct mb m;
    struct sh_event *ev = fresh_event();

    m.n = 0;
    mb_u16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        mb_u8(&m, 0);
    mb_u8(&m, 33);              /* legacy_session_id<0..32> */
    for (int i = 0; i < 33; i++)
        mb_u8(&m, 0);
    mb_u16(&m, 2);
    mb_u16(&m, 0x1301);
    mb_u8(&m, 1);
    mb_u8(&m, 0);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_string_equal(S(ev, ja3), "771,4865,,,");
}

static void sni_entry_of_other_type_is_skipped_for_the_host_name(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct sh_event *ev = fresh_event();

    /* list: type 1 "other.org", then type 0 "real.org" */
    e.n = 0;
    mb_u16(&e, 0);
    mb_u16(&e, 2 + 3 + 9 + 3 + 8);
    mb_u16(&e, 3 + 9 + 3 + 8);
    mb_u8(&e, 1); mb_u16(&e, 9); mb_put(&e, "other.org", 9);
    mb_u8(&e, 0); mb_u16(&e, 8); mb_put(&e, "real.org", 8);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, sni), "real.org");
    assert_string_equal(ev->u.tls.ja3_hash, "1e7c622032b0cb79401b0f7be3793a1a");
}

static void sni_of_only_other_types_gives_no_sni(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_sni(&e, 1, "other.org", 9);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_int_equal(ev->u.tls.sni.len, 0);
}

static void sni_of_length_zero_is_malformed_and_absent(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_sni(&e, 0, "", 0);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_int_equal(ev->u.tls.sni.len, 0);
    /* the JA3 is still computed (the framing was sound) */
    assert_string_equal(ev->u.tls.ja3_hash, "1e7c622032b0cb79401b0f7be3793a1a");
}

static void sni_of_255_bytes_is_kept_whole(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    char name[256];
    struct sh_event *ev = fresh_event();

    memset(name, 'a', sizeof name);
    e.n = 0;
    ext_sni(&e, 0, name, 255);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_int_equal(ev->u.tls.sni.len, 255);
    assert_int_equal(ev->flags, 0);
}

static void sni_of_256_bytes_is_cut_to_255_and_flagged(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    char name[256];
    struct sh_event *ev = fresh_event();

    memset(name, 'b', sizeof name);
    e.n = 0;
    ext_sni(&e, 0, name, 256);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_int_equal(ev->u.tls.sni.len, 255);
    assert_true(ev->flags & EVF_TRUNCATED);
    assert_true(ev->flags & EVF_MALFORMED);
    assert_string_equal(ev->u.tls.ja3_hash, "1e7c622032b0cb79401b0f7be3793a1a");
}

static void sni_list_length_past_the_extension_is_malformed(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext_sni(&e, 0, "example.com", 11);
    e.b[5] = (uint8_t)(e.b[5] + 1);         /* server_name_list length */
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_int_equal(ev->u.tls.sni.len, 0);
}

static void alpn_with_an_empty_name_is_malformed(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    static const uint8_t alpn[] = { 0x00, 0x04, 0x02, 'h', '2', 0x00 };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext(&e, 16, alpn, sizeof alpn);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), -1);
    assert_string_equal(S(ev, alpn), "h2,");
}

/* A ',' inside a name must not become a second entry of client_alpns. */
static void a_comma_inside_an_alpn_name_makes_no_extra_entry(void **st)
{
    (void)st;
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    static const uint8_t alpn[] = { 0x00, 0x0e, 0x0b, 'h', '2', ',', 'h', 't', 't', 'p', '/', '1',
                                    '.', '1', 0x01, 'x' };
    struct sh_event *ev = fresh_event();

    e.n = 0;
    ext(&e, 16, alpn, sizeof alpn);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, alpn), "h2?http/1.1,x");
}

static void alpn_list_longer_than_its_cap_is_cut_and_flagged(void **st)
{
    (void)st;
    static struct mb m, e, a;
    static const uint16_t cs[] = { 0x1301 };
    char name[200];
    struct sh_event *ev = fresh_event();

    memset(name, 'p', sizeof name);
    a.n = 0;
    mb_u16(&a, 2 * 201);
    for (int i = 0; i < 2; i++) {
        mb_u8(&a, 200);
        mb_put(&a, name, 200);
    }
    e.n = 0;
    ext(&e, 16, a.b, a.n);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_int_equal(ev->u.tls.alpn.len, TLS_ALPN_MAX);
    assert_true(ev->flags & EVF_TRUNCATED);
}

static void ja3_longer_than_its_cap_is_cut_but_hashed_whole(void **st)
{
    (void)st;
    static struct mb m;
    static uint16_t cs[1000];
    struct sh_event *ev = fresh_event();

    for (int i = 0; i < 1000; i++)
        cs[i] = (uint16_t)(10000 + i);
    build_ch(&m, cs, 1000, NULL, 0, 0);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_int_equal(ev->u.tls.ja3.len, TLS_JA3_MAX);
    assert_true(ev->flags & EVF_TRUNCATED);
    assert_int_equal(strlen(ev->u.tls.ja3_hash), 32);
    assert_memory_equal(S(ev, ja3), "771,10000-10001-", 16);
}

/* ---- ServerHello ---------------------------------------------------- */

/* ---- JA4 ------------------------------------------------------------ */

#define JA4(ev) ((ev)->u.tls.ja4)

static void ext_alpn(struct mb *m, const uint8_t *list, size_t n)
{
    mb_u16(m, 16);
    mb_u16(m, (unsigned)(n + 2));
    mb_u16(m, (unsigned)n);
    mb_put(m, list, n);
}

static void ext_u16_list(struct mb *m, unsigned type, int len_bytes,
                         const uint16_t *v, size_t n)
{
    mb_u16(m, type);
    mb_u16(m, (unsigned)(2 * n + (size_t)len_bytes));
    if (len_bytes == 1)
        mb_u8(m, (unsigned)(2 * n));
    else
        mb_u16(m, (unsigned)(2 * n));
    for (size_t i = 0; i < n; i++)
        mb_u16(m, v[i]);
}

/* JA4.md's example: the ciphers and extensions of its JA4_ro line in that
 * order, signature algorithms 0403,0804,0401,0503,0805,0501,0806,0601. */
static const uint16_t spec_cs[] = {
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
    0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035
};
static const uint16_t spec_sig[] = {
    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601
};
static const uint8_t alpn_h2_h11[] = { 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };

struct spec_opts {
    const uint8_t *alpn;    /* ALPN protocol_name_list; NULL: h2,http/1.1 */
    size_t alpn_n;
    int no_alpn, no_sni, no_sv, grease;
    size_t nsig;            /* signature algorithms kept (8 = all)       */
    const uint16_t *sv;     /* supported_versions; NULL: {0304, 0303}    */
    size_t nsv;
    uint16_t legacy;        /* 0: 0x0303                                 */
};

/* The example hello's extensions in its order: 001b,0000,0033,0010,4469,
 * 0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015; with grease,
 * GREASE values are added to the ciphers, extensions, versions and
 * signature algorithms, which JA4 must ignore. */
static size_t spec_hello(struct mb *m, const struct spec_opts *o)
{
    static struct mb e;
    static const uint16_t sv_default[] = { 0x0304, 0x0303 };
    static const uint16_t groups[] = { 29, 23, 24 };
    static const uint8_t pf[] = { 0 };
    static const uint8_t two[] = { 0, 2 };
    static const uint8_t one[] = { 1 };
    uint16_t cs[64], sig[16], sv[16];
    size_t ncs = 0, nsig = 0, nsv = 0;

    if (o->grease)
        cs[ncs++] = 0x1a1a;
    for (size_t i = 0; i < 15; i++)
        cs[ncs++] = spec_cs[i];
    if (o->grease)
        cs[ncs++] = 0xfafa;
    for (size_t i = 0; i < o->nsig; i++) {
        if (o->grease && i == 2)
            sig[nsig++] = 0x5a5a;
        sig[nsig++] = spec_sig[i];
    }
    if (o->grease)
        sv[nsv++] = 0x7a7a;
    for (size_t i = 0; i < (o->sv ? o->nsv : 2); i++)
        sv[nsv++] = o->sv ? o->sv[i] : sv_default[i];

    e.n = 0;
    if (o->grease)
        ext(&e, 0x2a2a, NULL, 0);
    ext(&e, 0x001b, two, 2);
    if (!o->no_sni)
        ext_sni(&e, 0, "example.com", 11);
    ext(&e, 0x0033, NULL, 0);
    if (!o->no_alpn) {
        if (o->alpn)
            ext_alpn(&e, o->alpn, o->alpn_n);
        else
            ext_alpn(&e, alpn_h2_h11, sizeof alpn_h2_h11);
    }
    ext(&e, 0x4469, NULL, 0);
    ext(&e, 0x0017, NULL, 0);
    ext(&e, 0x002d, one, 1);
    ext_u16_list(&e, 0x000d, 2, sig, nsig);
    ext(&e, 0x0005, NULL, 0);
    ext(&e, 0x0023, NULL, 0);
    ext(&e, 0x0012, NULL, 0);
    if (!o->no_sv)
        ext_u16_list(&e, 0x002b, 1, sv, nsv);
    ext(&e, 0xff01, pf, 1);
    ext_pf(&e, pf, 1);
    ext_groups(&e, groups, 3);
    ext(&e, 0x0015, NULL, 0);
    if (o->grease)
        ext(&e, 0xdada, one, 1);
    build_ch(m, cs, ncs, e.b, e.n, 1);
    if (o->legacy) {
        m->b[0] = (uint8_t)(o->legacy >> 8);
        m->b[1] = (uint8_t)o->legacy;
    }
    return m->n;
}

static const char *spec_ja4(const struct spec_opts *o)
{
    static struct mb m;
    struct sh_event *ev = fresh_event();
    spec_hello(&m, o);
    uint8_t *b = dup_bytes(m.b, m.n);
    tls_parse_client_hello(b, m.n, ev);
    test_free(b);
    return JA4(ev);
}

static void ja4_of_the_spec_example(void **st)
{
    (void)st;
    struct spec_opts o = { .nsig = 8 };
    assert_string_equal(spec_ja4(&o), "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

static void ja4_ignores_grease_everywhere(void **st)
{
    (void)st;
    struct spec_opts o = { .nsig = 8, .grease = 1 };
    assert_string_equal(spec_ja4(&o), "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

static void ja4_without_signature_algorithms_hashes_no_underscore(void **st)
{
    (void)st;
    /* JA4.md: "0005,...,4469,ff01 = 6d807ffa2a79" (000d with an empty list) */
    struct spec_opts o = { .nsig = 0 };
    assert_string_equal(spec_ja4(&o), "t13d1516h2_8daaf6152771_6d807ffa2a79");
}

static void ja4_alpn_follows_the_spec_examples(void **st)
{
    (void)st;
    /* JA4.md "ALPN Extension Value"; the second name never matters */
    static const struct { uint8_t n; uint8_t b[8]; const char *want; } c[] = {
        { 2, { 'h', '2' }, "h2" },
        { 8, { 'h', 't', 't', 'p', '/', '1', '.', '1' }, "h1" },
        { 1, { 'a' }, "aa" },           /* one character: first and last */
        { 1, { 0xab }, "ab" },
        { 1, { 0x20 }, "20" },
        { 2, { 0xab, 0xcd }, "ad" },
        { 2, { 0x20, 0x61 }, "21" },
        { 2, { 0x30, 0xab }, "3b" },
        { 2, { 0x61, 0x20 }, "60" },
        { 4, { 0x30, 0x31, 0xab, 0xcd }, "3d" },
        { 4, { 0x30, 0xab, 0xcd, 0x31 }, "01" },
        { 0, { 0 }, "00" },             /* the first value is empty */
    };
    char want[64];
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint8_t list[16];
        size_t n = 0;
        list[n++] = c[i].n;
        memcpy(list + n, c[i].b, c[i].n);
        n += c[i].n;
        list[n++] = 2; list[n++] = 'h'; list[n++] = '2';
        struct spec_opts o = { .nsig = 8, .alpn = list, .alpn_n = n };
        snprintf(want, sizeof want, "t13d1516%s_8daaf6152771_e5627efa2ab1", c[i].want);
        assert_string_equal(spec_ja4(&o), want);
    }
}

static void ja4_without_alpn_is_00_and_one_extension_fewer(void **st)
{
    (void)st;
    struct spec_opts o = { .nsig = 8, .no_alpn = 1 };
    /* ALPN is counted, not hashed: b and c are the example's */
    assert_string_equal(spec_ja4(&o), "t13d151500_8daaf6152771_e5627efa2ab1");
}

static void ja4_without_sni_is_i_and_one_extension_fewer(void **st)
{
    (void)st;
    struct spec_opts o = { .nsig = 8, .no_sni = 1 };
    assert_string_equal(spec_ja4(&o), "t13i1515h2_8daaf6152771_e5627efa2ab1");
}

static void ja4_version_is_the_highest_supported_else_the_legacy(void **st)
{
    (void)st;
    static const uint16_t v3[] = { 0x0302, 0x0304, 0x0303 };
    static const uint16_t v1[] = { 0x0303 };
    static const struct { uint16_t legacy; int no_sv; const uint16_t *sv;
                          size_t nsv; const char *want; } c[] = {
        { 0x0303, 0, v3, 3, "t13d1516" },   /* highest, not first */
        { 0x0301, 0, v1, 1, "t12d1516" },   /* supported_versions wins */
        { 0x0303, 1, NULL, 0, "t12d1515" }, /* no extension: legacy */
        { 0x0302, 1, NULL, 0, "t11d1515" },
        { 0x0301, 1, NULL, 0, "t10d1515" },
        { 0x0300, 1, NULL, 0, "ts3d1515" },
        { 0x0002, 1, NULL, 0, "ts2d1515" },
        { 0xfeff, 1, NULL, 0, "td1d1515" },
        { 0xfefd, 1, NULL, 0, "td2d1515" },
        { 0xfefc, 1, NULL, 0, "td3d1515" },
        { 0x0305, 1, NULL, 0, "t00d1515" }, /* unknown */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct spec_opts o = { .nsig = 8, .legacy = c[i].legacy,
                               .no_sv = c[i].no_sv, .sv = c[i].sv, .nsv = c[i].nsv };
        const char *j = spec_ja4(&o);
        assert_int_equal(strlen(j), 36);
        assert_memory_equal(j, c[i].want, 8);
        assert_memory_equal(j + 8, "h2_8daaf6152771_", 16);
    }
}

static void ja4_with_no_ciphers_and_only_sni_and_alpn_is_zeros(void **st)
{
    (void)st;
    /* JA4.md: no ciphers -> JA4_b 000000000000; no extensions left once
     * SNI and ALPN are removed -> JA4_c 000000000000 */
    static struct mb m, e;
    struct sh_event *ev = fresh_event();
    e.n = 0;
    ext_sni(&e, 0, "example.com", 11);
    ext_alpn(&e, alpn_h2_h11, sizeof alpn_h2_h11);
    build_ch(&m, NULL, 0, e.b, e.n, 1);
    tls_parse_client_hello(m.b, m.n, ev);
    assert_string_equal(JA4(ev), "t12d0002h2_000000000000_000000000000");
}

static void ja4_without_extensions_block(void **st)
{
    (void)st;
    static struct mb m;
    struct sh_event *ev = fresh_event();
    build_ch(&m, spec_cs, 15, NULL, 0, 0);
    assert_int_equal(tls_parse_client_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4(ev), "t12i150000_8daaf6152771_000000000000");
}

static void ja4_counts_stop_at_99_and_order_does_not_matter(void **st)
{
    (void)st;
    static struct mb m, e;
    static uint16_t cs[7800];
    char first[40];
    struct sh_event *ev;

    /* 7800 ciphers and 150 extensions (a body within TLS_CH_MAX), in
     * ascending, descending and interleaved order: the sorted lists,
     * hence the fingerprint, are the same */
    e.n = 0;
    for (unsigned i = 0; i < 150; i++)
        ext(&e, 0x0100 + i, NULL, 0);
    for (int order = 0; order < 3; order++) {
        for (unsigned i = 0; i < 7800; i++) {
            unsigned k = order == 0 ? i : order == 1 ? 7799 - i
                       : (i % 2 ? i / 2 : 7799 - i / 2);
            cs[i] = (uint16_t)(0x2000 + k / 2);     /* duplicates too */
        }
        build_ch(&m, cs, 7800, e.b, e.n, 1);
        assert_true(m.n <= TLS_CH_MAX);
        ev = fresh_event();
        tls_parse_client_hello(m.b, m.n, ev);
        assert_int_equal(strlen(JA4(ev)), 36);
        assert_memory_equal(JA4(ev), "t12i999900_", 11);
        if (order == 0)
            strcpy(first, JA4(ev));
        else
            assert_string_equal(JA4(ev), first);
    }
}

static void ja4_of_more_values_than_a_kept_hello_holds_is_empty(void **st)
{
    (void)st;
    /* a direct caller's body beyond TLS_CH_MAX: 30000 ciphers do not fit
     * the fixed sort array; no JA4 rather than a wrong one */
    static struct mb m;
    static uint16_t cs[30000];
    for (unsigned i = 0; i < 30000; i++)
        cs[i] = (uint16_t)(i + 1);
    build_ch(&m, cs, 30000, NULL, 0, 0);
    uint8_t *b = dup_bytes(m.b, m.n);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_client_hello(b, m.n, ev), 0);
    assert_string_equal(JA4(ev), "");
    assert_string_not_equal(ev->u.tls.ja3_hash, "");
    test_free(b);
}

static void ja4_of_foxio_tls12_pcap_client_hello(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(ch_foxio_tls12, &n);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_client_hello(b, n, ev), 0);
    assert_string_equal(JA4(ev), "t13d1715h2_5b57614c22b0_3d5424432f57");
    assert_string_equal(S(ev, sni), "contile.services.mozilla.com");
    test_free(b);

    /* every truncation: no JA4, as no JA3, except the cut right after
     * the compression methods, a valid hello without extensions: the
     * same ciphers (FoxIO's JA4_b), legacy version 1.2, no SNI, no
     * extensions (JA4.md: JA4_c 000000000000) */
    size_t full;
    uint8_t *whole = hs_body(ch_foxio_tls12, &full);
    size_t sid = whole[34];
    size_t cs = ((size_t)whole[35 + sid] << 8) | whole[36 + sid];
    size_t no_ext = 38 + sid + cs + whole[37 + sid + cs];
    for (size_t k = 0; k < full; k++) {
        uint8_t *t = dup_bytes(whole, k);
        ev = fresh_event();
        int r = tls_parse_client_hello(t, k, ev);
        if (k == no_ext) {
            assert_int_equal(r, 0);
            assert_string_equal(JA4(ev), "t12i170000_5b57614c22b0_000000000000");
        } else {
            assert_int_equal(r, -1);
            assert_string_equal(JA4(ev), "");
        }
        test_free(t);
    }
    test_free(whole);
}

static void ja4_reaches_the_event_through_the_stream(void **st)
{
    (void)st;
    struct tls_state *s = new_state();
    tls_feed(s, DIR_TOSERVER, ch_foxio_tls12, sizeof ch_foxio_tls12, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(g_cap.ev[0].u.tls.ja4, "t13d1715h2_5b57614c22b0_3d5424432f57");
    test_free(s);
}

static void server_hello_tls13_reports_the_supported_version(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(sh_tls13, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_parse_server_hello(b, n, ev), 0);
    assert_int_equal(ev->u.tls.has_server_hello, 1);
    assert_int_equal(ev->u.tls.version, 0x0304);   /* legacy says 0x0303 */
    assert_int_equal(ev->u.tls.cipher, 0x1302);
    assert_string_equal(ev->u.tls.ja3s_hash, "907bf3ecef1c987c889946b737b43de8");
    assert_string_equal(S(ev, ja3s), "771,4866,51-43");
    assert_int_equal(tls_is_hello_retry(b, n), 0);
    test_free(b);
}

static void server_hello_tls12_with_alpn_matches_tshark(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(sh_resumed_fb, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_parse_server_hello(b, n, ev), 0);
    assert_int_equal(ev->u.tls.version, 0x0303);
    assert_int_equal(ev->u.tls.cipher, 0xc02b);
    assert_string_equal(S(ev, alpn_server), "h2");
    assert_string_equal(ev->u.tls.ja3s_hash, "96681175a9547081bf3d417f1a572091");
    assert_string_equal(S(ev, ja3s), "771,49195,65281-16");
    test_free(b);
}

static void hello_retry_request_is_recognised(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(hrr_tumblr, &n);
    struct sh_event *ev = fresh_event();

    assert_int_equal(tls_is_hello_retry(b, n), 1);
    assert_int_equal(tls_is_hello_retry(b, 33), 0);   /* random cut */
    assert_int_equal(tls_parse_server_hello(b, n, ev), 0);
    assert_string_equal(ev->u.tls.ja3s_hash, "15af977ce25de452b96affa2addb1036");
    assert_string_equal(S(ev, ja3s), "771,4866,43-51");
    test_free(b);
}

static void server_hello_without_extensions_and_with_grease(void **st)
{
    (void)st;
    static struct mb m;
    struct sh_event *ev = fresh_event();

    m.n = 0;
    mb_u16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        mb_u8(&m, 0x22);
    mb_u8(&m, 0);
    mb_u16(&m, 0xc02f);
    mb_u8(&m, 0);
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3s), "771,49199,");
    assert_string_equal(ev->u.tls.ja3s_hash, "174e7e4992a63f6d419626d97363adb8");
    assert_int_equal(ev->u.tls.version, 0x0303);

    /* cipher 0x1301, extensions GREASE 0x4a4a (empty) and
     * supported_versions 0x0304 */
    m.b[35] = 0x13; m.b[36] = 0x01;
    mb_u16(&m, 10);
    mb_u16(&m, 0x4a4a); mb_u16(&m, 0);
    mb_u16(&m, 43); mb_u16(&m, 2); mb_u16(&m, 0x0304);
    ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(S(ev, ja3s), "771,4865,43");
    assert_string_equal(ev->u.tls.ja3s_hash, "cce84e7a8b742462e40afb585a3e3ccc");
    assert_int_equal(ev->u.tls.version, 0x0304);
}

/* ---- JA4S ----------------------------------------------------------- */
/* Expected values: FoxIO-LLC/ja4 technical_details/JA4S.md (commit
 * be85ab6, removed from the tree by b6f3ff4) and FoxIO's expected
 * outputs (python/test/testdata/<capture>.json "JA4S" / "JA4S_r"); hashes not
 * given there are SHA-256 of the raw text computed by hand (Python
 * hashlib), e.g. sha256("ff01,0010")[:12] = 87b1562aab70. */

/* ServerHello body: legacy_version 0x0303, random, empty session id,
 * cipher, null compression, then (if with_ext) the extensions block. */
static void build_sh(struct mb *m, uint16_t cipher, const uint8_t *exts,
                     size_t exts_len, int with_ext)
{
    m->n = 0;
    mb_u16(m, 0x0303);
    for (int i = 0; i < 32; i++)
        mb_u8(m, 0x33);
    mb_u8(m, 0);
    mb_u16(m, cipher);
    mb_u8(m, 0);
    if (with_ext) {
        mb_u16(m, (unsigned)exts_len);
        mb_put(m, exts, exts_len);
    }
}

#define JA4S(ev) ((ev)->u.tls.ja4s)

static void ja4s_of_the_spec_example(void **st)
{
    (void)st;
    static struct mb e, m;
    /* JA4S.md: "extensions are: 0005,0017,ff01,0000", cipher c030, no
     * supported_versions -> "t120400_c030_4e8089b08790" */
    e.n = 0;
    ext(&e, 0x0005, NULL, 0);
    ext(&e, 0x0017, NULL, 0);
    ext(&e, 0xff01, (const uint8_t *)"\0", 1);
    ext(&e, 0x0000, NULL, 0);
    build_sh(&m, 0xc030, e.b, e.n, 1);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t120400_c030_4e8089b08790");
}

static void ja4s_hashes_extensions_in_the_order_sent(void **st)
{
    (void)st;
    static struct mb e, m;
    /* FoxIO badcurveball.pcap: JA4S_r "t1205h1_c02b_0000,ff01,000b,0023,0010",
     * JA4S "t1205h1_c02b_845f7282a956"; the same types in another order
     * hash differently (nothing is sorted) */
    static const uint8_t alpn_h1[] = { 0, 9, 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
    static const uint8_t pf[] = { 1, 0 };
    e.n = 0;
    ext(&e, 0x0000, NULL, 0);
    ext(&e, 0xff01, (const uint8_t *)"\0", 1);
    ext(&e, 0x000b, pf, sizeof pf);
    ext(&e, 0x0023, NULL, 0);
    ext(&e, 0x0010, alpn_h1, sizeof alpn_h1);
    build_sh(&m, 0xc02b, e.b, e.n, 1);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t1205h1_c02b_845f7282a956");

    e.n = 0;
    ext(&e, 0xff01, (const uint8_t *)"\0", 1);
    ext(&e, 0x0000, NULL, 0);
    ext(&e, 0x000b, pf, sizeof pf);
    ext(&e, 0x0023, NULL, 0);
    ext(&e, 0x0010, alpn_h1, sizeof alpn_h1);
    build_sh(&m, 0xc02b, e.b, e.n, 1);
    ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    /* sha256("ff01,0000,000b,0023,0010")[:12] */
    assert_string_equal(JA4S(ev), "t1205h1_c02b_4527d988f689");
}

static void ja4s_tls13_takes_the_version_from_supported_versions(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(sh_tls13, &n);
    struct sh_event *ev = fresh_event();
    /* extensions key_share, supported_versions = 0x0304: FoxIO's
     * "t130200_1301_0033,002b" -> 234ea6891581, here with cipher 1302 */
    assert_int_equal(tls_parse_server_hello(b, n, ev), 0);
    assert_string_equal(JA4S(ev), "t130200_1302_234ea6891581");
    test_free(b);
}

static void ja4s_alpn_of_the_server_choice(void **st)
{
    (void)st;
    size_t n;
    uint8_t *b = hs_body(sh_resumed_fb, &n);
    struct sh_event *ev = fresh_event();
    /* renegotiation_info, ALPN "h2": sha256("ff01,0010")[:12] */
    assert_int_equal(tls_parse_server_hello(b, n, ev), 0);
    assert_string_equal(JA4S(ev), "t1202h2_c02b_87b1562aab70");
    test_free(b);

    /* JA4.md's ALPN rule: a name whose first or last byte is not
     * alphanumeric gives the first and last hex digits (0xba 0xad -> bd) */
    static struct mb e, m;
    static const uint8_t alpn_bad[] = { 0, 3, 2, 0xba, 0xad };
    e.n = 0;
    ext(&e, 0x0010, alpn_bad, sizeof alpn_bad);
    build_sh(&m, 0x1301, e.b, e.n, 1);
    ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    /* sha256("0010")[:12] */
    assert_string_equal(JA4S(ev), "t1201bd_1301_0b08e3dcc50f");
}

static void ja4s_without_extensions_is_zeros(void **st)
{
    (void)st;
    static struct mb m;
    struct sh_event *ev = fresh_event();
    build_sh(&m, 0xc02f, NULL, 0, 0);
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t120000_c02f_000000000000");
    ev = fresh_event();
    build_sh(&m, 0xc02f, NULL, 0, 1);      /* an empty block: the same */
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t120000_c02f_000000000000");
}

static void ja4s_counts_and_hashes_grease(void **st)
{
    (void)st;
    static struct mb e, m;
    static const uint8_t sv13[] = { 0x03, 0x04 };
    /* FoxIO's implementation keeps GREASE in JA4S ("include grease
     * values"): 4a4a counted and hashed, sha256("4a4a,002b")[:12] */
    e.n = 0;
    ext(&e, 0x4a4a, NULL, 0);
    ext(&e, 0x002b, sv13, sizeof sv13);
    build_sh(&m, 0x1301, e.b, e.n, 1);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t130200_1301_621f8b9870ac");
}

static void ja4s_extension_count_stops_at_99(void **st)
{
    (void)st;
    static struct mb e, m;
    /* 120 empty extensions 0x1000..0x1077: count "99", all 120 hashed */
    e.n = 0;
    for (unsigned i = 0; i < 120; i++)
        ext(&e, 0x1000 + i, NULL, 0);
    build_sh(&m, 0x009c, e.b, e.n, 1);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), 0);
    assert_string_equal(JA4S(ev), "t129900_009c_3ec5f12e055a");
}

static void ja4s_of_a_badly_framed_extension_block_is_empty(void **st)
{
    (void)st;
    static struct mb e, m;
    e.n = 0;
    ext(&e, 0xff01, (const uint8_t *)"\0", 1);
    mb_u16(&e, 0x0010);
    mb_u16(&e, 40);                         /* runs past the block */
    mb_u8(&e, 0);
    build_sh(&m, 0xc02f, e.b, e.n, 1);
    struct sh_event *ev = fresh_event();
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), -1);
    assert_string_equal(JA4S(ev), "");
    assert_string_equal(ev->u.tls.ja3s_hash, "");
}

static void every_truncation_of_a_server_hello_is_handled(void **st)
{
    (void)st;
    size_t n;
    uint8_t *full = hs_body(sh_tls13, &n);
    /* version, random, session id, cipher, compression: a complete
     * extension-less ServerHello */
    size_t no_ext = 2 + 32 + 1 + full[34] + 2 + 1;
    for (size_t k = 0; k < n; k++) {
        uint8_t *b = dup_bytes(full, k);
        struct sh_event *ev = fresh_event();
        int r = tls_parse_server_hello(b, k, ev);
        assert_int_equal(r, k == no_ext ? 0 : -1);
        if (r < 0)
            assert_string_equal(ev->u.tls.ja3s_hash, "");
        test_free(b);
    }
    test_free(full);
}

static void server_alpn_with_two_names_is_malformed(void **st)
{
    (void)st;
    static struct mb m;
    struct sh_event *ev = fresh_event();

    m.n = 0;
    mb_u16(&m, 0x0303);
    for (int i = 0; i < 32; i++)
        mb_u8(&m, 0x22);
    mb_u8(&m, 0);
    mb_u16(&m, 0xc02f);
    mb_u8(&m, 0);
    mb_u16(&m, 4 + 2 + 3 + 3);
    mb_u16(&m, 16); mb_u16(&m, 8); mb_u16(&m, 6);
    mb_u8(&m, 2); mb_put(&m, "h2", 2);
    mb_u8(&m, 2); mb_put(&m, "h3", 2);
    assert_int_equal(tls_parse_server_hello(m.b, m.n, ev), -1);
    assert_string_equal(S(ev, alpn_server), "h2,h3");
}

/* ---- stream: whole handshakes --------------------------------------- */

/* Offset in srv_sxn just past the leaf certificate. */
static size_t sxn_leaf_end(void)
{
    size_t off = 5;                                       /* record */
    size_t shl = ((size_t)srv_sxn[off + 1] << 16) |
                 ((size_t)srv_sxn[off + 2] << 8) | srv_sxn[off + 3];
    off += 4 + shl;                                       /* ServerHello */
    assert_int_equal(srv_sxn[off], 11);                   /* Certificate */
    off += 4 + 3;
    size_t cl = ((size_t)srv_sxn[off] << 16) | ((size_t)srv_sxn[off + 1] << 8) |
                srv_sxn[off + 2];
    return off + 3 + cl;
}

static void check_sxn_event(const struct sh_event *ev)
{
    assert_int_equal(ev->type, EV_TLS);
    assert_int_equal(ev->u.tls.has_client_hello, 1);
    assert_int_equal(ev->u.tls.has_server_hello, 1);
    assert_int_equal(ev->u.tls.has_cert, 1);
    assert_int_equal(ev->u.tls.self_signed, 1);
    assert_int_equal(ev->u.tls.resumed, 0);
    assert_int_equal(ev->u.tls.client_version, 0x0303);
    assert_int_equal(ev->u.tls.version, 0x0303);
    assert_int_equal(ev->u.tls.cipher, 0xc030);
    assert_string_equal(ev->u.tls.ja3_hash, "c12f54a3f91dc7bafd92cb59fe009a35");
    assert_string_equal(ev_s(ev, ev->u.tls.ja3),
        "771,49196-49195-49200-49199-159-158-49188-49187-49192-49191-49162-"
        "49161-49172-49171-157-156-61-60-53-47-10,10-11-13-35-23-65281,"
        "29-23-24,0");
    assert_string_equal(ev->u.tls.ja3s_hash, "ae4edc6faf64d08308082ad26be60767");
    assert_string_equal(ev_s(ev, ev->u.tls.ja3s), "771,49200,23-65281");
    assert_string_equal(ev_s(ev, ev->u.tls.sni), "");
    assert_string_equal(ev_s(ev, ev->u.tls.subject), "CN=SXN Server CA");
    assert_string_equal(ev_s(ev, ev->u.tls.issuer), "CN=SXN Server CA");
    assert_string_equal(ev_s(ev, ev->u.tls.fingerprint),
        "e6:cc:c6:34:6a:11:06:86:0e:cf:c4:cc:fb:9b:9b:8a:0e:d8:4e:3f");
    assert_string_equal(ev_s(ev, ev->u.tls.serial),
        "00:EA:A3:DF:29:5D:DF:D5:90:8A:64:DE:3B:04:3A:CF");
    assert_int_equal(ev->u.tls.notbefore, 1695631580);    /* 2023-09-25 08:46:20 */
    assert_int_equal(ev->u.tls.notafter, 253402300799);   /* 9999-12-31 23:59:59 */
    assert_int_equal(ev->flags, 0);
}

static void full_tls12_flight_gives_one_event_with_the_self_signed_leaf(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    assert_int_equal(tls_done(s), 0);
    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1000, &g_sink);
    assert_int_equal(g_cap.n, 0);
    assert_int_equal(tls_done(s), 0);
    tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 2000, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.dir[0], DIR_TOCLIENT);
    assert_int_equal(g_cap.ev[0].ts_us, 2000);
    check_sxn_event(&g_cap.ev[0]);
    assert_int_equal(g_stats.tls_handshakes, 1);
    assert_int_equal(g_stats.tls_certs, 1);
    assert_int_equal(g_stats.tls_malformed, 0);
    assert_int_equal(g_stats.tls_cert_malformed, 0);

    assert_int_equal(tls_done(s), 1);

    /* nothing more, ever: not on more bytes, not at close */
    tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 3000, &g_sink);
    tls_close(s, 4000, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_stats.tls_handshakes, 1);
    test_free(s);
}

static void flight_split_into_two_feeds_at_every_offset_gives_the_same_event(void **st)
{
    (void)st;
    size_t leaf_end = sxn_leaf_end();

    for (size_t k = 0; k <= sizeof ch_sxn; k++) {
        struct tls_state *s = new_state();
        tls_feed(s, DIR_TOSERVER, ch_sxn, k, 10, &g_sink);
        tls_feed(s, DIR_TOSERVER, ch_sxn + k, sizeof ch_sxn - k, 20, &g_sink);
        tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 30, &g_sink);
        assert_int_equal(g_cap.n, 1);
        check_sxn_event(&g_cap.ev[0]);
        test_free(s);
    }
    for (size_t k = 0; k <= sizeof srv_sxn; k++) {
        struct tls_state *s = new_state();
        tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 10, &g_sink);
        tls_feed(s, DIR_TOCLIENT, srv_sxn, k, 20, &g_sink);
        tls_feed(s, DIR_TOCLIENT, srv_sxn + k, sizeof srv_sxn - k, 30, &g_sink);
        assert_int_equal(g_cap.n, 1);
        check_sxn_event(&g_cap.ev[0]);
        /* the packet that completed the leaf certificate */
        assert_int_equal(g_cap.ev[0].ts_us, k >= leaf_end ? 20 : 30);
        test_free(s);
    }
}

static void flight_fed_one_byte_at_a_time_gives_the_same_event(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    for (size_t i = 0; i < sizeof ch_sxn; i++)
        tls_feed(s, DIR_TOSERVER, ch_sxn + i, 1, 10, &g_sink);
    for (size_t i = 0; i < sizeof srv_sxn; i++)
        tls_feed(s, DIR_TOCLIENT, srv_sxn + i, 1, 20, &g_sink);
    assert_int_equal(g_cap.n, 1);
    check_sxn_event(&g_cap.ev[0]);
    test_free(s);
}

/* Re-frame the handshake messages of rec (records of any size) into
 * records of at most frag bytes each; returns the new length. */
static size_t reframe(uint8_t *out, const uint8_t *hs, size_t n, size_t frag)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += frag) {
        size_t k = n - i < frag ? n - i : frag;
        out[o++] = 22; out[o++] = 3; out[o++] = 1;
        out[o++] = (uint8_t)(k >> 8); out[o++] = (uint8_t)k;
        memcpy(out + o, hs + i, k);
        o += k;
    }
    return o;
}

static void large_client_hello_over_four_records_and_three_segments(void **st)
{
    (void)st;
    /* Firefox's hello with its padding extension (21, last) grown by
     * 1500 bytes, as post-quantum key shares make hellos of 1.7 KB+;
     * padding is not in JA3, so the hash is unchanged */
    static uint8_t hs[4096], recs[4096];
    size_t n = sizeof ch_firefox - 5;
    struct tls_state *s;

    memcpy(hs, ch_firefox + 5, n);
    memset(hs + n, 0, 1500);
    size_t body = (((size_t)hs[1] << 16) | ((size_t)hs[2] << 8) | hs[3]) + 1500;
    hs[1] = (uint8_t)(body >> 16); hs[2] = (uint8_t)(body >> 8); hs[3] = (uint8_t)body;
    /* extensions block length: at the end of the fixed part */
    size_t sid = hs[4 + 34];
    size_t cs = ((size_t)hs[4 + 35 + sid] << 8) | hs[4 + 36 + sid];
    size_t cm = hs[4 + 37 + sid + cs];
    size_t el_off = 4 + 38 + sid + cs + cm;
    size_t el = (((size_t)hs[el_off] << 8) | hs[el_off + 1]) + 1500;
    hs[el_off] = (uint8_t)(el >> 8); hs[el_off + 1] = (uint8_t)el;
    /* the padding extension is the last one: its length field sits
     * 2 bytes into it; find it by walking */
    size_t e = el_off + 2, last = 0;
    while (e < 4 + body - 1500) {
        last = e;
        e += 4 + (((size_t)hs[e + 2] << 8) | hs[e + 3]);
    }
    assert_int_equal(hs[last + 1], 21);
    size_t pl = (((size_t)hs[last + 2] << 8) | hs[last + 3]) + 1500;
    hs[last + 2] = (uint8_t)(pl >> 8); hs[last + 3] = (uint8_t)pl;
    n += 1500;
    assert_true(n > 1700);

    size_t rn = reframe(recs, hs, n, 512);
    s = new_state();
    tls_feed(s, DIR_TOSERVER, recs, 700, 1, &g_sink);
    tls_feed(s, DIR_TOSERVER, recs + 700, 700, 2, &g_sink);
    tls_feed(s, DIR_TOSERVER, recs + 1400, rn - 1400, 3, &g_sink);
    tls_close(s, 4, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 4);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "b20b44b18b853ef29ab773e921b03422");
    assert_string_equal(ev_s(&g_cap.ev[0], g_cap.ev[0].u.tls.sni), "www.ntop.org");
    assert_int_equal(g_cap.ev[0].flags, 0);
    test_free(s);
}

/* A ClientHello whose body is exactly body_len bytes (padding extension
 * 21 filling the rest), in records of 16 KiB. */
static size_t big_hello(uint8_t *out, size_t body_len)
{
    static struct mb m, e;
    static uint8_t hs[40000];
    static const uint16_t cs[] = { 0x1301 };
    size_t fixed = build_ch(&m, cs, 1, NULL, 0, 1);   /* with empty block */

    e.n = 0;
    size_t pad = body_len - fixed - 4;
    mb_u16(&e, 21);
    mb_u16(&e, (unsigned)pad);
    memset(e.b + e.n, 0, pad);
    e.n += pad;
    build_ch(&m, cs, 1, e.b, e.n, 1);
    assert_int_equal(m.n, body_len);
    hs[0] = 1;
    hs[1] = (uint8_t)(m.n >> 16); hs[2] = (uint8_t)(m.n >> 8); hs[3] = (uint8_t)m.n;
    memcpy(hs + 4, m.b, m.n);
    return reframe(out, hs, m.n + 4, 16384);
}

static void client_hello_of_the_maximum_size_is_parsed(void **st)
{
    (void)st;
    static uint8_t recs[40000];
    size_t n = big_hello(recs, TLS_CH_MAX);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, recs, n, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(ev_s(&g_cap.ev[0], g_cap.ev[0].u.tls.ja3), "771,4865,21,,");
    assert_int_equal(g_cap.ev[0].flags, 0);
    assert_int_equal(g_stats.tls_malformed, 0);
    test_free(s);
}

static void client_hello_one_byte_over_the_maximum_is_cut_and_malformed(void **st)
{
    (void)st;
    static uint8_t recs[40000];
    size_t n = big_hello(recs, TLS_CH_MAX + 1);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, recs, n, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_client_hello, 1);
    assert_int_equal(g_cap.ev[0].u.tls.client_version, 0x0303);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "");
    assert_true(g_cap.ev[0].flags & EVF_TRUNCATED);
    assert_true(g_cap.ev[0].flags & EVF_MALFORMED);
    assert_int_equal(g_stats.tls_malformed, 1);
    test_free(s);
}

static void client_hello_of_one_byte_records_is_reassembled(void **st)
{
    (void)st;
    static uint8_t recs[8192];
    size_t rn = reframe(recs, ch_c2_tls10 + 5, sizeof ch_c2_tls10 - 5, 1);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, recs, rn, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "49ed2ef3f1321e5f044f1e71b0e6fdd5");
    test_free(s);
}

static void application_data_after_the_hello_ends_the_handshake_at_once(void **st)
{
    (void)st;
    /* a ClientHello, then an application-data record (TLS 1.3 without the
     * compatibility CCS): encrypted from here, so the event is out before
     * the connection ends; the server's data likewise */
    static const uint8_t appdata[] = { 23, 3, 3, 0, 4, 0xde, 0xad, 0xbe, 0xef };
    struct tls_state *s = new_state();
    tls_feed(s, DIR_TOSERVER, ch_c2_tls10, sizeof ch_c2_tls10, 1, &g_sink);
    assert_int_equal(g_cap.n, 0);
    tls_feed(s, DIR_TOCLIENT, appdata, sizeof appdata, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "49ed2ef3f1321e5f044f1e71b0e6fdd5");
    assert_int_equal(g_cap.ev[0].flags & EVF_MALFORMED, 0);
    tls_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    test_free(s);
    /* data before any hello is not a handshake: nothing to report */
    s = new_state();
    tls_feed(s, DIR_TOSERVER, appdata, sizeof appdata, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
}

static void tls13_server_hello_emits_at_once_without_certificate(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_curl, sizeof ch_curl, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, sh_tls13, sizeof sh_tls13, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    const struct sh_event *ev = &g_cap.ev[0];
    assert_int_equal(ev->ts_us, 2);
    assert_int_equal(ev->u.tls.version, 0x0304);
    assert_int_equal(ev->u.tls.cipher, 0x1302);
    assert_int_equal(ev->u.tls.has_cert, 0);
    assert_int_equal(ev->u.tls.resumed, 0);
    assert_string_equal(ev->u.tls.ja3_hash, "f436b9416f37d134cadd04886327d3e8");
    assert_string_equal(ev->u.tls.ja3s_hash, "907bf3ecef1c987c889946b737b43de8");
    assert_string_equal(ev_s(ev, ev->u.tls.sni), "testing.com");
    test_free(s);
}

static void server_hello_then_change_cipher_spec_is_a_resumption(void **st)
{
    (void)st;
    struct tls_state *s = new_state();
    size_t shrec = 5 + (((size_t)sh_resumed_fb[3] << 8) | sh_resumed_fb[4]);

    tls_feed(s, DIR_TOSERVER, ch_firefox, sizeof ch_firefox, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, sh_resumed_fb, shrec, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);      /* a Certificate may still come */
    tls_feed(s, DIR_TOCLIENT, sh_resumed_fb + shrec, sizeof sh_resumed_fb - shrec,
             3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 3);
    assert_int_equal(g_cap.ev[0].u.tls.resumed, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    assert_string_equal(ev_s(&g_cap.ev[0], g_cap.ev[0].u.tls.alpn_server), "h2");
    assert_string_equal(g_cap.ev[0].u.tls.ja3s_hash, "96681175a9547081bf3d417f1a572091");
    test_free(s);
}

static void hello_retry_alone_is_reported_at_close(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_chrome_grease, sizeof ch_chrome_grease, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, hrr_tumblr, sizeof hrr_tumblr, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    tls_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 3);
    assert_int_equal(g_cap.ev[0].u.tls.version, 0x0304);
    assert_string_equal(g_cap.ev[0].u.tls.ja3s_hash, "15af977ce25de452b96affa2addb1036");
    test_free(s);
}

static void hello_retry_then_ccs_then_server_hello_reports_the_server_hello(void **st)
{
    (void)st;
    struct tls_state *s = new_state();
    size_t shrec = 5 + (((size_t)sh_tls13[3] << 8) | sh_tls13[4]);

    tls_feed(s, DIR_TOSERVER, ch_chrome_grease, sizeof ch_chrome_grease, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, hrr_tumblr, sizeof hrr_tumblr, 2, &g_sink);
    tls_feed(s, DIR_TOCLIENT, sh_tls13, shrec, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    const struct sh_event *ev = &g_cap.ev[0];
    assert_int_equal(ev->ts_us, 3);
    assert_int_equal(ev->u.tls.cipher, 0x1302);
    assert_string_equal(ev->u.tls.ja3s_hash, "907bf3ecef1c987c889946b737b43de8");
    assert_string_equal(ev_s(ev, ev->u.tls.ja3s), "771,4866,51-43");
    /* the HRR's JA4S (extensions 002b,0033) is replaced too */
    assert_string_equal(ev->u.tls.ja4s, "t130200_1302_234ea6891581");
    assert_string_equal(ev->u.tls.ja3_hash, "b32309a26951912be7dba376398abc3b");
    test_free(s);
}

static void client_hello_alone_is_reported_at_close(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_c2_tls10, sizeof ch_c2_tls10, 1, &g_sink);
    assert_int_equal(g_cap.n, 0);
    tls_close(s, 99, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 99);
    assert_int_equal(g_cap.ev[0].u.tls.has_server_hello, 0);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "49ed2ef3f1321e5f044f1e71b0e6fdd5");
    assert_string_equal(g_cap.ev[0].u.tls.ja3s_hash, "");
    tls_close(s, 100, &g_sink);
    assert_int_equal(g_cap.n, 1);
    test_free(s);
}

static void client_hello_truncated_by_one_byte_gives_nothing_at_close(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_c2_tls10, sizeof ch_c2_tls10 - 1, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    assert_int_equal(g_stats.tls_handshakes, 0);
    test_free(s);
}

static void zero_length_feeds_and_bad_directions_do_nothing(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, NULL, 0, 1, &g_sink);
    tls_feed(s, 2, ch_c2_tls10, sizeof ch_c2_tls10, 1, &g_sink);
    tls_feed(s, -1, ch_c2_tls10, sizeof ch_c2_tls10, 1, &g_sink);
    tls_gap(s, 7);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    assert_int_equal(g_stats.tls_malformed, 0);
    assert_int_equal(g_stats.tls_gaps, 0);
    test_free(s);
}

/* ---- stream: faults ------------------------------------------------- */

static void both_directions_faulty_with_no_hello_is_done_silently(void **st)
{
    (void)st;
    static const uint8_t junk[] = "HTTP/1.1 200 OK\r\n";
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOCLIENT, junk, sizeof junk - 1, 1, &g_sink);
    assert_int_equal(tls_done(s), 0);       /* a hello may still come */
    tls_feed(s, DIR_TOSERVER, junk, sizeof junk - 1, 2, &g_sink);
    assert_int_equal(tls_done(s), 1);
    tls_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 0);
    assert_int_equal(g_stats.tls_malformed, 2);
    assert_int_equal(tls_done(NULL), 1);
    test_free(s);
}

static void sslv2_compatible_client_hello_is_counted_malformed_and_ignored(void **st)
{
    (void)st;
    /* RFC 5246 E.2: msg_length with the top bit set, msg_type 1,
     * version 3.1, cipher_spec_length 3, session_id 0, challenge 16 */
    static const uint8_t v2[] = {
        0x80, 0x1c, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10,
        0x00, 0x00, 0x2f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16 };
    struct tls_state *s = new_state();

    assert_int_equal(tls_probe(v2, sizeof v2), 0);
    tls_feed(s, DIR_TOSERVER, v2, sizeof v2, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
}

static void record_longer_than_2_14_plus_2048_stops_the_direction(void **st)
{
    (void)st;
    static uint8_t big[5 + TLS_RECORD_MAX + 1];
    struct tls_state *s = new_state();

    /* exactly the bound: accepted (application data, skipped) */
    big[0] = 23; big[1] = 3; big[2] = 3;
    big[3] = (uint8_t)(TLS_RECORD_MAX >> 8); big[4] = (uint8_t)TLS_RECORD_MAX;
    tls_feed(s, DIR_TOSERVER, big, 5 + TLS_RECORD_MAX, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 0);
    tls_feed(s, DIR_TOSERVER, ch_c2_tls10, sizeof ch_c2_tls10, 2, &g_sink);
    tls_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    test_free(s);

    /* one more: the direction is dropped, later hellos are not read */
    s = new_state();
    big[3] = (uint8_t)((TLS_RECORD_MAX + 1) >> 8);
    big[4] = (uint8_t)(TLS_RECORD_MAX + 1);
    tls_feed(s, DIR_TOSERVER, big, 5, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    tls_feed(s, DIR_TOSERVER, ch_c2_tls10, sizeof ch_c2_tls10, 2, &g_sink);
    tls_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
}

static void unknown_content_type_and_bad_version_are_malformed(void **st)
{
    (void)st;
    static const uint8_t bad_type[] = { 25, 3, 3, 0, 1, 0 };
    static const uint8_t bad_ver[] = { 22, 3, 5, 0, 1, 0 };
    static const uint8_t empty_hs[] = { 22, 3, 3, 0, 0 };
    static const uint8_t empty_app[] = { 23, 3, 3, 0, 0 };
    struct tls_state *s;

    s = new_state();
    tls_feed(s, DIR_TOSERVER, bad_type, sizeof bad_type, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    test_free(s);
    s = new_state();
    tls_feed(s, DIR_TOSERVER, bad_ver, sizeof bad_ver, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    test_free(s);
    s = new_state();
    tls_feed(s, DIR_TOSERVER, empty_hs, sizeof empty_hs, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    test_free(s);
    s = new_state();
    tls_feed(s, DIR_TOSERVER, empty_app, sizeof empty_app, 1, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 0);   /* allowed */
    test_free(s);
}

static void alert_inside_a_fragmented_handshake_message_is_malformed(void **st)
{
    (void)st;
    static uint8_t buf[1024];
    static const uint8_t alert[] = { 21, 3, 1, 0, 2, 1, 0 };
    size_t n = 0;
    struct tls_state *s = new_state();

    /* first 50 bytes of the hello's handshake message, an alert, then
     * the rest: RFC 8446 5.1 forbids the interleaving */
    n += reframe(buf, ch_c2_tls10 + 5, 50, 50);
    memcpy(buf + n, alert, sizeof alert);
    n += sizeof alert;
    n += reframe(buf + n, ch_c2_tls10 + 55, sizeof ch_c2_tls10 - 55, 1000);
    tls_feed(s, DIR_TOSERVER, buf, n, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
}

static void malformed_client_hello_is_counted_and_still_reported(void **st)
{
    (void)st;
    static uint8_t rec[1024];
    static struct mb m, e;
    static const uint16_t cs[] = { 0x1301 };
    struct tls_state *s = new_state();

    e.n = 0;
    ext_sni(&e, 0, "", 0);
    build_ch(&m, cs, 1, e.b, e.n, 1);
    size_t n = wrap_record(rec, 1, m.b, m.n);
    tls_feed(s, DIR_TOSERVER, rec, n, 1, &g_sink);
    tls_close(s, 2, &g_sink);
    assert_int_equal(g_stats.tls_malformed, 1);
    assert_int_equal(g_cap.n, 1);
    assert_true(g_cap.ev[0].flags & EVF_MALFORMED);
    assert_string_equal(g_cap.ev[0].u.tls.ja3_hash, "1e7c622032b0cb79401b0f7be3793a1a");
    test_free(s);
}

/* Server flight: the SXN ServerHello, then a Certificate message with a
 * list of one certificate of cert_len bytes (filled with 0x30) whose
 * header says list_len; framed in records of at most 16 KiB. */
static size_t build_cert_flight(uint8_t *out, size_t cert_len, size_t list_len,
                                size_t msg_len)
{
    static uint8_t hs[40000];
    size_t shl = 4 + (((size_t)srv_sxn[6] << 16) | ((size_t)srv_sxn[7] << 8) |
                      srv_sxn[8]);
    size_t n = 0;

    memcpy(hs, srv_sxn + 5, shl);
    n = shl;
    hs[n++] = 11;
    hs[n++] = (uint8_t)(msg_len >> 16); hs[n++] = (uint8_t)(msg_len >> 8);
    hs[n++] = (uint8_t)msg_len;
    hs[n++] = (uint8_t)(list_len >> 16); hs[n++] = (uint8_t)(list_len >> 8);
    hs[n++] = (uint8_t)list_len;
    if (list_len) {
        hs[n++] = (uint8_t)(cert_len >> 16); hs[n++] = (uint8_t)(cert_len >> 8);
        hs[n++] = (uint8_t)cert_len;
        memset(hs + n, 0x30, cert_len);
        n += cert_len;
    }
    return reframe(out, hs, n, 16384);
}

static void certificate_larger_than_the_bound_is_counted_and_skipped(void **st)
{
    (void)st;
    static uint8_t fl[40000];
    size_t c = TLS_CERT_MAX + 1;
    size_t n = build_cert_flight(fl, c, c + 3, c + 6);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    assert_int_equal(g_cap.ev[0].u.tls.fingerprint.len, 0);
    assert_true(g_cap.ev[0].flags & EVF_TRUNCATED);
    assert_int_equal(g_stats.tls_cert_malformed, 1);
    assert_int_equal(g_stats.tls_certs, 0);
    test_free(s);
}

static void certificate_of_exactly_the_bound_is_kept_and_parsed(void **st)
{
    (void)st;
    static uint8_t fl[40000];
    size_t c = TLS_CERT_MAX;
    size_t n = build_cert_flight(fl, c, c + 3, c + 6);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    /* kept whole and fingerprinted; its DER is nonsense */
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 1);
    assert_int_equal(g_cap.ev[0].u.tls.fingerprint.len, 59);
    assert_true(g_cap.ev[0].flags & EVF_MALFORMED);
    assert_int_equal(g_stats.tls_cert_malformed, 1);
    test_free(s);
}

static void certificate_message_with_an_empty_list_reports_no_cert(void **st)
{
    (void)st;
    static uint8_t fl[4096];
    size_t n = build_cert_flight(fl, 0, 0, 3);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    assert_int_equal(g_cap.ev[0].flags, 0);
    assert_int_equal(g_stats.tls_cert_malformed, 0);
    test_free(s);
}

static void certificate_list_length_not_filling_the_message_is_malformed(void **st)
{
    (void)st;
    static uint8_t fl[4096];
    struct tls_state *s;
    size_t n;

    /* list says one byte less than the message holds */
    n = build_cert_flight(fl, 100, 102, 106);
    s = new_state();
    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    assert_true(g_cap.ev[0].flags & EVF_MALFORMED);
    assert_int_equal(g_stats.tls_cert_malformed, 1);
    test_free(s);

    /* the certificate says one byte more than its list */
    n = build_cert_flight(fl, 100, 103, 106);
    {
        /* patch the cert length (after list length) to 101 */
        size_t shl = 4 + (((size_t)srv_sxn[6] << 16) |
                          ((size_t)srv_sxn[7] << 8) | srv_sxn[8]);
        size_t off = 5 + shl + 4 + 3;
        fl[off + 2] = 101;
    }
    s = new_state();
    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_true(g_cap.ev[0].flags & EVF_MALFORMED);
    assert_int_equal(g_stats.tls_cert_malformed, 1);
    test_free(s);
}

static void server_hello_then_server_hello_done_without_certificate_emits(void **st)
{
    (void)st;
    static uint8_t fl[1024];
    static const uint8_t shd[] = { 22, 3, 3, 0, 4, 14, 0, 0, 0 };
    size_t shl = 4 + (((size_t)srv_sxn[6] << 16) | ((size_t)srv_sxn[7] << 8) |
                      srv_sxn[8]);
    size_t n = reframe(fl, srv_sxn + 5, shl, 16384);
    struct tls_state *s = new_state();

    memcpy(fl + n, shd, sizeof shd);
    n += sizeof shd;
    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    assert_int_equal(g_cap.ev[0].u.tls.resumed, 0);
    assert_int_equal(g_cap.ev[0].flags, 0);
    test_free(s);
}

static void server_hello_then_session_ticket_is_a_resumption(void **st)
{
    (void)st;
    static uint8_t fl[1024];
    /* RFC 5077 3.1: NewSessionTicket (4) right after the ServerHello:
     * lifetime hint 7200, a 4-byte ticket */
    static const uint8_t nst[] = { 22, 3, 3, 0, 14, 4, 0, 0, 10,
                                   0, 0, 0x1c, 0x20, 0, 4, 1, 2, 3, 4 };
    size_t shl = 4 + (((size_t)srv_sxn[6] << 16) | ((size_t)srv_sxn[7] << 8) |
                      srv_sxn[8]);
    size_t n = reframe(fl, srv_sxn + 5, shl, 16384);
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_feed(s, DIR_TOCLIENT, fl, n, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    tls_feed(s, DIR_TOCLIENT, nst, 6, 3, &g_sink);   /* up to its type */
    assert_int_equal(g_cap.n, 0);
    tls_feed(s, DIR_TOCLIENT, nst + 6, sizeof nst - 6, 4, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 4);          /* its header completed */
    assert_int_equal(g_cap.ev[0].u.tls.resumed, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_cert, 0);
    test_free(s);
}

/* ---- stream: gaps ---------------------------------------------------- */

static void gap_in_the_server_direction_reports_at_the_next_call(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_gap(s, DIR_TOCLIENT);
    assert_int_equal(g_cap.n, 0);                 /* no sink in tls_gap */
    tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 5, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 5);
    assert_true(g_cap.ev[0].flags & EVF_GAP);
    assert_int_equal(g_cap.ev[0].u.tls.has_server_hello, 0);
    assert_int_equal(g_stats.tls_gaps, 1);
    test_free(s);
}

static void gap_then_close_reports_at_close(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_gap(s, DIR_TOCLIENT);
    tls_gap(s, DIR_TOCLIENT);                     /* same direction again */
    tls_close(s, 9, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 9);
    assert_true(g_cap.ev[0].flags & EVF_GAP);
    assert_int_equal(g_stats.tls_gaps, 1);
    test_free(s);
}

static void gap_in_the_client_direction_after_its_hello_changes_nothing(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, sizeof ch_sxn, 1, &g_sink);
    tls_gap(s, DIR_TOSERVER);
    tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    check_sxn_event(&g_cap.ev[0]);
    assert_int_equal(g_stats.tls_gaps, 0);
    test_free(s);
}

static void gap_in_the_client_hello_keeps_the_server_side(void **st)
{
    (void)st;
    struct tls_state *s = new_state();

    tls_feed(s, DIR_TOSERVER, ch_sxn, 60, 1, &g_sink);
    tls_gap(s, DIR_TOSERVER);
    tls_feed(s, DIR_TOCLIENT, srv_sxn, sizeof srv_sxn, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    const struct sh_event *ev = &g_cap.ev[0];
    assert_int_equal(ev->u.tls.has_client_hello, 0);
    assert_int_equal(ev->u.tls.has_cert, 1);
    assert_string_equal(ev_s(ev, ev->u.tls.subject), "CN=SXN Server CA");
    assert_true(ev->flags & EVF_GAP);
    assert_int_equal(g_stats.tls_gaps, 1);
    test_free(s);
}

/* ---- probe ----------------------------------------------------------- */

static void probe_accepts_hello_records_and_rejects_the_rest(void **st)
{
    (void)st;
    static const uint8_t http[] = "GET / HTTP/1.1\r\n";
    static const uint8_t hdr_only[] = { 22, 3, 1, 0, 200 };
    static const uint8_t ver_0305[] = { 22, 3, 5, 0, 200, 1, 0, 0, 196 };
    static const uint8_t len0[] = { 22, 3, 1, 0, 0 };
    static const uint8_t too_long[] = { 22, 3, 1, 0x48, 0x01, 1 };
    static const uint8_t max_len[] = { 22, 3, 1, 0x48, 0x00, 1 };
    static const uint8_t finished[] = { 22, 3, 3, 0, 40, 20, 0, 0, 36 };
    static const uint8_t short_hs[] = { 22, 3, 3, 0, 40, 1, 0, 0, 37 };
    static const uint8_t min_hs[] = { 22, 3, 3, 0, 42, 2, 0, 0, 38 };
    static const uint8_t appdata[] = { 23, 3, 3, 0, 40, 1, 0, 0, 100 };

    assert_int_equal(tls_probe(ch_firefox, sizeof ch_firefox), 1);
    assert_int_equal(tls_probe(sh_tls13, sizeof sh_tls13), 1);
    assert_int_equal(tls_probe(ch_firefox, 4), 0);    /* header incomplete */
    assert_int_equal(tls_probe(NULL, 0), 0);
    assert_int_equal(tls_probe(hdr_only, sizeof hdr_only), 1);
    assert_int_equal(tls_probe(http, sizeof http - 1), 0);
    assert_int_equal(tls_probe(ver_0305, sizeof ver_0305), 0);
    assert_int_equal(tls_probe(len0, sizeof len0), 0);
    assert_int_equal(tls_probe(too_long, sizeof too_long), 0);
    assert_int_equal(tls_probe(max_len, sizeof max_len), 1);
    assert_int_equal(tls_probe(finished, sizeof finished), 0);
    assert_int_equal(tls_probe(short_hs, sizeof short_hs), 0);
    assert_int_equal(tls_probe(min_hs, sizeof min_hs), 1);
    assert_int_equal(tls_probe(appdata, sizeof appdata), 0);
}

static void state_is_fixed_size_and_within_40_kib(void **st)
{
    (void)st;
    assert_true(tls_state_size() <= 40 * 1024);
    assert_true(tls_state_size() >= TLS_CH_MAX + TLS_CERT_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(client_hello_from_firefox_matches_tshark),
        cmocka_unit_test(client_hello_from_chrome_drops_grease_like_tshark),
        cmocka_unit_test(client_hello_tls10_to_c2_matches_tshark),
        cmocka_unit_test(client_hello_from_curl_matches_tshark),
        cmocka_unit_test(every_truncation_of_a_client_hello_is_malformed_without_ja3),
        cmocka_unit_test(zero_length_client_hello_is_malformed),
        cmocka_unit_test(extension_length_overrunning_the_block_is_malformed),
        cmocka_unit_test(client_hello_without_extensions_block_gives_three_empty_fields),
        cmocka_unit_test(grease_is_dropped_from_ciphers_extensions_groups_not_formats),
        cmocka_unit_test(values_like_grease_in_one_byte_only_are_kept),
        cmocka_unit_test(groups_of_only_grease_leave_an_empty_field),
        cmocka_unit_test(empty_groups_and_formats_lists_are_malformed_with_empty_fields),
        cmocka_unit_test(duplicate_groups_extensions_each_add_a_field_like_tshark),
        cmocka_unit_test(empty_cipher_list_is_malformed_but_hashed),
        cmocka_unit_test(odd_cipher_list_length_is_malformed),
        cmocka_unit_test(session_id_of_33_bytes_is_flagged),
        cmocka_unit_test(sni_entry_of_other_type_is_skipped_for_the_host_name),
        cmocka_unit_test(sni_of_only_other_types_gives_no_sni),
        cmocka_unit_test(sni_of_length_zero_is_malformed_and_absent),
        cmocka_unit_test(sni_of_255_bytes_is_kept_whole),
        cmocka_unit_test(sni_of_256_bytes_is_cut_to_255_and_flagged),
        cmocka_unit_test(sni_list_length_past_the_extension_is_malformed),
        cmocka_unit_test(alpn_with_an_empty_name_is_malformed),
        cmocka_unit_test(a_comma_inside_an_alpn_name_makes_no_extra_entry),
        cmocka_unit_test(alpn_list_longer_than_its_cap_is_cut_and_flagged),
        cmocka_unit_test(ja3_longer_than_its_cap_is_cut_but_hashed_whole),
        cmocka_unit_test(ja4_of_the_spec_example),
        cmocka_unit_test(ja4_ignores_grease_everywhere),
        cmocka_unit_test(ja4_without_signature_algorithms_hashes_no_underscore),
        cmocka_unit_test(ja4_alpn_follows_the_spec_examples),
        cmocka_unit_test(ja4_without_alpn_is_00_and_one_extension_fewer),
        cmocka_unit_test(ja4_without_sni_is_i_and_one_extension_fewer),
        cmocka_unit_test(ja4_version_is_the_highest_supported_else_the_legacy),
        cmocka_unit_test(ja4_with_no_ciphers_and_only_sni_and_alpn_is_zeros),
        cmocka_unit_test(ja4_without_extensions_block),
        cmocka_unit_test(ja4_counts_stop_at_99_and_order_does_not_matter),
        cmocka_unit_test(ja4_of_more_values_than_a_kept_hello_holds_is_empty),
        cmocka_unit_test(ja4_of_foxio_tls12_pcap_client_hello),
        cmocka_unit_test(ja4_reaches_the_event_through_the_stream),
        cmocka_unit_test(server_hello_tls13_reports_the_supported_version),
        cmocka_unit_test(server_hello_tls12_with_alpn_matches_tshark),
        cmocka_unit_test(hello_retry_request_is_recognised),
        cmocka_unit_test(server_hello_without_extensions_and_with_grease),
        cmocka_unit_test(ja4s_of_the_spec_example),
        cmocka_unit_test(ja4s_hashes_extensions_in_the_order_sent),
        cmocka_unit_test(ja4s_tls13_takes_the_version_from_supported_versions),
        cmocka_unit_test(ja4s_alpn_of_the_server_choice),
        cmocka_unit_test(ja4s_without_extensions_is_zeros),
        cmocka_unit_test(ja4s_counts_and_hashes_grease),
        cmocka_unit_test(ja4s_extension_count_stops_at_99),
        cmocka_unit_test(ja4s_of_a_badly_framed_extension_block_is_empty),
        cmocka_unit_test(every_truncation_of_a_server_hello_is_handled),
        cmocka_unit_test(server_alpn_with_two_names_is_malformed),
        cmocka_unit_test(full_tls12_flight_gives_one_event_with_the_self_signed_leaf),
        cmocka_unit_test(flight_split_into_two_feeds_at_every_offset_gives_the_same_event),
        cmocka_unit_test(flight_fed_one_byte_at_a_time_gives_the_same_event),
        cmocka_unit_test(large_client_hello_over_four_records_and_three_segments),
        cmocka_unit_test(client_hello_of_the_maximum_size_is_parsed),
        cmocka_unit_test(client_hello_one_byte_over_the_maximum_is_cut_and_malformed),
        cmocka_unit_test(client_hello_of_one_byte_records_is_reassembled),
        cmocka_unit_test(tls13_server_hello_emits_at_once_without_certificate),
        cmocka_unit_test(application_data_after_the_hello_ends_the_handshake_at_once),
        cmocka_unit_test(server_hello_then_change_cipher_spec_is_a_resumption),
        cmocka_unit_test(hello_retry_alone_is_reported_at_close),
        cmocka_unit_test(hello_retry_then_ccs_then_server_hello_reports_the_server_hello),
        cmocka_unit_test(client_hello_alone_is_reported_at_close),
        cmocka_unit_test(client_hello_truncated_by_one_byte_gives_nothing_at_close),
        cmocka_unit_test(zero_length_feeds_and_bad_directions_do_nothing),
        cmocka_unit_test(both_directions_faulty_with_no_hello_is_done_silently),
        cmocka_unit_test(sslv2_compatible_client_hello_is_counted_malformed_and_ignored),
        cmocka_unit_test(record_longer_than_2_14_plus_2048_stops_the_direction),
        cmocka_unit_test(unknown_content_type_and_bad_version_are_malformed),
        cmocka_unit_test(alert_inside_a_fragmented_handshake_message_is_malformed),
        cmocka_unit_test(malformed_client_hello_is_counted_and_still_reported),
        cmocka_unit_test(certificate_larger_than_the_bound_is_counted_and_skipped),
        cmocka_unit_test(certificate_of_exactly_the_bound_is_kept_and_parsed),
        cmocka_unit_test(certificate_message_with_an_empty_list_reports_no_cert),
        cmocka_unit_test(certificate_list_length_not_filling_the_message_is_malformed),
        cmocka_unit_test(server_hello_then_server_hello_done_without_certificate_emits),
        cmocka_unit_test(server_hello_then_session_ticket_is_a_resumption),
        cmocka_unit_test(gap_in_the_server_direction_reports_at_the_next_call),
        cmocka_unit_test(gap_then_close_reports_at_close),
        cmocka_unit_test(gap_in_the_client_direction_after_its_hello_changes_nothing),
        cmocka_unit_test(gap_in_the_client_hello_keeps_the_server_side),
        cmocka_unit_test(probe_accepts_hello_records_and_rejects_the_rest),
        cmocka_unit_test(state_is_fixed_size_and_within_40_kib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
