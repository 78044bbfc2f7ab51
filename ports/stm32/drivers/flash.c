/* flash.c: flash interface (RM0090 ch. 3.6, RM0410 ch. 3.3): KEYR unlock, SER+SNB+STRT sector erase, PG with
   PSIZE parallelism, BSY polling with timeouts, error flags, LOCK; caches reset after a change (F4). */
#include "drivers/flash.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/wait.h"
#include "stm32_port.h"
#include "stm32_series.h"

#define FLASH_ACR DRV_REG(STM32_FLASH_IF + 0x00u)
#define FLASH_KEYR DRV_REG(STM32_FLASH_IF + 0x04u)
#define FLASH_SR DRV_REG(STM32_FLASH_IF + 0x0Cu)
#define FLASH_CR DRV_REG(STM32_FLASH_IF + 0x10u)
#define FLASH_OPTCR DRV_REG(STM32_FLASH_IF + 0x14u)

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define SR_EOP (1u << 0)
#define SR_ERRORS 0x1F2u /* OPERR WRPERR PGAERR PGPERR PGSERR(ERSERR on F7) RDERR */
#define SR_BSY (1u << 16)
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_SNB_POS 3u
#define CR_SNB_MASK (0x1Fu << 3)
#define CR_PSIZE_POS 8u
#define CR_PSIZE_MASK (3u << 8)
#define CR_STRT (1u << 16)
#define CR_LOCK (1u << 31)
#define OPTCR_NDBANK (1u << 29) /* F76x: 1 = single bank (the default) */
#define ACR_ICEN (1u << 9)
#define ACR_DCEN (1u << 10)
#define ACR_ICRST (1u << 11)
#define ACR_DCRST (1u << 12)

/* Datasheet maxima: 128 KiB sector erase 2 s (x32) to 4 s (x8), 256 KiB on the F7 up to 4 s; a word 100 us. */
#define ERASE_TIMEOUT_US 10000000u
#define PROGRAM_TIMEOUT_US 10000u

/* Linker script symbols (templates/stm32/linker.ld.j2): the image ends after .data's load image. */
extern const uint8_t __kiln_data_load;
extern uint8_t __kiln_data_start;
extern uint8_t __kiln_data_end;
/* The /flash sectors (weak: absent on boards without them); inside the image on the 512 KiB parts. */
extern const uint8_t __kiln_fs_start[] __attribute__((weak));
extern const uint8_t __kiln_fs_end[] __attribute__((weak));

void stm32_flash_init(stm32_flash_t *flash, uint32_t vdd_mv) {
    flash->base = stm32_chip.flash_base;
    flash->size = stm32_chip.flash_size;
    flash->protect_start = (uint32_t)(uintptr_t)stm32_vectors;
    flash->protect_end = (uint32_t)(uintptr_t)&__kiln_data_load + (uint32_t)(&__kiln_data_end - &__kiln_data_start);
    flash->psize = vdd_mv >= 2700u ? STM32_FLASH_X32 : vdd_mv >= 2100u ? STM32_FLASH_X16 : STM32_FLASH_X8;
    flash->erase_timeout_us = ERASE_TIMEOUT_US;
    flash->program_timeout_us = PROGRAM_TIMEOUT_US;
    const uint32_t fs_start = (uint32_t)(uintptr_t)__kiln_fs_start;
    const uint32_t fs_end = (uint32_t)(uintptr_t)__kiln_fs_end;
    const bool inside = fs_start < fs_end && fs_start >= flash->protect_start && fs_end <= flash->protect_end;
    flash->open_start = inside ? fs_start : 0u;
    flash->open_end = inside ? fs_end : 0u;
}

/* Sectors 0..3 are one unit, sector 4 four units, every later one eight (16 KiB units on the F4,
   32 KiB on the single-bank F7). */
static uint32_t sector_start_offset(uint32_t index) {
    return index < 5u ? index * STM32_FLASH_UNIT : 8u * STM32_FLASH_UNIT * (index - 4u);
}

static uint32_t sector_size(uint32_t index) {
    return index < 4u ? STM32_FLASH_UNIT : index == 4u ? 4u * STM32_FLASH_UNIT : 8u * STM32_FLASH_UNIT;
}

uint32_t stm32_flash_sector_count(const stm32_flash_t *flash) {
    uint32_t n = 0;
    while (sector_start_offset(n) + sector_size(n) <= flash->size) {
        n++;
    }
    return n;
}

int stm32_flash_sector_info(const stm32_flash_t *flash, uint32_t index, uint32_t *start, uint32_t *size) {
    if (index >= stm32_flash_sector_count(flash)) {
        return -STM32_EINVAL;
    }
    *start = flash->base + sector_start_offset(index);
    *size = sector_size(index);
    return STM32_OK;
}

int stm32_flash_sector_of(const stm32_flash_t *flash, uint32_t addr, uint32_t *index) {
    if (addr < flash->base || addr - flash->base >= flash->size) {
        return -STM32_EINVAL;
    }
    const uint32_t count = stm32_flash_sector_count(flash);
    for (uint32_t i = 0; i < count; i++) {
        if (addr - flash->base < sector_start_offset(i) + sector_size(i)) {
            *index = i;
            return STM32_OK;
        }
    }
    return -STM32_EINVAL;
}

static bool overlaps(uint32_t start, uint32_t len, uint32_t from, uint32_t to) {
    return from < to && start < to && start + len > from;
}

bool stm32_flash_protected(const stm32_flash_t *flash, uint32_t start, uint32_t len) {
    if (flash->open_start >= flash->open_end) {
        return overlaps(start, len, flash->protect_start, flash->protect_end);
    }
    return overlaps(start, len, flash->protect_start, flash->open_start) ||
           overlaps(start, len, flash->open_end, flash->protect_end);
}

static int unlock(void) {
    if (FLASH_CR & CR_LOCK) {
        FLASH_KEYR = KEY1;
        FLASH_KEYR = KEY2;
    }
    /* A wrong sequence locks the interface until the next reset. */
    return (FLASH_CR & CR_LOCK) ? -STM32_EPERM : STM32_OK;
}

static void lock(void) {
    FLASH_CR = CR_LOCK;
}

static int wait_idle(uint32_t timeout_us) {
    if (stm32_wait_reg(&FLASH_SR, SR_BSY, 0u, timeout_us) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    const uint32_t sr = FLASH_SR;
    FLASH_SR = (sr & SR_ERRORS) | SR_EOP; /* rc_w1 */
    return (sr & SR_ERRORS) ? -STM32_EIO : STM32_OK;
}

/* The F4's ART caches may hold the old contents of what we changed: reset them (only while disabled). */
static void reset_caches(void) {
#if !STM32_F7
    const uint32_t acr = FLASH_ACR;
    FLASH_ACR = acr & ~(ACR_ICEN | ACR_DCEN);
    FLASH_ACR = (acr & ~(ACR_ICEN | ACR_DCEN)) | ACR_ICRST | ACR_DCRST;
    FLASH_ACR = acr & ~(ACR_ICRST | ACR_DCRST);
#endif
}

/* Before a new operation: nothing in progress, stale error flags cleared. */
static int prepare(const stm32_flash_t *flash) {
    if (stm32_wait_reg(&FLASH_SR, SR_BSY, 0u, flash->erase_timeout_us) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    FLASH_SR = SR_ERRORS | SR_EOP;
    return unlock();
}

int stm32_flash_erase(stm32_flash_t *flash, uint32_t index) {
    uint32_t start;
    uint32_t size;
    if (stm32_flash_sector_info(flash, index, &start, &size) != STM32_OK) {
        return -STM32_EINVAL;
    }
    if (stm32_flash_protected(flash, start, size)) {
        return -STM32_EPERM;
    }
#if STM32_F7
    if ((FLASH_OPTCR & OPTCR_NDBANK) == 0u) {
        return -STM32_ENODEV; /* dual-bank mode has another sector map: not supported */
    }
#endif
    int err = prepare(flash);
    if (err != STM32_OK) {
        lock();
        return err;
    }
    FLASH_CR = ((uint32_t)flash->psize << CR_PSIZE_POS) | CR_SER | (index << CR_SNB_POS);
    FLASH_CR |= CR_STRT;
    __asm volatile("dsb" ::: "memory");
    err = wait_idle(flash->erase_timeout_us);
    FLASH_CR &= ~(CR_SER | CR_SNB_MASK);
    lock();
    reset_caches();
    if (err != STM32_OK) {
        return err;
    }
    const uint32_t *word = (const uint32_t *)(uintptr_t)start;
    for (uint32_t i = 0; i < size / 4u; i++) {
        if (word[i] != 0xFFFFFFFFu) {
            return -STM32_EIO;
        }
    }
    return STM32_OK;
}

/* One program operation of 1, 2 or 4 bytes at the parallelism that width needs. */
static int program_unit(const stm32_flash_t *flash, uint32_t addr, const uint8_t *data, uint32_t width) {
    const uint32_t psize = width == 4u ? STM32_FLASH_X32 : width == 2u ? STM32_FLASH_X16 : STM32_FLASH_X8;
    FLASH_CR = (psize << CR_PSIZE_POS) | CR_PG;
    if (width == 4u) {
        DRV_REG(addr) = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    } else if (width == 2u) {
        DRV_REG16(addr) = (uint16_t)(data[0] | data[1] << 8);
    } else {
        DRV_REG8(addr) = data[0];
    }
    __asm volatile("dsb" ::: "memory"); /* the write must reach the flash interface before BSY is read */
    return wait_idle(flash->program_timeout_us);
}

int stm32_flash_write(stm32_flash_t *flash, uint32_t addr, const uint8_t *data, size_t len) {
    if (len == 0u) {
        return STM32_OK;
    }
    if (addr < flash->base || addr - flash->base > flash->size || len > flash->size - (addr - flash->base)) {
        return -STM32_EINVAL;
    }
    if (stm32_flash_protected(flash, addr, (uint32_t)len)) {
        return -STM32_EPERM;
    }
    int err = prepare(flash);
    const uint32_t widest = flash->psize == STM32_FLASH_X32 ? 4u : flash->psize == STM32_FLASH_X16 ? 2u : 1u;
    size_t done = 0;
    while (err == STM32_OK && done < len) {
        const uint32_t at = addr + (uint32_t)done;
        uint32_t width = widest;
        while (width > 1u && ((at % width) != 0u || len - done < width)) {
            width /= 2u;
        }
        err = program_unit(flash, at, data + done, width);
        done += width;
    }
    FLASH_CR = 0u;
    lock();
    reset_caches();
    if (err != STM32_OK) {
        return err;
    }
    const uint8_t *written = (const uint8_t *)(uintptr_t)addr;
    for (size_t i = 0; i < len; i++) {
        if (written[i] != data[i]) {
            return -STM32_EIO;
        }
    }
    return STM32_OK;
}
