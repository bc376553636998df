/*
 * replay_main.c -- runs a libFuzzer harness over files given on the command
 * line, without libFuzzer: the corpora replay under gcc + ASan/UBSan in
 * `make test`.  Exit status 0 when every input ran (sanitizers abort on
 * any finding).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        if (!fp) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        if (fseek(fp, 0, SEEK_END) != 0) {
            fclose(fp);
            return 1;
        }
        long n = ftell(fp);
        rewind(fp);
        uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
        if (!buf || (n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n)) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            fclose(fp);
            free(buf);
            return 1;
        }
        fclose(fp);
        LLVMFuzzerTestOneInput(buf, (size_t)(n > 0 ? n : 0));
        free(buf);
    }
    return 0;
}
