/*
 * fuzz_decode.c -- decode_packet on arbitrary frames of every link type.
 * Byte 0 picks the link type; the rest is the frame.  Invariants: the
 * payload and L3 windows lie inside the frame.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_RAW, 228, 229,
                                DLT_NULL, DLT_LOOP, 101 };
    struct pkt pk;
    if (size < 1)
        return 0;
    int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
    /* exact-size copy so that any over-read hits the redzone */
    size_t n = size - 1;
    uint8_t *frame = malloc(n ? n : 1);
    if (!frame)
        return 0;
    memcpy(frame, data + 1, n);
    int rc = decode_packet(dlt, frame, n, 4789, &pk);
    if (rc == DEC_OK) {
        if (pk.payload && (pk.payload < frame || pk.payload + pk.payload_len > frame + n))
            __builtin_trap();
        if (pk.l3 && (pk.l3 < frame || pk.l3 + pk.l3_len > frame + n))
            __builtin_trap();
        if (pk.arp && (pk.arp < frame || pk.arp + pk.arp_len > frame + n))
            __builtin_trap();
        if (pk.payload_wire_len < pk.payload_len)
            __builtin_trap();
    }
    free(frame);
    return 0;
}
