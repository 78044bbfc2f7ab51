/* flash.c: SPI NOR sector erase and page program for the filesystem, from RAM, firmware sectors refused. */
/* SPI NOR erase (20h, 4 KiB) and page program (02h) with write-enable (06h) and status polling
 * (05h), run from RAM with XIP exited; refuses the firmware's own sectors. */
#include "rp2_flash.h"

#include "board_config.h"
#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_qspi.h"
#include "rp2_ramfunc.h"

#define CMD_WRITE_ENABLE 0x06u
#define CMD_READ_STATUS 0x05u
#define CMD_SECTOR_ERASE 0x20u
#define CMD_PAGE_PROGRAM 0x02u
#define CMD_ENABLE_RESET 0x66u
#define CMD_RESET 0x99u
#define SR_BUSY 0x01u
#define SR_WEL 0x02u
/* Worst cases from W25Q16JV..W25Q128JV / GD25Q64C datasheets (sector erase 400 ms, page
 * program 3 ms), with margin. Interrupts are masked meanwhile. */
#define ERASE_TIMEOUT_US 1000000u
#define PROGRAM_TIMEOUT_US 10000u
#define RESET_RECOVERY_US 1000u /* tRST is 30 us */

/* From the linker script: the .tdata image is the last thing loaded into flash. */
extern uint32_t __kiln_tdata_load[];
extern uint32_t __kiln_tls_start[];
extern uint32_t __kiln_tdata_end[];

static struct {
    uint32_t firmware_end;
    uint8_t ready;
    uint8_t page[RP2_FLASH_PAGE_SIZE + 4u]; /* command + address + data, all in RAM */
} flash;

int rp2_flash_init(void) {
    uintptr_t end = (uintptr_t)__kiln_tdata_load + ((uintptr_t)__kiln_tdata_end - (uintptr_t)__kiln_tls_start);
    uint32_t used = (uint32_t)(end - XIP_BASE);
    flash.firmware_end = (used + RP2_FLASH_SECTOR_SIZE - 1u) & ~(RP2_FLASH_SECTOR_SIZE - 1u);
    flash.ready = (uint8_t)rp2_qspi_ready();
    return flash.ready ? RP2_OK : RP2_ERR_NOT_READY;
}

uint32_t rp2_flash_size(void) {
    return KILN_REGION_FLASH_LENGTH;
}

uint32_t rp2_flash_firmware_end(void) {
    return flash.firmware_end;
}

void rp2_flash_fs_region(uint32_t *offset, uint32_t *size) {
    uint32_t start = RP2_FLASH_FS_OFFSET > flash.firmware_end ? RP2_FLASH_FS_OFFSET : flash.firmware_end;
    *offset = start;
    *size = start < KILN_REGION_FLASH_LENGTH ? KILN_REGION_FLASH_LENGTH - start : 0u;
}

/* In range, and clear of the firmware (which includes boot2 at offset 0). */
static int check_range(uint32_t offset, uint32_t len) {
    if (!flash.ready) {
        return RP2_ERR_NOT_READY;
    }
    if (len == 0u || offset >= KILN_REGION_FLASH_LENGTH || len > KILN_REGION_FLASH_LENGTH - offset) {
        return RP2_ERR_INVALID;
    }
    return offset < flash.firmware_end ? RP2_ERR_PROTECTED : RP2_OK;
}

static int RP2_RAMFUNC(read_status)(uint8_t *status) {
    uint8_t cmd = CMD_READ_STATUS;
    return rp2_qspi_command(&cmd, 1, status, 1);
}

/* 06h, then confirm the write-enable latch: a chip that is write-protected leaves it clear. */
static int RP2_RAMFUNC(write_enable)(void) {
    uint8_t cmd = CMD_WRITE_ENABLE;
    uint8_t status = 0;
    int err = rp2_qspi_command(&cmd, 1, 0, 0);
    if (err == RP2_OK) {
        err = read_status(&status);
    }
    if (err == RP2_OK && !(status & SR_WEL)) {
        err = RP2_ERR_WRITE_ENABLE;
    }
    return err;
}

static int RP2_RAMFUNC(wait_not_busy)(uint32_t timeout_us) {
    uint32_t start = rp2_ram_time_us();
    for (;;) {
        uint8_t status = 0;
        int err = read_status(&status);
        if (err != RP2_OK) {
            return err;
        }
        if (!(status & SR_BUSY)) {
            return RP2_OK;
        }
        if (rp2_ram_time_us() - start > timeout_us) {
            return RP2_ERR_TIMEOUT;
        }
    }
}

/* A chip still busy after its deadline would leave XIP unusable: 66h + 99h (software reset)
 * aborts the operation, so XIP can come back; the sector is then in an undefined state. */
static void RP2_RAMFUNC(abort_operation)(void) {
    uint8_t cmd = CMD_ENABLE_RESET;
    (void)rp2_qspi_command(&cmd, 1, 0, 0);
    cmd = CMD_RESET;
    (void)rp2_qspi_command(&cmd, 1, 0, 0);
    (void)wait_not_busy(RESET_RECOVERY_US);
}

/* One write-type command (flash.page[0..len)) under a session: WREN, command, wait. */
static int RP2_RAMFUNC(write_command)(uint32_t len, uint32_t timeout_us) {
    uint32_t saved = rp2_qspi_begin();
    int err = write_enable();
    if (err == RP2_OK) {
        err = rp2_qspi_command(flash.page, len, 0, 0);
    }
    if (err == RP2_OK) {
        err = wait_not_busy(timeout_us);
        if (err == RP2_ERR_TIMEOUT) {
            abort_operation();
        }
    }
    rp2_qspi_end(saved);
    return err;
}

static void put_address(uint8_t cmd, uint32_t offset) {
    flash.page[0] = cmd;
    flash.page[1] = (uint8_t)(offset >> 16);
    flash.page[2] = (uint8_t)(offset >> 8);
    flash.page[3] = (uint8_t)offset;
}

int rp2_flash_erase(uint32_t offset, uint32_t len) {
    int err = check_range(offset, len);
    if (err != RP2_OK) {
        return err;
    }
    if ((offset | len) & (RP2_FLASH_SECTOR_SIZE - 1u)) {
        return RP2_ERR_INVALID;
    }
    /* One session per sector: interrupts run in between. */
    for (uint32_t at = offset; at < offset + len; at += RP2_FLASH_SECTOR_SIZE) {
        put_address(CMD_SECTOR_ERASE, at);
        err = write_command(4u, ERASE_TIMEOUT_US);
        if (err != RP2_OK) {
            return err;
        }
    }
    return RP2_OK;
}

int rp2_flash_program(uint32_t offset, const uint8_t *data, uint32_t len) {
    int err = check_range(offset, len);
    if (err != RP2_OK) {
        return err;
    }
    uint32_t done = 0;
    while (done < len) {
        uint32_t at = offset + done;
        uint32_t chunk = RP2_FLASH_PAGE_SIZE - (at & (RP2_FLASH_PAGE_SIZE - 1u)); /* to the page end */
        if (chunk > len - done) {
            chunk = len - done;
        }
        /* The data may itself be in flash: copy it while XIP still works. */
        put_address(CMD_PAGE_PROGRAM, at);
        for (uint32_t i = 0; i < chunk; i++) {
            flash.page[4u + i] = data[done + i];
        }
        err = write_command(4u + chunk, PROGRAM_TIMEOUT_US);
        if (err != RP2_OK) {
            return err;
        }
        const volatile uint8_t *written = (const volatile uint8_t *)(XIP_BASE + at);
        for (uint32_t i = 0; i < chunk; i++) {
            if (written[i] != flash.page[4u + i]) {
                return RP2_ERR_VERIFY;
            }
        }
        done += chunk;
    }
    return RP2_OK;
}

int rp2_flash_read(uint32_t offset, uint8_t *buf, uint32_t len) {
    if (len == 0u || offset >= KILN_REGION_FLASH_LENGTH || len > KILN_REGION_FLASH_LENGTH - offset) {
        return RP2_ERR_INVALID;
    }
    const volatile uint8_t *src = (const volatile uint8_t *)(XIP_BASE + offset);
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = src[i];
    }
    return RP2_OK;
}
