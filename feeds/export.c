/*
 * export.c -- TEMPORARY plain-list writer of learnt indicators (see
 * export.h): one canonical value per line, each preceded by a comment
 * line saying what it is and where it was learnt.
 */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../config/cidr.h"
#include "eve.h"

int ioc_export(const char *path, const struct learned_ioc *items, int n, char *err,
               size_t errlen)
{
    char tmp[4096 + 8];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    fprintf(fp, "# spanhound: %d indicator%s learnt from convicted hosts\n", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        const struct learned_ioc *l = &items[i];
        char host[64], t0[64], t1[64];
        addr_format(&l->first_host, host, sizeof(host));
        eve_format_time(l->learnt_us, t0, sizeof(t0));
        eve_format_time(l->expires_us, t1, sizeof(t1));
        fprintf(fp, "# %s from %s (%s), learnt %s, expires %s, %u host%s\n%s\n",
                ioc_type_name(l->type), host, evidence_kind_name(l->evidence_kind), t0, t1,
                l->hosts, l->hosts == 1 ? "" : "s", l->value);
    }
    if (fclose(fp) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}
