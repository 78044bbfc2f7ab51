/* reset.c: the cause of the last reset, from WATCHDOG_REASON and VREG_AND_CHIP_RESET CHIP_RESET. */
#include "rp2_reset.h"

#include "rp2040.h"

#define WATCHDOG_REASON (WATCHDOG_BASE + 0x08u)
#define WATCHDOG_REASON_TIMER (1u << 0)
#define WATCHDOG_REASON_FORCE (1u << 1)
#define CHIP_RESET (VREG_AND_CHIP_RESET_BASE + 0x08u)
#define CHIP_RESET_HAD_RUN (1u << 16)
#define CHIP_RESET_HAD_PSM_RESTART (1u << 20)

/* The watchdog's reason survives only a watchdog reset (any other reset clears it), so it is
 * checked first; CHIP_RESET then tells the external causes apart. */
rp2_reset_cause_t rp2_reset_cause(void) {
    uint32_t reason = REG32(WATCHDOG_REASON);
    if (reason & WATCHDOG_REASON_TIMER) {
        return RP2_RESET_WATCHDOG;
    }
    if (reason & WATCHDOG_REASON_FORCE) {
        return RP2_RESET_SOFT;
    }
    uint32_t chip = REG32(CHIP_RESET);
    if (chip & CHIP_RESET_HAD_PSM_RESTART) {
        return RP2_RESET_DEBUG;
    }
    if (chip & CHIP_RESET_HAD_RUN) {
        return RP2_RESET_RUN_PIN;
    }
    return RP2_RESET_POWER_ON;
}
