/* The machine's clock and AVX-512 FMA throughput per core, for BENCHMARKS.md's theoretical peak.
 *   gcc -O2 -o /tmp/peak_fma peak_fma.c && /tmp/peak_fma
 * clock: a chain of dependent 1-cycle integer adds (cycles / second = effective clock while busy);
 * fma: 12 independent vfmadd231ps zmm accumulators (32 flops each), the FMA pipes' ceiling.
 * Best of 15 tries (a shared machine only ever makes a try slower). x86-64 with AVX-512 only. */
#include <stdio.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){
  double bestclk=0,bestf=0;
  for(int rep=0;rep<15;rep++){
    long n=200000000; double t0=now();
    __asm__ volatile("mov %0, %%rcx\n1:\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n add $1,%%rax\n dec %%rcx\n jnz 1b\n"::"r"(n/8):"rax","rcx");
    double clk=n/(now()-t0);
    long m=20000000; t0=now();
    __asm__ volatile(
      "vxorps %%zmm0,%%zmm0,%%zmm0\n vmovaps %%zmm0,%%zmm1\n vmovaps %%zmm0,%%zmm2\n vmovaps %%zmm0,%%zmm3\n vmovaps %%zmm0,%%zmm4\n vmovaps %%zmm0,%%zmm5\n vmovaps %%zmm0,%%zmm6\n vmovaps %%zmm0,%%zmm7\n vmovaps %%zmm0,%%zmm8\n vmovaps %%zmm0,%%zmm9\n vmovaps %%zmm0,%%zmm10\n vmovaps %%zmm0,%%zmm11\n vmovaps %%zmm0,%%zmm14\n vmovaps %%zmm0,%%zmm15\n"
      "mov %0, %%rcx\n2:\n"
      "vfmadd231ps %%zmm14,%%zmm15,%%zmm0\n vfmadd231ps %%zmm14,%%zmm15,%%zmm1\n vfmadd231ps %%zmm14,%%zmm15,%%zmm2\n vfmadd231ps %%zmm14,%%zmm15,%%zmm3\n"
      "vfmadd231ps %%zmm14,%%zmm15,%%zmm4\n vfmadd231ps %%zmm14,%%zmm15,%%zmm5\n vfmadd231ps %%zmm14,%%zmm15,%%zmm6\n vfmadd231ps %%zmm14,%%zmm15,%%zmm7\n"
      "vfmadd231ps %%zmm14,%%zmm15,%%zmm8\n vfmadd231ps %%zmm14,%%zmm15,%%zmm9\n vfmadd231ps %%zmm14,%%zmm15,%%zmm10\n vfmadd231ps %%zmm14,%%zmm15,%%zmm11\n"
      "dec %%rcx\n jnz 2b\n"::"r"(m):"rcx","xmm0","xmm1","xmm2","xmm3","xmm4","xmm5","xmm6","xmm7","xmm8","xmm9","xmm10","xmm11","xmm14","xmm15");
    double f=12.0*m*32/(now()-t0);
    if(clk>bestclk)bestclk=clk; if(f>bestf)bestf=f;
    printf("clock %.2f GHz  zmm-fma %.1f GFLOP/s  (%.1f flops/cycle)\n", clk/1e9, f/1e9, f/clk);
  }
  printf("best: clock %.2f GHz, fma %.1f GFLOP/s, %.1f flops/cycle\n", bestclk/1e9, bestf/1e9, bestf/bestclk);
}
