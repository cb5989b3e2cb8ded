// Generic operations of the GPU backend (shapes known only at run time). Row-major, contiguous.

// out[r, :] = beta * out[r, :] + sum_s val[r, s] * w[idx[r, s], :]; an index < 0 is skipped.
extern "C" __global__ void sparse_decode(const int* __restrict__ idx, const float* __restrict__ val, int k,
        const float* __restrict__ w, int d, float beta, float* __restrict__ out) {
    long long r = blockIdx.x;
    const int* ir = idx + r * k;
    const float* vr = val + r * k;
    for (int c = threadIdx.x; c < d; c += blockDim.x) {
        float acc = 0.f;
        for (int s = 0; s < k; s++) {
            int j = ir[s];
            if (j >= 0) acc += vr[s] * w[(long long) j * d + c];
        }
        float* o = out + r * d + c;
        *o = beta == 0.f ? acc : beta * *o + acc;
    }
}

// w[idx[r, s], :] += val[r, s] * g[r, :] (atomics: the order of the additions is not fixed).
extern "C" __global__ void sparse_outer_acc(const int* __restrict__ idx, const float* __restrict__ val, int k,
        const float* __restrict__ g, int d, float* __restrict__ w) {
    long long r = blockIdx.x;
    for (int s = 0; s < k; s++) {
        int j = idx[r * k + s];
        if (j < 0) continue;
        float v = val[r * k + s];
        for (int c = threadIdx.x; c < d; c += blockDim.x) atomicAdd(&w[(long long) j * d + c], v * g[r * d + c]);
    }
}

// out[r, s] = dot(g[r, :], w[idx[r, s], :]) (0 for an index < 0); one warp per slot.
extern "C" __global__ void sparse_row_dots(const int* __restrict__ idx, const float* __restrict__ g, int k,
        const float* __restrict__ w, int d, float* __restrict__ out) {
    long long r = blockIdx.x;
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (int s = wid; s < k; s += nw) {
        int j = idx[r * k + s];
        float acc = 0.f;
        if (j >= 0) for (int c = lane; c < d; c += 32) acc += g[r * d + c] * w[(long long) j * d + c];
        acc = warpSum(acc);
        if (lane == 0) out[r * k + s] = acc;
    }
}

// dst[idx[i]] += val[i] for i < total (index < 0 skipped).
extern "C" __global__ void scatter_add(const int* __restrict__ idx, const float* __restrict__ val, long long total,
        float* __restrict__ dst) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        int j = idx[i];
        if (j >= 0) atomicAdd(&dst[j], val[i]);
    }
}

// out[r] = ||x[r, :]|| (double accumulation); with normalize, x[r, :] /= max(||x[r, :]||, eps) in place.
extern "C" __global__ void row_norms(float* __restrict__ x, int cols, float eps, int normalize, float* __restrict__ out) {
    __shared__ double sh[32];
    long long r = blockIdx.x;
    float* xr = x + r * cols;
    double s = 0;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += (double) xr[c] * xr[c];
    s = blockSumD(s, sh);
    double norm = sqrt(s);
    if (normalize) {
        double dn = fmax(norm, (double) eps);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) xr[c] = (float) (xr[c] / dn);
    } else if (threadIdx.x == 0) {
        out[r] = (float) norm;
    }
}

// One Adam step in place; c1 = 1 - beta1^t, c2 = 1 - beta2^t.
extern "C" __global__ void adam_vec(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
        float* __restrict__ v, long long n, float lr, float b1, float b2, float eps, float c1, float c2) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float gi = g[i];
        float mi = b1 * m[i] + (1.f - b1) * gi;
        float vi = b2 * v[i] + (1.f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * (mi / c1) / (sqrtf(vi / c2) + eps);
    }
}

// out[c] += sum over rows of a[r, c], in double; skipped when guard is given and *guard == 0.
// Block (32, 8); grid (ceil(cols / 32), any).
extern "C" __global__ void colsum_f64(const float* __restrict__ a, int rows, int cols, double* __restrict__ out,
        const int* __restrict__ guard) {
    __shared__ double sh[8][33];
    if (guard && *guard == 0) return;
    int c = blockIdx.x * 32 + threadIdx.x;
    double s = 0;
    if (c < cols) {
        for (int r = blockIdx.y * 8 + threadIdx.y; r < rows; r += gridDim.y * 8) s += a[(long long) r * cols + c];
    }
    sh[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        for (int y = 1; y < 8; y++) s += sh[y][threadIdx.x];
        atomicAdd(&out[c], s);
    }
}

// out[i] = in[i] rounded to bfloat16 (nearest, ties to even; NaN stays NaN), as torch's .to(bfloat16).
extern "C" __global__ void f32_to_bf16(const float* __restrict__ in, unsigned short* __restrict__ out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        out[i] = bf16_rne(in[i]);
    }
}
