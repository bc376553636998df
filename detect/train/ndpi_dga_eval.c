/*
 * ndpi_dga_eval.c - nDPI 4.2 baseline: run ndpi_check_dga_name() on names.
 *
 * Reads one name per line on stdin, prints "1" (nDPI says DGA) or "0" per
 * line, in order, so detect/train/evaluate.py can compute nDPI's recall and
 * false-positive rate on exactly the names our scorer sees.  Each name gets
 * a fresh zeroed flow (nDPI records the DGA risk on the flow) and its own
 * writable copy (the API takes a char *).  Lines longer than 1023 bytes are
 * truncated (no dev name comes close).
 *
 * Built by detect/train/Makefile: pkg-config libndpi (Debian libndpi-dev 4.2).
 */
#include <ndpi/ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    struct ndpi_detection_module_struct *ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    u_int32_t flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
    struct ndpi_flow_struct *flow;
    char line[1024];

    if (!ndpi) {
        fprintf(stderr, "ndpi_dga_eval: ndpi_init_detection_module failed\n");
        return 1;
    }
    ndpi_finalize_initialization(ndpi);
    flow = calloc(1, flow_size);
    if (!flow) {
        ndpi_exit_detection_module(ndpi);
        return 1;
    }
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        memset(flow, 0, flow_size);
        printf("%d\n", ndpi_check_dga_name(ndpi, flow, line, 1) ? 1 : 0);
    }
    free(flow);
    ndpi_exit_detection_module(ndpi);
    return 0;
}
