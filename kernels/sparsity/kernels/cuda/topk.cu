// Row-wise top-k (values descending, ties to the lower column), one block per row.
// TK_THREADS and TK_CAP are set by the Java side (defaults below).
#ifndef TK_THREADS
#define TK_THREADS 512
#endif
#ifndef TK_CAP
#define TK_CAP 2048
#endif

// Sorts n (a power of two) 64-bit keys in shared memory, descending.
__device__ void bitonicDesc(u64* a, int n) {
    for (int size = 2; size <= n; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            __syncthreads();
            for (int i = threadIdx.x; i < n; i += blockDim.x) {
                int j = i ^ stride;
                if (j > i) {
                    bool desc = (i & size) == 0;
                    u64 x = a[i], y = a[j];
                    if ((x < y) == desc) { a[i] = y; a[j] = x; }
                }
            }
        }
    }
    __syncthreads();
}


// Sorts one value per lane of a warp, descending (lane 0 the largest).
__device__ __forceinline__ u32 warpSortDesc(u32 v) {
    const int lane = threadIdx.x & 31;
    for (int size = 2; size <= 32; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            u32 o = __shfl_xor_sync(0xffffffffu, v, stride);
            bool desc = (lane & size) == 0, lower = (lane & stride) == 0;
            v = (lower == desc) ? max(v, o) : min(v, o);
        }
    }
    return v;
}

// v (sorted descending across the warp) merged with another descending list o given reversed
// (lane l holds its (31 - l)-th): the 32 largest of both, descending.
__device__ __forceinline__ u32 warpMergeTop(u32 v, u32 oReversed) {
    const int lane = threadIdx.x & 31;
    v = max(v, oReversed);
    for (int stride = 16; stride > 0; stride >>= 1) {
        u32 o = __shfl_xor_sync(0xffffffffu, v, stride);
        v = (lane & stride) == 0 ? max(v, o) : min(v, o);
    }
    return v;
}

// The kk-th largest (kk <= 32) of one value per thread of the block; every thread gets it.
__device__ u32 blockKthLargest32(u32 v, int kk, u32 (*lists)[32]) {
    const int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = warpSortDesc(v);
    lists[w][lane] = v;
    for (int step = 1; step < nw; step <<= 1) {
        __syncthreads();
        if ((w % (2 * step)) == 0 && w + step < nw) {
            v = warpMergeTop(v, lists[w + step][31 - lane]);
            lists[w][lane] = v;
        }
    }
    __syncthreads();
    return lists[0][kk - 1];
}

__device__ __forceinline__ u32 tkKey(const float* __restrict__ xr, const float* __restrict__ bias,
                                     const int* __restrict__ cols, int t, int* colOut) {
    int c = cols ? cols[t] : t;
    *colOut = c;
    float v = xr[c];
    if (bias) v += bias[c];
    return f2key(v);
}

// x [rows x ldx] (row-major); candidates are columns 0..ncols-1, or the listed columns cols[0..m)
// (ascending) with m read from *ncolsPtr when given; bias (nullable) is added to every value.
// Writes kk = min(k, m) pairs per row into outVals/outIdx [rows x outWidth] (outWidth >= k),
// the rest of the row padded with value 0 and index -1. A zero *guard skips the row (padding).
// Needs k <= TK_CAP.
extern "C" __global__ void __launch_bounds__(TK_THREADS) topk_rows(
        const float* __restrict__ x, long long ldx, const float* __restrict__ bias,
        const int* __restrict__ cols, const int* __restrict__ ncolsPtr, int ncols, int k, int outWidth,
        float* __restrict__ outVals, int* __restrict__ outIdx, const int* __restrict__ guard) {
    __shared__ u64 cand[TK_CAP];
    __shared__ u32 tmax[TK_THREADS];
    __shared__ int cnt, shSel, shRem, shTaken, shWarp[32];
    const int tid = threadIdx.x, lane = tid & 31, wid = tid >> 5;
    const long long row = blockIdx.x;
    const float* xr = x + row * ldx;
    int m = ncolsPtr ? *ncolsPtr : ncols;
    if (guard && *guard == 0) m = 0;
    int kk = min(k, m);
    float* ov = outVals + row * outWidth;
    int* oi = outIdx + row * outWidth;
    for (int s = kk + tid; s < outWidth; s += blockDim.x) { ov[s] = 0.f; oi[s] = -1; }
    if (kk <= 0) return;
    int c;
    bool fast = kk <= TK_THREADS;
    if (fast) {
        __shared__ u32 lists[TK_THREADS / 32][32];
#ifdef TK_CACHE
        const bool cached = m <= TK_THREADS * TK_CACHE;
        u32 keys[TK_CACHE];
#else
        const bool cached = false;
#endif
        // 1. each thread's largest key; the kk-th largest of those is a threshold with >= kk keys above
        u32 tm = 0;
        if (cached) {
#ifdef TK_CACHE
#pragma unroll
            for (int i = 0; i < TK_CACHE; i++) {
                int t = i * TK_THREADS + tid;
                keys[i] = t < m ? tkKey(xr, bias, cols, t, &c) : 0u;
                tm = max(tm, keys[i]);
            }
#endif
        } else {
            for (int t = tid; t < m; t += blockDim.x) tm = max(tm, tkKey(xr, bias, cols, t, &c));
        }
        u32 thr;
        if (kk <= 32) {
            thr = blockKthLargest32(tm, kk, lists);
            if (tid == 0) cnt = 0;
            __syncthreads();
        } else {
            tmax[tid] = tm;
            for (int size = 2; size <= TK_THREADS; size <<= 1) {
                for (int stride = size >> 1; stride > 0; stride >>= 1) {
                    __syncthreads();
                    int j = tid ^ stride;
                    if (j > tid) {
                        bool desc = (tid & size) == 0;
                        u32 a = tmax[tid], b = tmax[j];
                        if ((a < b) == desc) { tmax[tid] = b; tmax[j] = a; }
                    }
                }
            }
            if (tid == 0) cnt = 0;
            __syncthreads();
            thr = tmax[kk - 1];
        }
        // 2. gather every key >= thr
        if (cached) {
#ifdef TK_CACHE
#pragma unroll
            for (int i = 0; i < TK_CACHE; i++) {
                int t = i * TK_THREADS + tid;
                u32 key = keys[i];
                bool take = t < m && key >= thr;
                u32 b = __ballot_sync(0xffffffffu, take);
                if (b) {
                    int off = 0;
                    if (lane == 0) off = atomicAdd(&cnt, __popc(b));
                    off = __shfl_sync(0xffffffffu, off, 0);
                    if (take) {
                        int pos = off + __popc(b & ((1u << lane) - 1u));
                        int col = cols ? cols[t] : t;
                        if (pos < TK_CAP) cand[pos] = ((u64) key << 32) | (u64) (0xffffffffu - (u32) col);
                    }
                }
            }
#endif
        } else {
            for (int base = 0; base < m; base += blockDim.x) {
                int t = base + tid;
                u32 key = 0;
                if (t < m) key = tkKey(xr, bias, cols, t, &c);
                bool take = t < m && key >= thr;
                u32 b = __ballot_sync(0xffffffffu, take);
                if (b) {
                    int off = 0;
                    if (lane == 0) off = atomicAdd(&cnt, __popc(b));
                    off = __shfl_sync(0xffffffffu, off, 0);
                    if (take) {
                        int pos = off + __popc(b & ((1u << lane) - 1u));
                        if (pos < TK_CAP) cand[pos] = ((u64) key << 32) | (u64) (0xffffffffu - (u32) c);
                    }
                }
            }
        }
        __syncthreads();
        fast = cnt <= TK_CAP;
        __syncthreads();
    }
    int total;
    if (fast) {
        total = cnt;
    } else {
        // exact radix select of the kk-th largest key, 8 bits at a time
        __shared__ int hist[256];
        u32 prefix = 0, mask = 0;
        int rem = kk;
        for (int shift = 24; shift >= 0; shift -= 8) {
            for (int i = tid; i < 256; i += blockDim.x) hist[i] = 0;
            __syncthreads();
            for (int t = tid; t < m; t += blockDim.x) {
                u32 key = tkKey(xr, bias, cols, t, &c);
                if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255u], 1);
            }
            __syncthreads();
            if (tid == 0) {
                int cum = 0, sel = 0;
                for (int dgt = 255; dgt >= 0; dgt--) {
                    if (cum + hist[dgt] >= rem) { sel = dgt; break; }
                    cum += hist[dgt];
                }
                shSel = sel;
                shRem = rem - cum;
            }
            __syncthreads();
            prefix |= ((u32) shSel) << shift;
            mask |= 255u << shift;
            rem = shRem;
            __syncthreads();
        }
        // keys above the threshold, then the rem lowest-index keys equal to it
        if (tid == 0) { cnt = 0; shTaken = 0; }
        __syncthreads();
        for (int t = tid; t < m; t += blockDim.x) {
            u32 key = tkKey(xr, bias, cols, t, &c);
            if (key > prefix) {
                int pos = atomicAdd(&cnt, 1);
                cand[pos] = ((u64) key << 32) | (u64) (0xffffffffu - (u32) c);
            }
        }
        __syncthreads();
        for (int base = 0; base < m; base += blockDim.x) {
            int t = base + tid;
            u32 key = 0;
            if (t < m) key = tkKey(xr, bias, cols, t, &c);
            bool eq = t < m && key == prefix;
            u32 b = __ballot_sync(0xffffffffu, eq);
            if (lane == 0) shWarp[wid] = __popc(b);
            __syncthreads();
            int before = 0, all = 0;
            for (int w = 0; w < (int) (blockDim.x >> 5); w++) { if (w < wid) before += shWarp[w]; all += shWarp[w]; }
            before += __popc(b & ((1u << lane) - 1u));
            int taken = shTaken;
            if (eq && taken + before < rem) {
                int pos = atomicAdd(&cnt, 1);
                cand[pos] = ((u64) key << 32) | (u64) (0xffffffffu - (u32) c);
            }
            __syncthreads();
            if (tid == 0) shTaken = taken + all;
            __syncthreads();
            if (shTaken >= rem) break;
        }
        __syncthreads();
        total = cnt;
    }
    int p = 1;
    while (p < total) p <<= 1;
    for (int i = total + tid; i < p; i += blockDim.x) cand[i] = 0;
    bitonicDesc(cand, p);
    for (int s = tid; s < kk; s += blockDim.x) {
        u64 e = cand[s];
        ov[s] = key2f((u32) (e >> 32));
        oi[s] = (int) (0xffffffffu - (u32) e);
    }
}
