/* iwdg.c: independent watchdog (RM0090 ch. 19: KR start/unlock/reload keys, PR, RLR, SR PVU/RVU). */
#include "drivers/iwdg.h"

#include <stddef.h>

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/wait.h"

#define IWDG_KR DRV_REG(STM32_IWDG + 0x00u)
#define IWDG_PR DRV_REG(STM32_IWDG + 0x04u)
#define IWDG_RLR DRV_REG(STM32_IWDG + 0x08u)
#define IWDG_SR DRV_REG(STM32_IWDG + 0x0Cu)
#define KEY_START 0xCCCCu
#define KEY_UNLOCK 0x5555u
#define KEY_RELOAD 0xAAAAu
#define SR_BUSY 3u /* PVU | RVU: a PR/RLR update is still crossing into the LSI domain */
#define LSI_HZ 32000u
#define UPDATE_TIMEOUT_US 50000u /* an update takes up to 5 LSI periods (~300 us at 17 kHz) */

int stm32_iwdg_start(uint32_t timeout_ms, uint32_t *actual_ms) {
    if (timeout_ms == 0u || timeout_ms > 32768u) {
        return -STM32_EINVAL;
    }
    const uint32_t ticks = timeout_ms * (LSI_HZ / 1000u);
    uint32_t pr = 0u; /* divider 4 << pr, counter 12 bits */
    while ((ticks + (4u << pr) - 1u) / (4u << pr) > 4096u) {
        pr++;
    }
    uint32_t reload = (ticks + (4u << pr) / 2u) / (4u << pr);
    reload = reload == 0u ? 1u : reload;
    IWDG_KR = KEY_START; /* also starts the LSI */
    IWDG_KR = KEY_UNLOCK;
    if (stm32_wait_reg(&IWDG_SR, SR_BUSY, 0u, UPDATE_TIMEOUT_US) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    IWDG_PR = pr;
    IWDG_RLR = reload - 1u;
    if (stm32_wait_reg(&IWDG_SR, SR_BUSY, 0u, UPDATE_TIMEOUT_US) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    IWDG_KR = KEY_RELOAD; /* also write-protects PR/RLR again */
    if (actual_ms != NULL) {
        *actual_ms = reload * (4u << pr) / (LSI_HZ / 1000u);
    }
    return STM32_OK;
}

void stm32_iwdg_feed(void) {
    IWDG_KR = KEY_RELOAD;
}
