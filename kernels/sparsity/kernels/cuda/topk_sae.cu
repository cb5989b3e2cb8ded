// The device-resident training step of a TopK sparse autoencoder with AuxK (ALGORITHMS.md).
// Compile-time: D (input width), DT (threads of a row or latent block, a multiple of 32),
// EPT = ceil(D / DT) elements per thread, K (latents kept per row).
// Weights latent-major: wenc, wdec [n x D]. Stats: double stats[8], int istats[8]:
//   stats[0] sum |x_hat - x|^2, stats[1] sum x^2, stats[2] AuxK sum of squares,
//   stats[3] total variance sum |x - mean|^2, stats[4] AuxK target variance (per element);
//   istats[0] active slots, istats[1] dead latents, istats[2] AuxK used (0/1).

// xc = x - b_pre
// xc = x - b_pre; also its bf16 copy when xc16 is not null (the bf16 encoder product's input).
extern "C" __global__ void sae_prep(const float* __restrict__ x, const float* __restrict__ bpre,
        float* __restrict__ xc, long long total, unsigned short* __restrict__ xc16) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        float v = x[i] - bpre[i % D];
        xc[i] = v;
        if (xc16) xc16[i] = bf16_rne(v);
    }
}

// One block per row: x_hat = b_pre + sum z W_dec[idx]; gx = (x_hat - x) * gscale; resid = x - x_hat
// (nullable); gz at the kept latents (0 where the pre-activation is <= 0); fired counts; sums.
// A row's kept latents are slots [r K, (r + 1) K) of vals / idx / gz, or, when rowStart is not null
// (BatchTopK: a varying number per row), slots [rowStart[r], rowStart[r + 1]).
extern "C" __global__ void __launch_bounds__(DT) sae_decode_residual(
        const float* __restrict__ x, const float* __restrict__ wdec, const float* __restrict__ bpre,
        const float* __restrict__ vals, const int* __restrict__ idx, const int* __restrict__ rowStart,
        float* __restrict__ gx, float* __restrict__ resid, float* __restrict__ gz,
        float gscale, float fireThr, int* __restrict__ fired, double* __restrict__ stats, int* __restrict__ istats) {
    __shared__ float sg[D];
    __shared__ float sz[K];
    __shared__ int sj[K];
    __shared__ double shd[32];
    const int tid = threadIdx.x;
    const long long r = blockIdx.x;
    const long long s0 = rowStart ? (long long) rowStart[r] : r * K;
    const int cnt = rowStart ? rowStart[r + 1] - rowStart[r] : K;
    int act = 0;
    float xh[EPT];
#pragma unroll
    for (int e = 0; e < EPT; e++) { int c = tid + e * DT; xh[e] = c < D ? bpre[c] : 0.f; }
    // the kept latents in chunks of K through shared memory
    for (int c0 = 0; c0 < cnt; c0 += K) {
        const int m = min(K, cnt - c0);
        __syncthreads();
        for (int s = tid; s < m; s += DT) {
            float v = vals[s0 + c0 + s];
            int j = idx[s0 + c0 + s];
            float z = v > 0.f ? v : 0.f;
            sz[s] = z;
            sj[s] = j;
            if (v > 0.f) act++;
            if (j >= 0 && z > fireThr) atomicAdd(&fired[j], 1);
        }
        __syncthreads();
        for (int s = 0; s < m; s++) {
            float z = sz[s];
            int j = sj[s];
            if (j < 0 || z == 0.f) continue;
            const float* w = wdec + (long long) j * D;
#pragma unroll
            for (int e = 0; e < EPT; e++) { int c = tid + e * DT; if (c < D) xh[e] = fmaf(z, w[c], xh[e]); }
        }
    }
    if (act) atomicAdd(&istats[0], act);
    double sse = 0, xsq = 0;
#pragma unroll
    for (int e = 0; e < EPT; e++) {
        int c = tid + e * DT;
        if (c < D) {
            float xv = x[r * D + c];
            float res = xh[e] - xv;
            sse += (double) res * res;
            xsq += (double) xv * xv;
            float g = res * gscale;
            gx[r * D + c] = g;
            sg[c] = g;
            if (resid) resid[r * D + c] = -res;
        }
    }
    sse = blockSumD(sse, shd);
    xsq = blockSumD(xsq, shd);
    if (tid == 0) { atomicAdd(&stats[0], sse); atomicAdd(&stats[1], xsq); }
    __syncthreads();
    const int lane = tid & 31, wid = tid >> 5;
    for (int s = wid; s < cnt; s += DT / 32) {
        int j = idx[s0 + s];
        float acc = 0.f;
        bool on = j >= 0 && vals[s0 + s] > 0.f;
        if (on) {
            const float* w = wdec + (long long) j * D;
            for (int c = lane; c < D; c += 32) acc = fmaf(sg[c], w[c], acc);
        }
        acc = warpSum(acc);
        if (lane == 0) gz[s0 + s] = on ? acc : 0.f;
    }
}

// One block of 1024 threads: tokens since each latent fired; the dead list (ascending); fired
// counts out for the host, zeroed for the next step.
extern "C" __global__ void __launch_bounds__(1024) sae_dead_update(int* __restrict__ fired, int* __restrict__ firedOut,
        long long* __restrict__ since, int n, int rows, long long window, int* __restrict__ deadList,
        int* __restrict__ istats) {
    __shared__ int warpCnt[32];
    __shared__ int base;
    const int tid = threadIdx.x, lane = tid & 31, wid = tid >> 5;
    if (tid == 0) base = 0;
    __syncthreads();
    for (int off = 0; off < n; off += 1024) {
        int j = off + tid;
        bool dead = false;
        if (j < n) {
            int f = fired[j];
            firedOut[j] = f;
            fired[j] = 0;
            long long s = f > 0 ? 0 : since[j] + rows;
            since[j] = s;
            dead = s >= window;
        }
        u32 b = __ballot_sync(0xffffffffu, dead);
        if (lane == 0) warpCnt[wid] = __popc(b);
        __syncthreads();
        int before = 0, all = 0;
        for (int w = 0; w < 32; w++) { int t = warpCnt[w]; if (w < wid) before += t; all += t; }
        if (dead) deadList[base + before + __popc(b & ((1u << lane) - 1u))] = j;
        __syncthreads();
        if (tid == 0) base += all;
        __syncthreads();
    }
    if (tid == 0) istats[1] = base;
}

// One block: the total variance of x and the AuxK scale (when AuxK is wanted and can run).
extern "C" __global__ void sae_finalize(const double* __restrict__ sumX, const double* __restrict__ sumE,
        double* __restrict__ stats, int* __restrict__ istats, int rows, float auxAlpha, int auxWanted,
        float* __restrict__ auxScale) {
    __shared__ double sh[32];
    double a = 0, b = 0;
    for (int c = threadIdx.x; c < D; c += blockDim.x) { a += sumX[c] * sumX[c]; b += sumE[c] * sumE[c]; }
    a = blockSumD(a, sh);
    b = blockSumD(b, sh);
    if (threadIdx.x == 0) {
        stats[3] = stats[1] - a / rows;
        double var = (stats[0] - b / rows) / ((double) rows * D);
        stats[4] = var;
        int ok = auxWanted && istats[1] > 0 && var > 0 && var < 1e300;
        istats[2] = ok;
        *auxScale = ok ? (float) (2.0 * auxAlpha / ((double) rows * D * var)) : 0.f;
    }
}

// One block per row (AuxK): e_hat = sum z_aux W_dec[aidx]; g = (e_hat - resid) * scale; gz_aux.
extern "C" __global__ void __launch_bounds__(DT) sae_aux_decode(const float* __restrict__ resid,
        const float* __restrict__ wdec, const float* __restrict__ avals, const int* __restrict__ aidx, int kw,
        float* __restrict__ gaux, float* __restrict__ gzaux, const float* __restrict__ auxScale,
        double* __restrict__ stats, const int* __restrict__ istats) {
    if (istats[2] == 0) return;
    __shared__ float sg[D];
    __shared__ double shd[32];
    const int tid = threadIdx.x;
    const long long r = blockIdx.x;
    const float scale = *auxScale;
    float eh[EPT];
#pragma unroll
    for (int e = 0; e < EPT; e++) eh[e] = 0.f;
    for (int s = 0; s < kw; s++) {
        int j = aidx[r * kw + s];
        if (j < 0) break;
        float z = avals[r * kw + s];
        if (!(z > 0.f)) continue;
        const float* w = wdec + (long long) j * D;
#pragma unroll
        for (int e = 0; e < EPT; e++) { int c = tid + e * DT; if (c < D) eh[e] = fmaf(z, w[c], eh[e]); }
    }
    double sse = 0;
#pragma unroll
    for (int e = 0; e < EPT; e++) {
        int c = tid + e * DT;
        if (c < D) {
            float diff = eh[e] - resid[r * D + c];
            sse += (double) diff * diff;
            float g = diff * scale;
            gaux[r * D + c] = g;
            sg[c] = g;
        }
    }
    sse = blockSumD(sse, shd);
    if (tid == 0) atomicAdd(&stats[2], sse);
    __syncthreads();
    const int lane = tid & 31, wid = tid >> 5;
    for (int s = wid; s < kw; s += DT / 32) {
        int j = aidx[r * kw + s];
        float v = avals[r * kw + s];
        bool on = j >= 0 && v > 0.f;
        float acc = 0.f;
        if (on) {
            const float* w = wdec + (long long) j * D;
            for (int c = lane; c < D; c += 32) acc = fmaf(sg[c], w[c], acc);
        }
        acc = warpSum(acc);
        if (lane == 0) gzaux[r * kw + s] = on ? acc : 0.f;
    }
}

// The (row, slot) pairs with a positive pre-activation, counted per latent (pass 0) or placed in
// latent order (pass 1, after the scan); pass 0 also sums the b_enc gradient. The row of main slot i
// is i / K, or rowOf[i] when rowOf is not null (BatchTopK).
extern "C" __global__ void sae_pairs(int pass, const float* __restrict__ vals, const int* __restrict__ idx,
        const int* __restrict__ rowOf, const float* __restrict__ gz, long long nMain, const float* __restrict__ avals, const int* __restrict__ aidx,
        const float* __restrict__ gzaux, long long nAux, int kw, const int* __restrict__ istats,
        int* __restrict__ cnt, float* __restrict__ gbenc, int* __restrict__ cursor,
        int* __restrict__ erow, float* __restrict__ ez, float* __restrict__ egz) {
    long long total = nMain + (istats[2] ? nAux : 0);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        float v, g;
        int j, row;
        if (i < nMain) {
            v = vals[i]; j = idx[i]; g = gz[i]; row = rowOf ? rowOf[i] : (int) (i / K);
        } else {
            long long a = i - nMain;
            v = avals[a]; j = aidx[a]; g = gzaux[a]; row = (int) (a / kw) | 0x80000000;
        }
        if (j < 0) continue;
        if (pass == 0) {
            atomicAdd(&gbenc[j], g);
            if (v > 0.f) atomicAdd(&cnt[j], 1);
        } else if (v > 0.f) {
            int pos = atomicAdd(&cursor[j], 1);
            erow[pos] = row;
            ez[pos] = v;
            egz[pos] = g;
        }
    }
}

// One block of 1024 threads: start = exclusive scan of cnt [n] (start has n + 1 entries), cursor = start.
extern "C" __global__ void __launch_bounds__(1024) scan_counts(const int* __restrict__ cnt, int n,
        int* __restrict__ start, int* __restrict__ cursor) {
    __shared__ int warpSums[32];
    __shared__ int base;
    const int tid = threadIdx.x, lane = tid & 31, wid = tid >> 5;
    if (tid == 0) base = 0;
    __syncthreads();
    for (int off = 0; off < n; off += 1024) {
        int j = off + tid;
        int v = j < n ? cnt[j] : 0;
        int incl = v;
        for (int o = 1; o < 32; o <<= 1) { int t = __shfl_up_sync(0xffffffffu, incl, o); if (lane >= o) incl += t; }
        if (lane == 31) warpSums[wid] = incl;
        __syncthreads();
        int before = 0, all = 0;
        for (int w = 0; w < 32; w++) { int t = warpSums[w]; if (w < wid) before += t; all += t; }
        if (j < n) { int s = base + before + incl - v; start[j] = s; cursor[j] = s; }
        __syncthreads();
        if (tid == 0) base += all;
        __syncthreads();
    }
    if (tid == 0) start[n] = base;
}

// gbpre[c] = (float) main[c] + (float) aux[c] (the column sums of the two output gradients).
extern "C" __global__ void sae_bpre_grad(const double* __restrict__ mainSum, const double* __restrict__ auxSum,
        float* __restrict__ gbpre) {
    for (int c = threadIdx.x; c < D; c += blockDim.x) gbpre[c] = (float) mainSum[c] + (float) auxSum[c];
}

__device__ __forceinline__ float adamOne(float p, float g, float* m, float* v, float lr, float b1, float b2,
        float eps, float c1, float c2) {
    float mi = b1 * *m + (1.f - b1) * g;
    float vi = b2 * *v + (1.f - b2) * g * g;
    *m = mi;
    *v = vi;
    return p - lr * (mi / c1) / (sqrtf(vi / c2) + eps);
}

// One block per latent: both weight gradients from the latent's pairs, the decoder gradient's
// component along its column removed, Adam on both rows and on b_enc, the decoder row renormalized.
extern "C" __global__ void __launch_bounds__(DT) sae_latent_update(
        const int* __restrict__ start, const int* __restrict__ erow, const float* __restrict__ ez,
        const float* __restrict__ egz, const float* __restrict__ gx, const float* __restrict__ gaux,
        const float* __restrict__ xc,
        float* __restrict__ wenc, float* __restrict__ menc, float* __restrict__ venc,
        float* __restrict__ wdec, float* __restrict__ mdec, float* __restrict__ vdec,
        float* __restrict__ benc, float* __restrict__ mbenc, float* __restrict__ vbenc, const float* __restrict__ gbenc,
        float lr, float b1, float b2, float eps, float c1, float c2, unsigned short* __restrict__ wenc16) {
    __shared__ float sh[32];
    const int tid = threadIdx.x;
    const long long j = blockIdx.x;
    float gd[EPT], ge[EPT];
#pragma unroll
    for (int e = 0; e < EPT; e++) { gd[e] = 0.f; ge[e] = 0.f; }
    int p0 = start[j], p1 = start[j + 1];
    for (int p = p0; p < p1; p++) {
        int row = erow[p];
        float zc = ez[p], gc = egz[p];
        const float* src = (row < 0 ? gaux : gx) + (long long) (row & 0x7fffffff) * D;
        const float* xr = xc + (long long) (row & 0x7fffffff) * D;
#pragma unroll
        for (int e = 0; e < EPT; e++) {
            int c = tid + e * DT;
            if (c < D) { gd[e] = fmaf(zc, src[c], gd[e]); ge[e] = fmaf(gc, xr[c], ge[e]); }
        }
    }
    const long long o = j * D;
    float w[EPT];
    float dot = 0.f;
#pragma unroll
    for (int e = 0; e < EPT; e++) { int c = tid + e * DT; w[e] = c < D ? wdec[o + c] : 0.f; dot = fmaf(gd[e], w[e], dot); }
    dot = blockSum(dot, sh);
    float nrm = 0.f;
#pragma unroll
    for (int e = 0; e < EPT; e++) {
        int c = tid + e * DT;
        if (c < D) {
            float g = dot != 0.f ? gd[e] - dot * w[e] : gd[e];
            w[e] = adamOne(w[e], g, &mdec[o + c], &vdec[o + c], lr, b1, b2, eps, c1, c2);
            nrm = fmaf(w[e], w[e], nrm);
        }
    }
    nrm = blockSum(nrm, sh);
    float inv = 1.f / fmaxf(sqrtf(nrm), 1e-30f);
#pragma unroll
    for (int e = 0; e < EPT; e++) {
        int c = tid + e * DT;
        if (c < D) {
            wdec[o + c] = w[e] * inv;
            float nw = adamOne(wenc[o + c], ge[e], &menc[o + c], &venc[o + c], lr, b1, b2, eps, c1, c2);
            wenc[o + c] = nw;
            if (wenc16) wenc16[o + c] = bf16_rne(nw);
        }
    }
    if (tid == 0) benc[j] = adamOne(benc[j], gbenc[j], &mbenc[j], &vbenc[j], lr, b1, b2, eps, c1, c2);
}

// Inference decode: out = b_pre + sum relu(vals) W_dec[idx]; z = relu(vals). A row's slots as in
// sae_decode_residual (rowStart nullable).
extern "C" __global__ void __launch_bounds__(DT) sae_decode(const float* __restrict__ wdec, const float* __restrict__ bpre,
        const float* __restrict__ vals, const int* __restrict__ idx, const int* __restrict__ rowStart,
        float* __restrict__ z, float* __restrict__ out) {
    const int tid = threadIdx.x;
    const long long r = blockIdx.x;
    const long long s0 = rowStart ? (long long) rowStart[r] : r * K;
    const int cnt = rowStart ? rowStart[r + 1] - rowStart[r] : K;
    float xh[EPT];
#pragma unroll
    for (int e = 0; e < EPT; e++) { int c = tid + e * DT; xh[e] = c < D ? bpre[c] : 0.f; }
    for (int s = 0; s < cnt; s++) {
        float v = vals[s0 + s];
        float zv = v > 0.f ? v : 0.f;
        int j = idx[s0 + s];
        if (tid == 0) z[s0 + s] = zv;
        if (j < 0 || zv == 0.f) continue;
        const float* w = wdec + (long long) j * D;
#pragma unroll
        for (int e = 0; e < EPT; e++) { int c = tid + e * DT; if (c < D) xh[e] = fmaf(zv, w[c], xh[e]); }
    }
#pragma unroll
    for (int e = 0; e < EPT; e++) { int c = tid + e * DT; if (c < D) out[r * D + c] = xh[e]; }
}

// sae_latent_update with float4 accesses (D a multiple of 4): DT4 threads, EPT4 float4 each.
#if (D % 4) == 0
#ifndef DT4
#define DT4 ((((D / 4) + 31) / 32) * 32 > 256 ? 256 : (((D / 4) + 31) / 32) * 32)
#endif
#define D4 (D / 4)
#define EPT4 ((D4 + DT4 - 1) / DT4)

__device__ __forceinline__ float4 f4fma(float a, float4 x, float4 y) {
    return make_float4(fmaf(a, x.x, y.x), fmaf(a, x.y, y.y), fmaf(a, x.z, y.z), fmaf(a, x.w, y.w));
}

__device__ __forceinline__ void adam4(float4* p, float4 g, float4* m, float4* v, float lr, float b1, float b2, float eps,
        float c1, float c2) {
    float4 mm = *m, vv = *v, pp = *p;
    pp.x = adamOne(pp.x, g.x, &mm.x, &vv.x, lr, b1, b2, eps, c1, c2);
    pp.y = adamOne(pp.y, g.y, &mm.y, &vv.y, lr, b1, b2, eps, c1, c2);
    pp.z = adamOne(pp.z, g.z, &mm.z, &vv.z, lr, b1, b2, eps, c1, c2);
    pp.w = adamOne(pp.w, g.w, &mm.w, &vv.w, lr, b1, b2, eps, c1, c2);
    *m = mm;
    *v = vv;
    *p = pp;
}

extern "C" __global__ void __launch_bounds__(DT4) sae_latent_update4(
        const int* __restrict__ start, const int* __restrict__ erow, const float* __restrict__ ez,
        const float* __restrict__ egz, const float* __restrict__ gx, const float* __restrict__ gaux,
        const float* __restrict__ xc,
        float* __restrict__ wenc, float* __restrict__ menc, float* __restrict__ venc,
        float* __restrict__ wdec, float* __restrict__ mdec, float* __restrict__ vdec,
        float* __restrict__ benc, float* __restrict__ mbenc, float* __restrict__ vbenc, const float* __restrict__ gbenc,
        float lr, float b1, float b2, float eps, float c1, float c2, unsigned short* __restrict__ wenc16) {
    __shared__ float sh[32];
    const int tid = threadIdx.x;
    const long long j = blockIdx.x;
    float4 gd[EPT4], ge[EPT4];
    const float4 zero4 = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll
    for (int e = 0; e < EPT4; e++) { gd[e] = zero4; ge[e] = zero4; }
    int p0 = start[j], p1 = start[j + 1];
    for (int p = p0; p < p1; p++) {
        int row = erow[p];
        float zc = ez[p], gc = egz[p];
        const float4* src = (const float4*) ((row < 0 ? gaux : gx) + (long long) (row & 0x7fffffff) * D);
        const float4* xr = (const float4*) (xc + (long long) (row & 0x7fffffff) * D);
#pragma unroll
        for (int e = 0; e < EPT4; e++) {
            int c = tid + e * DT4;
            if (c < D4) { gd[e] = f4fma(zc, src[c], gd[e]); ge[e] = f4fma(gc, xr[c], ge[e]); }
        }
    }
    const long long o4 = j * D4;
    float4* wd = (float4*) wdec + o4;
    float4 w[EPT4];
    float dot = 0.f;
#pragma unroll
    for (int e = 0; e < EPT4; e++) {
        int c = tid + e * DT4;
        w[e] = c < D4 ? wd[c] : zero4;
        dot += gd[e].x * w[e].x + gd[e].y * w[e].y + gd[e].z * w[e].z + gd[e].w * w[e].w;
    }
    dot = blockSum(dot, sh);
    float nrm = 0.f;
#pragma unroll
    for (int e = 0; e < EPT4; e++) {
        int c = tid + e * DT4;
        if (c < D4) {
            float4 g = gd[e];
            if (dot != 0.f) g = f4fma(-dot, w[e], g);
            adam4(&w[e], g, (float4*) mdec + o4 + c, (float4*) vdec + o4 + c, lr, b1, b2, eps, c1, c2);
            nrm += w[e].x * w[e].x + w[e].y * w[e].y + w[e].z * w[e].z + w[e].w * w[e].w;
        }
    }
    nrm = blockSum(nrm, sh);
    float inv = 1.f / fmaxf(sqrtf(nrm), 1e-30f);
#pragma unroll
    for (int e = 0; e < EPT4; e++) {
        int c = tid + e * DT4;
        if (c < D4) {
            wd[c] = make_float4(w[e].x * inv, w[e].y * inv, w[e].z * inv, w[e].w * inv);
            float4 we = ((float4*) wenc)[o4 + c];
            adam4(&we, ge[e], (float4*) menc + o4 + c, (float4*) venc + o4 + c, lr, b1, b2, eps, c1, c2);
            ((float4*) wenc)[o4 + c] = we;
            if (wenc16) ((ushort4*) wenc16)[o4 + c] = make_ushort4(bf16_rne(we.x), bf16_rne(we.y), bf16_rne(we.z), bf16_rne(we.w));
        }
    }
    if (tid == 0) benc[j] = adamOne(benc[j], gbenc[j], &mbenc[j], &vbenc[j], lr, b1, b2, eps, c1, c2);
}
#endif
