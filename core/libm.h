/* libm.h: libm at the precision of kn_float_t: the float functions on single-precision ports (half the code, and the FPU runs them). */
#ifndef KILN_LIBM_H
#define KILN_LIBM_H

#include <math.h>

#include "config.h"

#if KILN_FLOAT_SINGLE
typedef float kn_real_t;
#define KN_M(fn) fn##f
#else
typedef double kn_real_t;
#define KN_M(fn) fn
#endif

#endif
