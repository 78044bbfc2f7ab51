/* cexample.h: limits of the cexample user C module (an example of a kiln_module.toml folder). */
#ifndef CEXAMPLE_H
#define CEXAMPLE_H

/* Accumulator.add() refuses to step by more than this in one call. */
#define CEXAMPLE_MAX_STEP 1000000

#endif
