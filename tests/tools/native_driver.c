/*
 * Loads a build of functions/core/native (the shared object named by argv[1]), runs it on the
 * lines of stdin and prints, for each, "<instant> <wall> <instant as text> <amount> <id> <records>":
 * the line parsed as a timestamp ("-" for null), the line normalized as an amount, whether
 * the line's key repeats an earlier line's in one set of ids ("r", else "n"; the key's high
 * half takes only 256 values, so that most probes meet other keys, and the set, sized for
 * one key, grows many times), then the output row of the line and its amount
 * ("<FNV-1a of the row written>:<running sum of the amounts, 128 bits in hex>"), then whether
 * the line with its LF is one record of 1, 2 and 3 fields by the structure fast path ("010": two). Lambda's arm64 build,
 * run under qemu-user, must print what this machine's build prints
 * (tests/tools/test_build_native.py).
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arrow.h"

static int (*etl_parse_timestamps)(const struct ArrowArray *in, struct ArrowArray *instant,
                                   struct ArrowArray *wall);
static int (*etl_format_instants)(const struct ArrowArray *in, struct ArrowArray *out);
static int (*etl_normalize_amounts)(const struct ArrowArray *in, struct ArrowArray *out);
static int64_t (*etl_one_line_records)(const uint8_t *data, int64_t length, int64_t width);
static void *(*etl_ids_new)(int64_t expected, uint64_t secret);
static int64_t (*etl_ids_add)(void *set, const struct ArrowArray *high,
                              const struct ArrowArray *low, int64_t *repeats);
static void (*etl_ids_free)(void *set);
static int64_t (*etl_write_rows)(const struct ArrowArray *const *columns, int32_t k,
                                 const struct ArrowArray *keep, int32_t amount, int32_t instant,
                                 int64_t start, uint8_t *out, int64_t capacity, int64_t *used,
                                 uint64_t sum[2]);

/* FNV-1a, 64 bits: the driver's own key of a line. */
static uint64_t fnv1a(const char *p, int32_t length) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int32_t k = 0; k < length; k++) h = (h ^ (uint8_t)p[k]) * 0x100000001b3ULL;
    return h;
}

/* The first (only) value of a string-view array, or "-". */
static void print_text(const struct ArrowArray *a) {
    const uint8_t *valid = a->buffers[0];
    const view_t *view = a->buffers[1];
    if (valid[0] & 1)
        printf("%.*s", (int)view->length, (const char *)view_bytes(a, view));
    else
        printf("-");
}

static void print_value(const struct ArrowArray *a) {
    const uint8_t *valid = a->buffers[0];
    const int64_t *values = a->buffers[1];
    if (valid[0] & 1)
        printf("%" PRId64, values[0]);
    else
        printf("-");
}

int main(int argc, char **argv) {
    void *library = argc == 2 ? dlopen(argv[1], RTLD_NOW) : NULL;
    if (library == NULL) {
        fprintf(stderr, "usage: native_driver LIBRARY < values (%s)\n", dlerror());
        return 2;
    }
    *(void **)&etl_parse_timestamps = dlsym(library, "etl_parse_timestamps");
    *(void **)&etl_format_instants = dlsym(library, "etl_format_instants");
    *(void **)&etl_normalize_amounts = dlsym(library, "etl_normalize_amounts");
    *(void **)&etl_one_line_records = dlsym(library, "etl_one_line_records");
    if (etl_parse_timestamps == NULL || etl_format_instants == NULL) return 2;
    if (etl_normalize_amounts == NULL || etl_one_line_records == NULL) return 2;
    *(void **)&etl_ids_new = dlsym(library, "etl_ids_new");
    *(void **)&etl_ids_add = dlsym(library, "etl_ids_add");
    *(void **)&etl_ids_free = dlsym(library, "etl_ids_free");
    if (etl_ids_new == NULL || etl_ids_add == NULL || etl_ids_free == NULL) return 2;
    *(void **)&etl_write_rows = dlsym(library, "etl_write_rows");
    if (etl_write_rows == NULL) return 2;
    uint64_t sum[2] = {0, 0};
    void *ids = etl_ids_new(1, 42);
    if (ids == NULL) return 1;
    static char line[4096];
    static uint8_t row[4 * sizeof line + 64]; /* the line, its amount (quoted at worst), its instant */
    while (fgets(line, sizeof line, stdin)) {
        int32_t length = (int32_t)strcspn(line, "\n");
        view_t view = {.length = length};
        if (length <= 12) {
            memcpy(view.u.inline_bytes, line, (size_t)length);
        } else {
            memcpy(view.u.ref.prefix, line, 4); /* buffer 0, offset 0: the line itself */
        }
        int64_t sizes[1] = {length};
        const void *buffers[4] = {NULL, &view, line, sizes};
        struct ArrowArray in = {.length = 1, .n_buffers = 4, .buffers = buffers};
        struct ArrowArray instant, wall;
        if (etl_parse_timestamps(&in, &instant, &wall) != 0) return 1;
        print_value(&instant);
        printf(" ");
        print_value(&wall);
        printf(" ");
        struct ArrowArray text;
        if (etl_format_instants(&instant, &text) != 0) return 1;
        print_text(&text);
        printf(" ");
        struct ArrowArray amount;
        if (etl_normalize_amounts(&in, &amount) != 0) return 1;
        print_text(&amount);
        printf(" ");
        const struct ArrowArray *columns[3] = {&in, &amount, &instant};
        int64_t used = 0;
        if (etl_write_rows(columns, 3, NULL, 1, 2, 0, row, sizeof row, &used, sum) != 1) return 1;
        amount.release(&amount);
        const uint64_t key = fnv1a(line, length);
        uint64_t high = key >> 56, low = key;
        const void *high_buffers[2] = {NULL, &high}, *low_buffers[2] = {NULL, &low};
        struct ArrowArray highs = {.length = 1, .n_buffers = 2, .buffers = high_buffers};
        struct ArrowArray lows = {.length = 1, .n_buffers = 2, .buffers = low_buffers};
        int64_t repeat[1];
        const int64_t found = etl_ids_add(ids, &highs, &lows, repeat);
        if (found < 0) return 1;
        printf("%s ", found ? "r" : "n");
        printf("%016" PRIx64 ":%016" PRIx64 "%016" PRIx64 " ", fnv1a((const char *)row, (int32_t)used),
               sum[1], sum[0]);
        const int64_t record = length + (line[length] == '\n'); /* the line with its LF */
        for (int64_t width = 1; width <= 3; width++)
            printf("%d", etl_one_line_records((const uint8_t *)line, record, width) == 1);
        printf("\n");
        text.release(&text);
        instant.release(&instant);
        wall.release(&wall);
    }
    etl_ids_free(ids);
    return 0;
}
