/* Denormal floats (magnitudes below FLT_MIN) slow x86 multiply-adds down by up to two orders of
 * magnitude (microcode assists on Intel cores), and a penalty that shrinks weights whose gradient
 * is zero (the border pixels of images) makes such values after enough steps: a Fashion-MNIST
 * model trained 10 epochs with Adam and L2 held 1,340 of them, and predicted 2.7x slower. So the
 * engine's products and the updates fused into them read denormal inputs as zero and flush
 * denormal results to zero (MXCSR's DAZ and FTZ bits): set around each product on the calling
 * thread and restored after, and kept on the pool's own threads. The caller's other arithmetic is
 * left as it was. Elsewhere than x86-64 these do nothing. */
#ifndef MLP_CORE_FP_MODE_H
#define MLP_CORE_FP_MODE_H

#if defined(__x86_64__)
#include <xmmintrin.h>
#define CORE_MXCSR_DAZ_FTZ 0x8040u

/* Turns DAZ and FTZ on for this thread; returns the mode to restore. */
static inline unsigned core_denormals_off(void) {
    unsigned old = _mm_getcsr();
    if ((old & CORE_MXCSR_DAZ_FTZ) != CORE_MXCSR_DAZ_FTZ) _mm_setcsr(old | CORE_MXCSR_DAZ_FTZ);
    return old;
}

static inline void core_denormals_restore(unsigned old) {
    if ((old & CORE_MXCSR_DAZ_FTZ) != CORE_MXCSR_DAZ_FTZ) _mm_setcsr(old);
}
#else
static inline unsigned core_denormals_off(void) {
    return 0;
}

static inline void core_denormals_restore(unsigned old) {
    (void)old;
}
#endif

#endif
