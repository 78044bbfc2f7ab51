/* stm32_port.h: what the STM32 HAL files share with each other (not part of the core's hal.h). */
#ifndef KILN_STM32_PORT_H
#define KILN_STM32_PORT_H

#include <stdbool.h>
#include <stdint.h>

/* The clock tree as it ended up after stm32_clock_init(). */
typedef struct {
    uint32_t cpu_hz;   /* core/AHB clock the HAL reports and times with */
    uint32_t apb1_hz;  /* peripheral clock of USART2..5 */
    uint32_t apb2_hz;  /* peripheral clock of USART1 and USART6 */
    bool on_pll;       /* the PLL drives SYSCLK (false: HSI after a fallback or by design) */
    bool emulated;     /* RCC reads back as absent: we run in an emulator such as QEMU */
} stm32_clocks_t;

/* Sets up HSE/HSI -> PLL -> SYSCLK with timeouts; falls back to HSI. Returns what it reached. */
const stm32_clocks_t *stm32_clock_init(void);

/* The result of the last stm32_clock_init(). */
const stm32_clocks_t *stm32_clocks(void);

/* SysTick at 1 kHz from cpu_hz; resets the millisecond count. */
void stm32_tick_init(uint32_t cpu_hz);

/* Console USART, pins and baud rate from stm32_chip (chip.c); resets the receive ring buffer. */
void stm32_console_init(const stm32_clocks_t *clocks);

/* Waits (bounded) until the console has shifted out everything written so far. */
void stm32_console_flush(void);

/* Writes a message straight to the console if it is up; safe in fault handlers. */
void stm32_console_panic(const char *msg);

/* The vector table (vectors.c), placed at the start of flash. */
typedef void (*stm32_handler_t)(void);
extern const stm32_handler_t stm32_vectors[];

/* machine.Timer(-1)'s millisecond timers (mod_machine_io.c), run from the SysTick interrupt. */
void stm32_soft_timers_tick(uint32_t now_ms);

/* Interrupt handlers named in the vector table. */
void stm32_console_irq(void);
void stm32_systick_irq(void);

#endif
