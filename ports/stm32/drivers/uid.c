/* uid.c: unique device ID (RM0090 39.1 at 0x1FFF7A10; RM0410 45.1 at 0x1FF0F420) and flash size register. */
#include "drivers/uid.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "stm32_series.h"

void stm32_unique_id(uint8_t out[12]) {
    /* Word reads: the ID area is read-only system memory, byte lanes are not guaranteed on every bus. */
    for (uint32_t i = 0; i < 3u; i++) {
        const uint32_t word = DRV_REG(STM32_UID_BASE + 4u * i);
        for (uint32_t b = 0; b < 4u; b++) {
            out[4u * i + b] = (uint8_t)(word >> (8u * b));
        }
    }
}

uint32_t stm32_flash_size_kib(void) {
    return DRV_REG16(STM32_FLASH_SIZE_REG);
}
