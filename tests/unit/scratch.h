/*
 * scratch.h -- a scratch directory for a cmocka test group: made by
 * scratch_setup() (group setup) under /tmp, removed with its contents by
 * scratch_teardown().  Include in one test file; tmpdir names it.
 */
#ifndef SH_TEST_SCRATCH_H
#define SH_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[64];

static int scratch_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sh-unit-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int scratch_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif /* SH_TEST_SCRATCH_H */
