/*
 * The repeated transaction_ids of docs/data-contract.md §3.1, found in the main pass itself:
 * a set of the 96-bit keys of every id read so far (two 64-bit hashes of the trimmed id,
 * computed by polars: all of the high one, 32 bits of the low one), each batch's keys
 * checked and added in file order.
 *
 * The set is open addressing with linear probing, 12 bytes a slot, at most 3/4 full (it
 * grows past that); sized for the file's record count from the start, it never has to.
 * The key (0, 0) marks an empty slot and is kept apart. A probe starts at the high half
 * mixed with the set's own random `secret` and scaled to the number of slots: an input
 * crafted to pile its ids into one run of slots would have to know it.
 *
 * Inputs are UInt64 Arrow arrays (format "L") from polars, trusted for their structure.
 * Plain C11 and Linux's madvise; loaded with ctypes (functions/core/native/__init__.py).
 */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arrow.h"

typedef struct __attribute__((packed)) {
    uint64_t high;
    uint32_t low;
} id_key;

struct etl_ids {
    id_key *slots;
    uint64_t n;    /* slots */
    uint64_t used; /* keys held, the key (0, 0) not counted */
    uint64_t secret;
    int has_zero; /* whether the key (0, 0) was added */
};

enum { HUGE_PAGE = 2 << 20, AHEAD = 16 };

static inline int is_empty(id_key k) { return k.high == 0 && k.low == 0; }

/* MurmurHash3's 64-bit finalizer: every bit of the input moves every bit of the result. */
static inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Where the probe for a key of high half `high` starts: its mixed value scaled to [0, n). */
static inline uint64_t first_slot(const struct etl_ids *set, uint64_t high) {
    return (uint64_t)(((unsigned __int128)mix(high ^ set->secret) * set->n) >> 64);
}

/* The slot holding `k`, or the empty one where it goes. */
static inline id_key *slot_of(const struct etl_ids *set, id_key k) {
    uint64_t i = first_slot(set, k.high);
    for (;;) {
        id_key *s = set->slots + i;
        if ((s->high == k.high && s->low == k.low) || is_empty(*s)) return s;
        i = i + 1 == set->n ? 0 : i + 1;
    }
}

/* The bytes of a table of `n` slots: whole huge pages from 2 MiB on. */
static size_t table_bytes(uint64_t n) {
    const size_t size = (size_t)n * sizeof(id_key);
    return size < HUGE_PAGE ? size : (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

/* The slots of a table for at least `n`: all that its pages hold. */
static uint64_t slots_filling(uint64_t n) { return table_bytes(n) / sizeof(id_key); }

/* `n` empty slots (n from slots_filling). A table of 2 MiB or more is asked to live on huge
 * pages (Linux's transparent huge pages, where enabled): each probe lands on a random slot,
 * and 4 KiB pages would cost a page fault per 341 slots first, then a TLB miss per probe
 * (3-4x the time of a set of 1M ids, measured). */
static id_key *new_slots(uint64_t n) {
    const size_t size = table_bytes(n);
    if (size < HUGE_PAGE) return calloc(n, sizeof(id_key));
    id_key *slots = aligned_alloc(HUGE_PAGE, size); /* size is a multiple of the alignment */
    if (slots == NULL) return NULL;
    madvise(slots, size, MADV_HUGEPAGE); /* advice only: without it, 4 KiB pages */
    memset(slots, 0, size);
    return slots;
}

/* An empty set with room for `expected` keys, its probes started with `secret`; NULL when
 * memory runs out. */
struct etl_ids *etl_ids_new(int64_t expected, uint64_t secret) {
    struct etl_ids *set = malloc(sizeof *set);
    if (set == NULL) return NULL;
    const uint64_t keys = expected > 0 ? (uint64_t)expected : 0;
    set->n = slots_filling(keys / 3 * 4 + 16);
    set->slots = new_slots(set->n);
    if (set->slots == NULL) {
        free(set);
        return NULL;
    }
    set->used = 0;
    set->secret = secret;
    set->has_zero = 0;
    return set;
}

void etl_ids_free(struct etl_ids *set) {
    if (set == NULL) return;
    free(set->slots);
    free(set);
}

/* Twice the slots, every key moved; -1 (the set unchanged) when memory runs out. */
static int grow(struct etl_ids *set) {
    id_key *old = set->slots;
    const uint64_t old_n = set->n, n = slots_filling(old_n * 2);
    id_key *slots = new_slots(n);
    if (slots == NULL) return -1;
    set->slots = slots;
    set->n = n;
    for (uint64_t i = 0; i < old_n; i++)
        if (!is_empty(old[i])) *slot_of(set, old[i]) = old[i];
    free(old);
    return 0;
}

/* Whether `in` has the buffers of a UInt64 array of `length` values. */
static int is_uint64(const struct ArrowArray *in, int64_t length) {
    return in->n_buffers == 2 && in->length == length && in->offset >= 0 && in->buffers[1] != NULL;
}

/*
 * Add the keys (high[i], low[i]) in order, i from 0; a null high half is no id (an empty one)
 * and is skipped. The positions i whose key the set already held (an earlier batch's, or an
 * earlier row's of this one) are written to `repeats`, which has room for one per row, in
 * increasing order. Returns their number, or -1 when memory runs out, or -2 when the arrays
 * are not two UInt64 arrays of one length.
 */
int64_t etl_ids_add(struct etl_ids *set, const struct ArrowArray *high,
                    const struct ArrowArray *low, int64_t *repeats) {
    const int64_t n = high->length;
    if (n < 0 || !is_uint64(high, n) || !is_uint64(low, n)) return -2;
    const uint8_t *valid = high->buffers[0];
    const uint64_t *highs = (const uint64_t *)high->buffers[1] + high->offset;
    const uint64_t *lows = (const uint64_t *)low->buffers[1] + low->offset;
    int64_t found = 0;
    for (int64_t i = 0; i < n; i++) {
        /* a probe is a cache miss: the slot of the key AHEAD rows on is fetched meanwhile,
         * so that several misses are under way at once */
        if (i + AHEAD < n) __builtin_prefetch(set->slots + first_slot(set, highs[i + AHEAD]), 1);
        if (!is_valid(valid, high->offset + i)) continue;
        const id_key k = {highs[i], (uint32_t)lows[i]};
        if (is_empty(k)) {
            if (set->has_zero) repeats[found++] = i;
            set->has_zero = 1;
            continue;
        }
        id_key *s = slot_of(set, k);
        if (!is_empty(*s)) {
            repeats[found++] = i;
            continue;
        }
        if (set->used + 1 > set->n / 4 * 3) {
            if (grow(set) != 0) return -1;
            s = slot_of(set, k);
        }
        *s = k;
        set->used++;
    }
    return found;
}
