/* esp_flash_iram.c: ESP32-C3/C6 SPI1 flash commands (WREN, SE, PP, RDSR polling) run from IRAM with the cache off. */
#include <errno.h>

#include "esp32_hal.h"
#include "esp_flash.h"
#include "soc_regs.h"

/* Everything here runs while the flash cannot be read: code in IRAM, no calls out, no constant
   tables (a switch or string would land in flash .rodata), only MMIO and the caller's RAM. */
#define IRAM __attribute__((section(".iram.text.flash"), noinline))
#define INLINE static inline __attribute__((always_inline))

#define SPI1_CMD REG32(SOC_SPI1_BASE + 0x00u)
#define SPI1_ADDR REG32(SOC_SPI1_BASE + 0x04u)
#define SPI1_USER REG32(SOC_SPI1_BASE + 0x18u)
#define SPI1_USER1 REG32(SOC_SPI1_BASE + 0x1Cu)
#define SPI1_USER2 REG32(SOC_SPI1_BASE + 0x20u)
#define SPI1_MOSI_DLEN REG32(SOC_SPI1_BASE + 0x24u)
#define SPI1_MISO_DLEN REG32(SOC_SPI1_BASE + 0x28u)
#define SPI1_W(n) REG32(SOC_SPI1_BASE + 0x58u + 4u * (n))

#define CMD_USR (1u << 18)
#define USER_COMMAND (1u << 31)
#define USER_ADDR (1u << 30)
#define USER_MISO (1u << 28)
#define USER_MOSI (1u << 27)
#define USER1_ADDR_BITS_SHIFT 26
#define USER2_CMD_BITS_SHIFT 28

/* SPI NOR commands (JEDEC common set). */
#define NOR_WREN 0x06u
#define NOR_RDSR 0x05u
#define NOR_SE 0x20u
#define NOR_PP 0x02u
#define NOR_WIP (1u << 0)
#define NOR_WEL (1u << 1)

/* SYSTIMER ticks at 16 MHz. */
#define TICKS_PER_MS 16000u
#define CMD_TIMEOUT_TICKS (TICKS_PER_MS * 2u)
#define ERASE_TIMEOUT_TICKS (TICKS_PER_MS * 2000u) /* sector erase: typ. 45 ms, max. 400 ms on common parts */
#define PROGRAM_TIMEOUT_TICKS (TICKS_PER_MS * 50u)  /* page program: typ. 0.7 ms, max. 3 ms */

INLINE uint32_t ticks(void) {
    SYSTIMER_UNIT0_OP = SYSTIMER_OP_UPDATE;
    for (unsigned i = 0; i < 100u && (SYSTIMER_UNIT0_OP & SYSTIMER_OP_VALID) == 0u; i++) {
    }
    return SYSTIMER_UNIT0_LO;
}

/* The waits below read the clock before the status: a wait only fails after a status read that
   started past the deadline, so time lost between the two (an emulator or debugger stall) cannot
   turn a finished operation into a timeout. */
INLINE int run_command(void) {
    SPI1_CMD = CMD_USR;
    uint32_t start = ticks();
    for (;;) {
        int expired = ticks() - start > CMD_TIMEOUT_TICKS;
        if ((SPI1_CMD & CMD_USR) == 0u) {
            return 0;
        }
        if (expired) {
            return -ETIMEDOUT;
        }
    }
}

/* A command with no address and no data (WREN). */
INLINE int simple_command(uint32_t opcode) {
    SPI1_USER = USER_COMMAND;
    SPI1_USER2 = (7u << USER2_CMD_BITS_SHIFT) | opcode;
    return run_command();
}

INLINE int read_status(uint32_t *status) {
    SPI1_USER = USER_COMMAND | USER_MISO;
    SPI1_USER2 = (7u << USER2_CMD_BITS_SHIFT) | NOR_RDSR;
    SPI1_MISO_DLEN = 7u;
    SPI1_W(0) = 0;
    int err = run_command();
    *status = SPI1_W(0) & 0xFFu;
    return err;
}

INLINE int wait_ready(uint32_t timeout) {
    uint32_t start = ticks();
    for (;;) {
        int expired = ticks() - start > timeout;
        uint32_t status;
        int err = read_status(&status);
        if (err != 0) {
            return err;
        }
        if ((status & NOR_WIP) == 0u) {
            return 0;
        }
        if (expired) {
            return -ETIMEDOUT;
        }
    }
}

INLINE int write_enable(void) {
    int err = simple_command(NOR_WREN);
    if (err != 0) {
        return err;
    }
    uint32_t status;
    err = read_status(&status);
    if (err != 0) {
        return err;
    }
    /* No WEL after WREN: write-protected chip or nothing answering. */
    return (status & NOR_WEL) ? 0 : -EIO;
}

INLINE void cache_off(void) {
    soc_flash_cache_shut();
    __asm__ volatile("fence" ::: "memory");
}

INLINE void cache_on(void) {
    /* Flash contents changed under the cache: drop every line before reopening the buses. */
    soc_flash_cache_reopen();
    __asm__ volatile("fence" ::: "memory");
}

IRAM int esp_flash_op_erase_sector(uint32_t addr) {
    uint32_t irq = esp32_irq_save();
    cache_off();
    int err = wait_ready(CMD_TIMEOUT_TICKS);
    if (err == 0) {
        err = write_enable();
    }
    if (err == 0) {
        SPI1_USER = USER_COMMAND | USER_ADDR;
        SPI1_USER1 = 23u << USER1_ADDR_BITS_SHIFT;
        SPI1_ADDR = addr;
        SPI1_USER2 = (7u << USER2_CMD_BITS_SHIFT) | NOR_SE;
        err = run_command();
    }
    if (err == 0) {
        err = wait_ready(ERASE_TIMEOUT_TICKS);
    }
    cache_on();
    esp32_irq_restore(irq);
    return err;
}

IRAM int esp_flash_op_program(uint32_t addr, const uint8_t *ram_src, size_t len) {
    uint32_t irq = esp32_irq_save();
    cache_off();
    int err = wait_ready(CMD_TIMEOUT_TICKS);
    size_t done = 0;
    while (err == 0 && done < len) {
        /* The SPI1 buffer holds 64 bytes: one PP per 64-byte piece of the page. */
        size_t chunk = len - done < 64u ? len - done : 64u;
        err = write_enable();
        if (err != 0) {
            break;
        }
        for (unsigned w = 0; w < (chunk + 3u) / 4u; w++) {
            uint32_t word = 0;
            for (unsigned b = 0; b < 4u; b++) {
                size_t i = w * 4u + b;
                word |= (uint32_t)(i < chunk ? ram_src[done + i] : 0xFFu) << (8u * b);
            }
            SPI1_W(w) = word;
        }
        SPI1_USER = USER_COMMAND | USER_ADDR | USER_MOSI;
        SPI1_USER1 = 23u << USER1_ADDR_BITS_SHIFT;
        SPI1_ADDR = addr + (uint32_t)done;
        SPI1_MOSI_DLEN = (uint32_t)(chunk * 8u - 1u);
        SPI1_USER2 = (7u << USER2_CMD_BITS_SHIFT) | NOR_PP;
        err = run_command();
        if (err == 0) {
            err = wait_ready(PROGRAM_TIMEOUT_TICKS);
        }
        done += chunk;
    }
    cache_on();
    esp32_irq_restore(irq);
    return err;
}

/* Points MMU entries [first_entry, first_entry + entries) at consecutive flash pages. The cache is
   invalidated from here too, so no stale line of the old pages survives. */
IRAM void esp_flash_op_map(uint32_t first_entry, uint32_t entries, uint32_t first_page) {
    uint32_t irq = esp32_irq_save();
    for (uint32_t i = 0; i < entries; i++) {
        soc_flash_mmu_set(first_entry + i, first_page + i);
    }
    soc_flash_cache_invalidate();
    esp32_irq_restore(irq);
}
