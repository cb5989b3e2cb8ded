// Batch-wide top-k (BatchTopK): the `total` largest values v = x[r, c] (+ bias[c]) of a rows x n
// matrix (row stride ldx), in the order of the CPU's batchTopk: Float.compare order (the keys of
// f2key), equal keys taken in row order, then column order. A radix select on the keys, 11 + 11 +
// 10 bits. When a hint is kept from the previous call (a key a little below its threshold:
// BatchTopK's threshold moves little from one training step to the next), the matrix is read twice:
// 0. bsel_bound: the keys at or above the hint appended to a candidate list (key, row); when there
//    are at least `total` of them and they fit (bsel_check), the select runs on them alone
//    (bsel_hist_cand and bsel_pick three times, bsel_count_cand), else as without a hint:
// 1. bsel_hist: the histogram of the keys' top 11 bits; bsel_pick finds the bucket B1 that holds
//    the total-th largest key;
// 2. bsel_gather: per row, the keys above B1 (all kept); the keys in B1 appended to the candidate
//    list and their histogram of bits [10, 21); bsel_pick finds the next 11 bits;
// 3. over the candidates only: the histogram of bits [0, 10) and the last pick (the threshold key,
//    and how many keys equal to it are taken), the per-row counts of candidates above and equal to
//    it (bsel_hist_cand, bsel_count_cand); when the candidates overflowed their buffer (a matrix
//    of many equal values), over the matrix instead (bsel_hist, bsel_count);
// 4. bsel_scan: each row's kept count (equal keys handed to the rows in order), as CSR offsets;
// 5. bsel_write: each row's kept entries in column order; bsel_hint keeps the next hint.
// Each kernel's mode says on which of these paths it runs (bsRun). The count / scan / write kernels
// also keep, row by row, the entries above a given threshold (JumpReLU inference, mode 0): state
// then holds the threshold's key and 0 equal keys to take.
// state (u64[2]): [0] the key prefix found so far (the threshold key after the third pick),
// [1] how many keys equal to the prefix's bucket are still to take. flags (u32[5]): [0] candidates
// of step 2, [1] candidates of step 0, [2] 1 when step 0's candidates are used, [3] 1 when a hint
// is kept, [4] the hint.
// Kernels named ...4 read float4s (n and ldx multiples of 4, x and bias 16-byte aligned).

#define BS_BINS 2048

// V consecutive values of row xr from column c (+ bias) as keys and values; columns past n get key 0.
template <int V>
__device__ __forceinline__ void bsLoad(const float* __restrict__ xr, const float* __restrict__ bias, int c, int n,
        float* v, u32* key) {
    if (V == 4 && c + 3 < n) {
        float4 a = *(const float4*) (xr + c);
        v[0] = a.x; v[1] = a.y; v[2] = a.z; v[3] = a.w;
        if (bias) {
            float4 b = *(const float4*) (bias + c);
            v[0] += b.x; v[1] += b.y; v[2] += b.z; v[3] += b.w;
        }
#pragma unroll
        for (int i = 0; i < V; i++) key[i] = f2key(v[i]);
    } else {
#pragma unroll
        for (int i = 0; i < V; i++) {
            v[i] = 0.f;
            key[i] = 0u;
            if (c + i < n) {
                v[i] = xr[c + i];
                if (bias) v[i] += bias[c + i];
                key[i] = f2key(v[i]);
            }
        }
    }
}

// Whether a kernel of this mode runs: 0 always; on the path without a usable hint: 2 always,
// 4 when its candidates fit, 1 when they overflowed; 3 on the path with the hint's candidates.
__device__ __forceinline__ bool bsRun(int mode, const u32* flags, u32 cap) {
    if (mode == 0) return true;
    if (mode == 3) return flags[2] != 0;
    if (flags[2] != 0) return false;
    return mode == 2 || (mode == 4) == (flags[0] <= cap);
}

// The number of candidates of the path a mode belongs to.
__device__ __forceinline__ u32 bsCandidates(int mode, const u32* flags) {
    return mode == 3 ? flags[1] : flags[0];
}

// One pass of the histogram over the matrix: keys whose bits selected by mask equal the prefix's
// (mask 0 in the first pass), counted by bits [shift, shift + bits) into hist [1 << bits].
template <int V>
__device__ void bselHist(const float* __restrict__ x, long long ldx, const float* __restrict__ bias, int rows, int n,
        const u64* __restrict__ state, u32 mask, int shift, int bits, unsigned long long* __restrict__ hist) {
    __shared__ u32 sh[BS_BINS];
    const int nb = 1 << bits;
    for (int i = threadIdx.x; i < nb; i += blockDim.x) sh[i] = 0;
    __syncthreads();
    const u32 prefix = (u32) state[0] & mask;
    const u32 low = (u32) nb - 1u;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * ldx;
        for (int c = threadIdx.x * V; c < n; c += blockDim.x * V) {
            float v[V];
            u32 key[V];
            bsLoad<V>(xr, bias, c, n, v, key);
#pragma unroll
            for (int i = 0; i < V; i++) {
                if (c + i < n && (key[i] & mask) == prefix) atomicAdd(&sh[(key[i] >> shift) & low], 1u);
            }
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < nb; i += blockDim.x) {
        u32 v = sh[i];
        if (v) atomicAdd(&hist[i], (unsigned long long) v);
    }
}

extern "C" __global__ void __launch_bounds__(512) bsel_hist(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, const u64* __restrict__ state, u32 mask, int shift, int bits,
        unsigned long long* __restrict__ hist, int mode, const u32* __restrict__ flags, u32 cap) {
    if (!bsRun(mode, flags, cap)) return;
    bselHist<1>(x, ldx, bias, rows, n, state, mask, shift, bits, hist);
}

extern "C" __global__ void __launch_bounds__(512) bsel_hist4(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, const u64* __restrict__ state, u32 mask, int shift, int bits,
        unsigned long long* __restrict__ hist, int mode, const u32* __restrict__ flags, u32 cap) {
    if (!bsRun(mode, flags, cap)) return;
    bselHist<4>(x, ldx, bias, rows, n, state, mask, shift, bits, hist);
}

// Second pass over the matrix, after the first pick (B1 = state[0] >> 21): per row the keys above
// B1 (rowAbove); the keys in B1 counted by bits [10, 21) into hist and appended, while there is
// room (cap), to the candidates (candKey, candRow); flags[0] counts them all.
template <int V>
__device__ void bselGather(const float* __restrict__ x, long long ldx, const float* __restrict__ bias, int rows, int n,
        const u64* __restrict__ state, unsigned long long* __restrict__ hist, int* __restrict__ rowAbove,
        u32* __restrict__ candKey, int* __restrict__ candRow, u32* __restrict__ flags, u32 cap) {
    __shared__ u32 sh[BS_BINS];
    __shared__ int wsum[32];
    for (int i = threadIdx.x; i < BS_BINS; i += blockDim.x) sh[i] = 0;
    __syncthreads();
    const u32 b1 = (u32) (state[0] >> 21);
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * ldx;
        int above = 0;
        for (int cb = 0; cb < n; cb += blockDim.x * V) {
            int c = cb + threadIdx.x * V;
            float v[V];
            u32 key[V];
            bsLoad<V>(xr, bias, c, n, v, key);
#pragma unroll
            for (int i = 0; i < V; i++) {
                bool in = c + i < n;
                u32 hb = key[i] >> 21;
                above += in && hb > b1;
                bool cand = in && hb == b1;
                if (cand) atomicAdd(&sh[(key[i] >> 10) & 2047u], 1u);
                u32 bal = __ballot_sync(0xffffffffu, cand);
                if (bal) {
                    u32 base = 0;
                    if (lane == 0) base = atomicAdd(&flags[0], (u32) __popc(bal));
                    base = __shfl_sync(0xffffffffu, base, 0);
                    if (cand) {
                        u32 pos = base + __popc(bal & ((1u << lane) - 1u));
                        if (pos < cap) { candKey[pos] = key[i]; candRow[pos] = r; }
                    }
                }
            }
        }
        for (int o = 16; o > 0; o >>= 1) above += __shfl_xor_sync(0xffffffffu, above, o);
        if (lane == 0) wsum[wid] = above;
        __syncthreads();
        if (threadIdx.x == 0) {
            int t = 0;
            for (int w = 0; w < (int) (blockDim.x >> 5); w++) t += wsum[w];
            rowAbove[r] = t;
        }
        __syncthreads();
    }
    for (int i = threadIdx.x; i < BS_BINS; i += blockDim.x) {
        u32 v = sh[i];
        if (v) atomicAdd(&hist[i], (unsigned long long) v);
    }
}

extern "C" __global__ void __launch_bounds__(512) bsel_gather(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, const u64* __restrict__ state, unsigned long long* __restrict__ hist,
        int* __restrict__ rowAbove, u32* __restrict__ candKey, int* __restrict__ candRow, u32* __restrict__ flags, u32 cap) {
    if (!bsRun(2, flags, cap)) return;
    bselGather<1>(x, ldx, bias, rows, n, state, hist, rowAbove, candKey, candRow, flags, cap);
}

extern "C" __global__ void __launch_bounds__(512) bsel_gather4(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, const u64* __restrict__ state, unsigned long long* __restrict__ hist,
        int* __restrict__ rowAbove, u32* __restrict__ candKey, int* __restrict__ candRow, u32* __restrict__ flags, u32 cap) {
    if (!bsRun(2, flags, cap)) return;
    bselGather<4>(x, ldx, bias, rows, n, state, hist, rowAbove, candKey, candRow, flags, cap);
}

// A histogram over the candidates of the mode's path: keys whose bits selected by mask equal the
// prefix's, counted by bits [shift, shift + bits).
extern "C" __global__ void __launch_bounds__(512) bsel_hist_cand(const u32* __restrict__ candKey,
        const u32* __restrict__ flags, u32 cap, const u64* __restrict__ state, u32 mask, int shift, int bits,
        unsigned long long* __restrict__ hist, int mode) {
    __shared__ u32 sh[BS_BINS];
    if (!bsRun(mode, flags, cap)) return;
    const u32 count = bsCandidates(mode, flags);
    const int nb = 1 << bits;
    const u32 low = (u32) nb - 1u;
    for (int i = threadIdx.x; i < nb; i += blockDim.x) sh[i] = 0;
    __syncthreads();
    const u32 prefix = (u32) state[0] & mask;
    for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
        u32 key = candKey[i];
        if ((key & mask) == prefix) atomicAdd(&sh[(key >> shift) & low], 1u);
    }
    __syncthreads();
    for (int i = threadIdx.x; i < nb; i += blockDim.x) {
        u32 v = sh[i];
        if (v) atomicAdd(&hist[i], (unsigned long long) v);
    }
}

// Step 0: the keys at or above the hint (flags[4], when flags[3]) appended to the candidates
// while there is room; flags[1] counts them all.
template <int V>
__device__ void bselBound(const float* __restrict__ x, long long ldx, const float* __restrict__ bias, int rows, int n,
        u32* __restrict__ candKey, int* __restrict__ candRow, u32* __restrict__ flags, u32 cap) {
    if (flags[3] == 0) return;
    const u32 hint = flags[4];
    const int lane = threadIdx.x & 31;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * ldx;
        for (int cb = 0; cb < n; cb += blockDim.x * V) {
            int c = cb + threadIdx.x * V;
            float v[V];
            u32 key[V];
            bsLoad<V>(xr, bias, c, n, v, key);
            // candidates are rare: one ballot for the V keys of each thread, a scan only when some are
            int nc = 0;
#pragma unroll
            for (int i = 0; i < V; i++) nc += c + i < n && key[i] >= hint;
            if (__ballot_sync(0xffffffffu, nc > 0) == 0u) continue;
            int incl = nc;
            for (int o = 1; o < 32; o <<= 1) { int t = __shfl_up_sync(0xffffffffu, incl, o); if (lane >= o) incl += t; }
            u32 base = 0;
            if (lane == 31) base = atomicAdd(&flags[1], (u32) incl);
            base = __shfl_sync(0xffffffffu, base, 31);
            u32 pos = base + (u32) (incl - nc);
#pragma unroll
            for (int i = 0; i < V; i++) {
                if (c + i < n && key[i] >= hint) {
                    if (pos < cap) { candKey[pos] = key[i]; candRow[pos] = r; }
                    pos++;
                }
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(512) bsel_bound(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, u32* __restrict__ candKey, int* __restrict__ candRow,
        u32* __restrict__ flags, u32 cap) {
    bselBound<1>(x, ldx, bias, rows, n, candKey, candRow, flags, cap);
}

extern "C" __global__ void __launch_bounds__(512) bsel_bound4(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, u32* __restrict__ candKey, int* __restrict__ candRow,
        u32* __restrict__ flags, u32 cap) {
    bselBound<4>(x, ldx, bias, rows, n, candKey, candRow, flags, cap);
}

// One thread: the hint's candidates are used when there is a hint, they hold the total, and they fit.
extern "C" __global__ void bsel_check(u32* __restrict__ flags, u32 cap, unsigned long long total) {
    flags[2] = flags[3] != 0 && (unsigned long long) flags[1] >= total && flags[1] <= cap;
}

// One thread, after the select: the next call's hint, 2^20 below the threshold key (about 1/8 of
// a power of two below the threshold value).
extern "C" __global__ void bsel_hint(const u64* __restrict__ state, u32* __restrict__ flags) {
    u32 thr = (u32) state[0];
    flags[4] = thr > (1u << 20) ? thr - (1u << 20) : 0u;
    flags[3] = 1;
}

// One block of 1024 threads: the bucket b of hist holding the state[1]-th largest key (counting
// from the top bucket down); its bits go into the prefix, and the keys of the buckets above it
// are taken off state[1].
extern "C" __global__ void __launch_bounds__(1024) bsel_pick(const unsigned long long* __restrict__ hist, int bits,
        int shift, u64* __restrict__ state, int mode, const u32* __restrict__ flags, u32 cap) {
    __shared__ unsigned long long s[BS_BINS];
    if (!bsRun(mode, flags, cap)) return;
    const int nb = 1 << bits;
    const u64 rem = state[1];
    for (int i = threadIdx.x; i < nb; i += blockDim.x) s[i] = hist[i];
    __syncthreads();
    // suffix sums: s[b] = sum of hist[b .. nb)
    for (int off = 1; off < nb; off <<= 1) {
        unsigned long long t[BS_BINS / 1024];
        int q = 0;
        for (int i = threadIdx.x; i < nb; i += blockDim.x) t[q++] = i + off < nb ? s[i + off] : 0ull;
        __syncthreads();
        q = 0;
        for (int i = threadIdx.x; i < nb; i += blockDim.x) s[i] += t[q++];
        __syncthreads();
    }
    for (int b = threadIdx.x; b < nb; b += blockDim.x) {
        u64 above = b + 1 < nb ? s[b + 1] : 0ull;
        if (s[b] >= rem && above < rem) {
            state[0] = state[0] | ((u64) b << shift);
            state[1] = rem - above;
        }
    }
}

__device__ __forceinline__ bool bsAbove(u32 key, u32 thr, int noNan) {
    return key > thr && !(noNan && key == 0xffffffffu);
}

// One block per row: the keys above the threshold (state[0]) and equal to it. With noNan, NaN
// counts as neither (a threshold compare v > theta). mode 1: only when the candidates overflowed.
extern "C" __global__ void __launch_bounds__(256) bsel_count(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int n, const u64* __restrict__ state, int noNan,
        int* __restrict__ greater, int* __restrict__ equal, int mode, const u32* __restrict__ flags, u32 cap) {
    if (!bsRun(mode, flags, cap)) return;
    __shared__ int sh[2][32];
    const u32 thr = (u32) state[0];
    const float* xr = x + (long long) blockIdx.x * ldx;
    int g = 0, e = 0;
    for (int c = threadIdx.x; c < n; c += blockDim.x) {
        float v = xr[c];
        if (bias) v += bias[c];
        u32 key = f2key(v);
        g += bsAbove(key, thr, noNan);
        e += key == thr && !(noNan && key == 0xffffffffu);
    }
    for (int o = 16; o > 0; o >>= 1) {
        g += __shfl_xor_sync(0xffffffffu, g, o);
        e += __shfl_xor_sync(0xffffffffu, e, o);
    }
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
    if (lane == 0) { sh[0][wid] = g; sh[1][wid] = e; }
    __syncthreads();
    if (threadIdx.x == 0) {
        int tg = 0, te = 0;
        for (int w = 0; w < (int) (blockDim.x >> 5); w++) { tg += sh[0][w]; te += sh[1][w]; }
        greater[blockIdx.x] = tg;
        equal[blockIdx.x] = te;
    }
}

// The candidates of the mode's path above and equal to the threshold, added to their rows' counts
// (zeroed before).
extern "C" __global__ void bsel_count_cand(const u32* __restrict__ candKey, const int* __restrict__ candRow,
        const u32* __restrict__ flags, u32 cap, const u64* __restrict__ state, int* __restrict__ greater,
        int* __restrict__ equal, int mode) {
    if (!bsRun(mode, flags, cap)) return;
    const u32 count = bsCandidates(mode, flags);
    const u32 thr = (u32) state[0];
    for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
        u32 key = candKey[i];
        if (key > thr) atomicAdd(&greater[candRow[i]], 1);
        else if (key == thr) atomicAdd(&equal[candRow[i]], 1);
    }
}

// Exclusive scan of v over the block's threads; *all gets the sum. sh: 32 ints.
__device__ __forceinline__ int blockExclusiveScan(int v, int* sh, int* all) {
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    int incl = v;
    for (int o = 1; o < 32; o <<= 1) { int t = __shfl_up_sync(0xffffffffu, incl, o); if (lane >= o) incl += t; }
    __syncthreads();
    if (lane == 31) sh[wid] = incl;
    __syncthreads();
    int before = 0, sum = 0;
    for (int w = 0; w < nw; w++) { int t = sh[w]; if (w < wid) before += t; sum += t; }
    *all = sum;
    return before + incl - v;
}

// One block of 1024 threads: each row keeps its keys above the threshold (greater, plus rowAbove
// when not null and the path is that of step 2's candidates) and, in row order, equal keys until
// state[1] of them are taken: takeEq [rows], rowStart [rows + 1] (exclusive scan).
extern "C" __global__ void __launch_bounds__(1024) bsel_scan(const int* __restrict__ greater,
        const int* __restrict__ equal, const int* __restrict__ rowAbove, const u32* __restrict__ flags, u32 cap,
        int rows, const u64* __restrict__ state, int* __restrict__ rowStart, int* __restrict__ takeEq) {
    __shared__ int sh[32];
    const long long eqTotal = (long long) state[1];
    const bool addAbove = rowAbove && bsRun(4, flags, cap);
    long long eqBase = 0;
    int base = 0;
    for (int off = 0; off < rows; off += blockDim.x) {
        int r = off + threadIdx.x;
        int g = r < rows ? greater[r] + (addAbove ? rowAbove[r] : 0) : 0;
        int e = r < rows ? equal[r] : 0;
        int eAll, kAll;
        long long eqBefore = eqBase + blockExclusiveScan(e, sh, &eAll);
        long long left = eqTotal - eqBefore;
        int te = left <= 0 ? 0 : (int) min((long long) e, left);
        int before = blockExclusiveScan(g + te, sh, &kAll);
        if (r < rows) { rowStart[r] = base + before; takeEq[r] = te; }
        eqBase += eAll;
        base += kAll;
    }
    if (threadIdx.x == 0) rowStart[rows] = base;
}

// One block per row: the row's kept entries (keys above the threshold, then its first takeEq[r]
// keys equal to it) in column order at rowStart[r]: values, columns and (when rowOf is not null)
// the row. minPos (nullable) gets the smallest positive kept value, as float bits (atomicMin).
template <int V>
__device__ void bselWrite(const float* __restrict__ x, long long ldx, const float* __restrict__ bias, int n,
        const u64* __restrict__ state, int noNan, const int* __restrict__ rowStart, const int* __restrict__ takeEq,
        float* __restrict__ outVals, int* __restrict__ outIdx, int* __restrict__ rowOf, u32* __restrict__ minPos) {
    __shared__ int sh[32];
    const int r = blockIdx.x;
    const int base = rowStart[r];
    const int count = rowStart[r + 1] - base;
    if (count == 0) return;
    const int te = takeEq[r];
    const u32 thr = (u32) state[0];
    const float* xr = x + (long long) r * ldx;
    int kept = 0, eqSeen = 0;
    u32 mp = 0x7f800000u;
    for (int cb = 0; cb < n && kept < count; cb += blockDim.x * V) {
        const int c = cb + threadIdx.x * V;
        float v[V];
        u32 key[V];
        bsLoad<V>(xr, bias, c, n, v, key);
        bool take[V], eq[V];
        int nt = 0, ne = 0;
#pragma unroll
        for (int i = 0; i < V; i++) {
            bool in = c + i < n;
            take[i] = in && bsAbove(key[i], thr, noNan);
            eq[i] = te > 0 && in && key[i] == thr && !(noNan && key[i] == 0xffffffffu);
            nt += take[i];
            ne += eq[i];
        }
        if (!__syncthreads_or(nt + ne)) continue;
        if (te > 0) {
            int eAll;
            int rank = eqSeen + blockExclusiveScan(ne, sh, &eAll);
#pragma unroll
            for (int i = 0; i < V; i++) {
                if (eq[i]) {
                    if (rank < te && !take[i]) { take[i] = true; nt++; }
                    rank++;
                }
            }
            eqSeen += eAll;
        }
        int all;
        int pos = base + kept + blockExclusiveScan(nt, sh, &all);
#pragma unroll
        for (int i = 0; i < V; i++) {
            if (take[i]) {
                outVals[pos] = v[i];
                outIdx[pos] = c + i;
                if (rowOf) rowOf[pos] = r;
                if (v[i] > 0.f) mp = min(mp, __float_as_uint(v[i]));
                pos++;
            }
        }
        kept += all;
    }
    if (minPos) {
        for (int o = 16; o > 0; o >>= 1) mp = min(mp, __shfl_xor_sync(0xffffffffu, mp, o));
        if ((threadIdx.x & 31) == 0 && mp < 0x7f800000u) atomicMin(minPos, mp);
    }
}

extern "C" __global__ void __launch_bounds__(256) bsel_write(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int n, const u64* __restrict__ state, int noNan,
        const int* __restrict__ rowStart, const int* __restrict__ takeEq, float* __restrict__ outVals,
        int* __restrict__ outIdx, int* __restrict__ rowOf, u32* __restrict__ minPos) {
    bselWrite<1>(x, ldx, bias, n, state, noNan, rowStart, takeEq, outVals, outIdx, rowOf, minPos);
}

extern "C" __global__ void __launch_bounds__(256) bsel_write4(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int n, const u64* __restrict__ state, int noNan,
        const int* __restrict__ rowStart, const int* __restrict__ takeEq, float* __restrict__ outVals,
        int* __restrict__ outIdx, int* __restrict__ rowOf, u32* __restrict__ minPos) {
    bselWrite<4>(x, ldx, bias, n, state, noNan, rowStart, takeEq, outVals, outIdx, rowOf, minPos);
}
