// Batch-wide top-k (BatchTopK): the `total` largest values v = x[r, c] (+ bias[c]) of a rows x n
// matrix (row stride ldx), in the order of the CPU's batchTopk: Float.compare order (the keys of
// f2key), equal keys taken in row order, then column order. A radix select on the keys, 11 + 11 +
// 10 bits: three histogram passes over the matrix (bsel_hist), each followed by a one-block pick of
// the bucket that holds the total-th largest key (bsel_pick); then per-row counts of the keys above
// and equal to the threshold (bsel_count), a scan over the rows that hands the equal keys still to
// take to the rows in order (bsel_scan), and the compaction of each row's kept entries in column
// order into CSR lists (bsel_write).
// The same count / scan / write kernels keep, row by row, the entries above a given threshold
// (JumpReLU inference): state then holds the threshold's key and 0 equal keys to take.
// state (u64[2]): [0] the key prefix found so far (the threshold key after the third pass),
// [1] how many keys equal to the prefix's bucket are still to take.

#define BS_BINS 2048

__device__ __forceinline__ u32 bsKey(const float* __restrict__ xr, const float* __restrict__ bias, int c) {
    float v = xr[c];
    if (bias) v += bias[c];
    return f2key(v);
}

// One pass of the histogram: keys whose bits above shift + bits equal the prefix's (mask selects
// those bits; 0 in the first pass), counted by bits [shift, shift + bits) into hist [1 << bits].
extern "C" __global__ void __launch_bounds__(512) bsel_hist(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int rows, int n, const u64* __restrict__ state, u32 mask, int shift, int bits,
        unsigned long long* __restrict__ hist) {
    __shared__ u32 sh[BS_BINS];
    const int nb = 1 << bits;
    for (int i = threadIdx.x; i < nb; i += blockDim.x) sh[i] = 0;
    __syncthreads();
    const u32 prefix = (u32) state[0] & mask;
    const u32 low = (u32) nb - 1u;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * ldx;
        for (int c = threadIdx.x; c < n; c += blockDim.x) {
            u32 key = bsKey(xr, bias, c);
            if ((key & mask) == prefix) atomicAdd(&sh[(key >> shift) & low], 1u);
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < nb; i += blockDim.x) {
        u32 v = sh[i];
        if (v) atomicAdd(&hist[i], (unsigned long long) v);
    }
}

// One block of 1024 threads: the bucket b of hist holding the state[1]-th largest key (counting
// from the top bucket down); its bits go into the prefix, and the keys of the buckets above it
// are taken off state[1].
extern "C" __global__ void __launch_bounds__(1024) bsel_pick(const unsigned long long* __restrict__ hist, int bits,
        int shift, u64* __restrict__ state) {
    __shared__ unsigned long long s[BS_BINS];
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

// Exclusive prefix count of p over the block's threads (in thread order); *all gets the block's
// count. warpCnt: 32 ints of shared memory. Every thread of the block must call it.
__device__ __forceinline__ int blockPrefixCount(bool p, int* warpCnt, int* all) {
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    u32 b = __ballot_sync(0xffffffffu, p);
    __syncthreads();
    if (lane == 0) warpCnt[wid] = __popc(b);
    __syncthreads();
    int before = 0, sum = 0;
    for (int w = 0; w < nw; w++) { int t = warpCnt[w]; if (w < wid) before += t; sum += t; }
    *all = sum;
    return before + __popc(b & ((1u << lane) - 1u));
}

__device__ __forceinline__ bool bsAbove(u32 key, u32 thr, int noNan) {
    return key > thr && !(noNan && key == 0xffffffffu);
}

// One block per row: the keys above the threshold (state[0]) and equal to it. With noNan, NaN
// counts as neither (a threshold compare v > theta).
extern "C" __global__ void __launch_bounds__(256) bsel_count(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int n, const u64* __restrict__ state, int noNan,
        int* __restrict__ greater, int* __restrict__ equal) {
    __shared__ int sh[2][32];
    const u32 thr = (u32) state[0];
    const float* xr = x + (long long) blockIdx.x * ldx;
    int g = 0, e = 0;
    for (int c = threadIdx.x; c < n; c += blockDim.x) {
        u32 key = bsKey(xr, bias, c);
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

// One block of 1024 threads: each row keeps its keys above the threshold and, in row order, equal
// keys until state[1] of them are taken: takeEq [rows], rowStart [rows + 1] (exclusive scan).
extern "C" __global__ void __launch_bounds__(1024) bsel_scan(const int* __restrict__ greater,
        const int* __restrict__ equal, int rows, const u64* __restrict__ state, int* __restrict__ rowStart,
        int* __restrict__ takeEq) {
    __shared__ int sh[32];
    const long long eqTotal = (long long) state[1];
    long long eqBase = 0;
    int base = 0;
    for (int off = 0; off < rows; off += blockDim.x) {
        int r = off + threadIdx.x;
        int g = r < rows ? greater[r] : 0;
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
extern "C" __global__ void __launch_bounds__(256) bsel_write(const float* __restrict__ x, long long ldx,
        const float* __restrict__ bias, int n, const u64* __restrict__ state, int noNan,
        const int* __restrict__ rowStart, const int* __restrict__ takeEq, float* __restrict__ outVals,
        int* __restrict__ outIdx, int* __restrict__ rowOf, u32* __restrict__ minPos) {
    __shared__ int warpCnt[32];
    const int r = blockIdx.x;
    const int base = rowStart[r];
    const int count = rowStart[r + 1] - base;
    if (count == 0) return;
    const int te = takeEq[r];
    const u32 thr = (u32) state[0];
    const float* xr = x + (long long) r * ldx;
    int kept = 0, eqSeen = 0;
    u32 mp = 0x7f800000u;
    for (int cb = 0; cb < n && kept < count; cb += blockDim.x) {
        int c = cb + threadIdx.x;
        float v = 0.f;
        u32 key = 0;
        if (c < n) {
            v = xr[c];
            if (bias) v += bias[c];
            key = f2key(v);
        }
        bool take = c < n && bsAbove(key, thr, noNan);
        if (te > 0) {
            bool eq = c < n && key == thr && !(noNan && key == 0xffffffffu);
            int eAll;
            int rank = eqSeen + blockPrefixCount(eq, warpCnt, &eAll);
            take = take || (eq && rank < te);
            eqSeen += eAll;
        }
        int all;
        int pos = blockPrefixCount(take, warpCnt, &all);
        if (take) {
            int o = base + kept + pos;
            outVals[o] = v;
            outIdx[o] = c;
            if (rowOf) rowOf[o] = r;
            if (v > 0.f) mp = min(mp, __float_as_uint(v));
        }
        kept += all;
    }
    if (minPos) {
        for (int o = 16; o > 0; o >>= 1) mp = min(mp, __shfl_xor_sync(0xffffffffu, mp, o));
        if ((threadIdx.x & 31) == 0 && mp < 0x7f800000u) atomicMin(minPos, mp);
    }
}
