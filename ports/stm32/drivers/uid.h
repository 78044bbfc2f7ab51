/* uid.h: the 96-bit unique device ID and the flash size the factory recorded. */
#ifndef KILN_STM32_UID_H
#define KILN_STM32_UID_H

#include <stdint.h>

/* Copies the 12 ID bytes (lowest address first, as machine.unique_id() returns them). */
void stm32_unique_id(uint8_t out[12]);

/* Flash size in KiB from the device's flash size register. */
uint32_t stm32_flash_size_kib(void);

#endif
